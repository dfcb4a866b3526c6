package org.openbcs.ledger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.common.Block;

/**
 * A peer's ledger for one channel: block store + world state + history, committed together.
 *
 * <p>Commit is single-threaded by contract; queries and simulators are thread-safe.
 */
public interface PeerLedger extends AutoCloseable {
  String channelId();

  BlockStore blocks();

  BlockchainInfo info();

  Optional<VersionedValue> getState(String namespace, String key);

  /** {@code [startKey, endKey)} in UTF-8 byte order, with Fabric pagination semantics. */
  StatePage getStateRange(String namespace, String startKey, String endKey, int pageSize, String bookmark);

  /** Newest first. */
  List<KeyModification> getHistory(String namespace, String key);

  Optional<TxRecord> transaction(String txId);

  /**
   * The outcome of committed transaction {@code txId}, as {@link #transaction} would report it but
   * without reading the transaction back when its block is recent (commit status and duplicate
   * checks ask this for every transaction).
   */
  default Optional<TxOutcome> transactionOutcome(String txId) {
    return transaction(txId).map(tx -> new TxOutcome(tx.validationCode(), tx.blockNum()));
  }

  TxSimulator newSimulator(String txId);

  /**
   * Validates MVCC and phantom reads of every transaction whose {@code preValidationCodes} entry is
   * VALID (0), against committed state and earlier valid transactions of the same block (Fabric's
   * codes MVCC_READ_CONFLICT 11, PHANTOM_READ_CONFLICT 12, DUPLICATE_TXID 9 for a tx id already
   * committed or earlier in the block), then writes the block with its TRANSACTIONS_FILTER, the
   * state updates and history of valid transactions, and the "last committed block" marker in one
   * atomic step. Envelopes that are not ENDORSER_TRANSACTION (e.g. CONFIG) are kept with their
   * pre-validation code and write nothing to state.
   *
   * @param preValidationCodes one TxValidationCode per envelope from signature/policy checks
   * @throws LedgerException if the block does not follow the chain or is malformed
   */
  CommitResult commit(Block block, byte[] preValidationCodes);

  /**
   * As {@link #commit}, pipelined: validates {@code block} (chain, MVCC, duplicates) on the calling
   * thread and returns once the block is accepted; the block file write + fsync and the state batch
   * follow in the background, overlapping the validation of the next block. The future completes
   * once the block is durable and its state written (listeners have run by then), in block order.
   * Blocks that do not follow or are malformed fail the call itself; a later storage failure fails
   * the future and every later commit until the ledger is reopened. Same single-caller contract as
   * {@link #commit}; the two may be mixed (commit waits for the blocks already in the pipeline).
   *
   * <p>The default implementation commits synchronously.
   */
  default CompletableFuture<CommitResult> commitAsync(Block block, byte[] preValidationCodes) {
    return CompletableFuture.completedFuture(commit(block, preValidationCodes));
  }

  /**
   * The height and tip hash the next {@link #commitAsync} block must follow: ahead of {@link
   * #info()} while accepted blocks are still being written. Same single-caller contract as the
   * commits (only the committing thread may rely on it).
   *
   * <p>The default implementation has no pipeline: the committed tip.
   */
  default Tip acceptedTip() {
    BlockchainInfo info = info();
    return new Tip(info.height(), info.currentBlockHash());
  }

  /** A chain tip: the next block number and the header hash of the block before it. */
  record Tip(long height, byte[] currentBlockHash) {}

  /** Called after each commit, on the committing thread; keep it short. */
  void addCommitListener(Consumer<CommitResult> listener);

  @Override
  void close();
}
