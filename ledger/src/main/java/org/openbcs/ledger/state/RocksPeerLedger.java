package org.openbcs.ledger.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.openbcs.common.Invariants;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ledger.BlockStore;
import org.openbcs.ledger.BlockchainInfo;
import org.openbcs.ledger.CommitResult;
import org.openbcs.ledger.KeyModification;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ledger.StatePage;
import org.openbcs.ledger.TxRecord;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.ledger.Version;
import org.openbcs.ledger.VersionedValue;
import org.openbcs.ledger.blockstore.BlockChecks;
import org.openbcs.ledger.blockstore.FileBlockStore;
import org.openbcs.ledger.blockstore.TxLocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's channel ledger: a {@link FileBlockStore} plus world state and history in a {@link StateDb}.
 *
 * <p>Commit order is block file (fsynced), block index, then one state batch ending in the savepoint.
 * A crash anywhere leaves the savepoint at or behind the block store, and open replays the gap from
 * the stored blocks, whose filters record which transactions were valid.
 */
public final class RocksPeerLedger implements PeerLedger {
  private static final Logger log = LoggerFactory.getLogger(RocksPeerLedger.class);

  /** Commit has at most one helper task in flight; the bound only guards against misuse. */
  private static final int HELPER_QUEUE_BOUND = 2;

  private final String channelId;
  private final CryptoSuite suite;
  private final ExecutorService helper;
  private final FileBlockStore blocks;
  private final StateDb state;
  private final MvccValidator mvcc;
  private final List<Consumer<CommitResult>> listeners = new CopyOnWriteArrayList<>();
  /** Set when a block reached the store but its state did not: state is stale until a reopen replays it. */
  private volatile String failure;

  private RocksPeerLedger(String channelId, CryptoSuite suite, FileBlockStore blocks, StateDb state) {
    this.channelId = channelId;
    this.suite = suite;
    // One helper thread per channel ledger; commit waits for each task it hands over.
    this.helper = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(HELPER_QUEUE_BOUND), r -> {
          Thread t = new Thread(r, "ledger-commit-helper-" + channelId);
          t.setDaemon(true);
          return t;
        });
    this.blocks = blocks;
    this.state = state;
    this.mvcc = new MvccValidator(state);
  }

  /** Opens the ledger in {@code dir} (the channel's own directory), recovering and replaying as needed. */
  public static RocksPeerLedger open(Path dir, String channelId, CryptoSuite suite) {
    FileBlockStore blocks = FileBlockStore.open(dir, suite);
    StateDb state;
    try {
      state = StateDb.open(dir.resolve(StateDb.DIR));
    } catch (RuntimeException e) {
      blocks.close();
      throw e;
    }
    try {
      Optional<String> stored = state.channelId();
      if (stored.isPresent() && !stored.get().equals(channelId)) {
        throw new LedgerException("ledger " + dir + " belongs to channel " + stored.get() + ", not " + channelId);
      }
      if (stored.isEmpty()) {
        state.setChannelId(channelId);
      }
      RocksPeerLedger ledger = new RocksPeerLedger(channelId, suite, blocks, state);
      try {
        ledger.replayLaggingState();
      } catch (RuntimeException | Error e) {
        ledger.helper.shutdown();
        throw e;
      }
      return ledger;
    } catch (RuntimeException | Error e) {
      state.close();
      blocks.close();
      throw e;
    }
  }

  private void replayLaggingState() {
    Optional<StateDb.Savepoint> sp = state.savepoint();
    long savepoint = sp.map(StateDb.Savepoint::blockNum).orElse(-1L);
    long tip = blocks.height() - 1;
    Invariants.check(savepoint <= tip,
        "channel %s: state savepoint at block %d is ahead of the block store tip %d", channelId, savepoint, tip);
    if (sp.isPresent()) {
      byte[] stored = blocks.index().block(savepoint).orElseThrow().headerHash();
      if (!Arrays.equals(stored, sp.get().headerHash())) {
        throw new LedgerException("block " + savepoint + ": the state savepoint records header hash "
            + BlockChecks.abbrev(sp.get().headerHash()) + " but the block store holds " + BlockChecks.abbrev(stored)
            + "; state and blocks belong to different chains");
      }
    }
    for (long n = savepoint + 1; n <= tip; n++) {
      long num = n;
      Block block = blocks.blockByNumber(n).orElseThrow(() -> new LedgerException(
          "block " + num + ": missing from the block store below its height during state replay"));
      BlockUpdates updates = CommittedBlocks.validWrites(block);
      state.commit(updates, blocks.index().block(n).orElseThrow().headerHash());
      log.info("channel {}: replayed state of block {} ({} valid txs)", channelId, n, updates.validTxs());
    }
  }

  @Override
  public String channelId() {
    return channelId;
  }

  @Override
  public BlockStore blocks() {
    return blocks;
  }

  @Override
  public BlockchainInfo info() {
    return blocks.info();
  }

  @Override
  public Optional<VersionedValue> getState(String namespace, String key) {
    return StateQueries.get(state, null, namespace, key);
  }

  @Override
  public StatePage getStateRange(String namespace, String startKey, String endKey, int pageSize, String bookmark) {
    // A snapshot keeps one page consistent while a commit lands mid-scan.
    try (RocksTxSimulator sim = new RocksTxSimulator(state, "")) {
      return sim.getStateRange(namespace, startKey, endKey, pageSize, bookmark);
    }
  }

  @Override
  public List<KeyModification> getHistory(String namespace, String key) {
    try (RocksTxSimulator sim = new RocksTxSimulator(state, "")) {
      return sim.getHistory(namespace, key);
    }
  }

  @Override
  public Optional<TxRecord> transaction(String txId) {
    Optional<TxLocation> loc = blocks.txLocation(txId);
    if (loc.isEmpty()) {
      return Optional.empty();
    }
    long n = loc.get().blockNum();
    int i = loc.get().txIndex();
    Block block = blocks.blockByNumber(n).orElseThrow(() ->
        new LedgerException("block " + n + ": indexed for tx " + txId + " but not in the block store"));
    if (i >= block.getData().getDataCount()) {
      throw new LedgerException("block " + n + ": tx " + txId + " indexed at position " + i + " of "
          + block.getData().getDataCount());
    }
    try {
      Envelope env = Envelope.parseFrom(block.getData().getData(i));
      return Optional.of(new TxRecord(txId, env, CommittedBlocks.code(CommittedBlocks.filter(block), i), n, i));
    } catch (InvalidProtocolBufferException e) {
      throw new LedgerException("block " + n + ": envelope " + i + " of tx " + txId + " is malformed", e);
    }
  }

  @Override
  public TxSimulator newSimulator(String txId) {
    return new RocksTxSimulator(state, txId);
  }

  @Override
  public CommitResult commit(Block block, byte[] preValidationCodes) {
    if (failure != null) {
      throw new LedgerException("channel " + channelId + ": ledger needs a reopen: " + failure);
    }
    if (!block.hasHeader()) {
      throw new LedgerException("channel " + channelId + ": block without header");
    }
    long n = block.getHeader().getNumber();
    int count = block.getData().getDataCount();
    if (preValidationCodes.length != count) {
      throw new LedgerException("block " + n + ": " + preValidationCodes.length
          + " pre-validation codes for " + count + " envelopes");
    }
    if (n != blocks.height()) {
      throw new LedgerException("block " + n + ": expected block number " + blocks.height() + " (the store's height)");
    }
    byte[] codes = preValidationCodes.clone();
    // Parsing is per-envelope and independent: the helper parses the first half meanwhile.
    int mid = count / 2;
    Future<List<ParsedTx>> firstHalf = helper.submit(() -> parseRange(block, 0, mid));
    List<ParsedTx> secondHalf = parseRange(block, mid, count);
    List<ParsedTx> parsed = new ArrayList<>(count);
    parsed.addAll(join(firstHalf));
    parsed.addAll(secondHalf);
    List<String> txIds = new ArrayList<>(count);
    for (ParsedTx tx : parsed) {
      txIds.add(tx.txId());
    }
    Set<String> committedTxIds = blocks.indexedTxIds(txIds);
    Map<MvccValidator.StateKey, Version> committedVersions = mvcc.prefetch(parsed);
    Set<String> seenInBlock = new HashSet<>(count * 2);
    BlockUpdates updates = new BlockUpdates(n);
    List<String> newTxIds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ParsedTx tx = parsed.get(i);
      String txId = tx.txId();
      if (codes[i] == TxValidationCode.VALID_VALUE) {
        boolean duplicate = seenInBlock.contains(txId) || committedTxIds.contains(txId);
        codes[i] = (byte) decide(tx, duplicate, updates, committedVersions, i, n);
      }
      if (!txId.isEmpty()) {
        seenInBlock.add(txId);
      }
      newTxIds.add(committedTxIds.contains(txId) ? "" : txId);
    }
    Block stored = withFilter(block, codes);
    // The block file write and fsync run on the helper while this thread encodes the state batch;
    // the batch is written only after the block is durable, so state never gets ahead of the blocks.
    Future<?> appended = helper.submit(() -> blocks.appendWithNewTxIds(stored, newTxIds));
    byte[] headerHash = BlockHashing.headerHash(suite, stored.getHeader());
    StateDb.EncodedBatch batch = state.encode(updates, headerHash);
    join(appended);
    Invariants.check(Arrays.equals(headerHash, blocks.info().currentBlockHash()),
        "channel %s: block %d header hash differs from the stored tip's", channelId, n);
    try {
      state.write(n, batch);
    } catch (RuntimeException e) {
      failure = "block " + n + " is stored but its state batch failed (" + e.getMessage() + ")";
      log.error("channel {}: {}; refusing further commits until reopened", channelId, failure, e);
      throw e;
    }
    CommitResult result = new CommitResult(n, codes);
    log.debug("channel {}: committed block {} ({} txs, {} valid)", channelId, n, count, updates.validTxs());
    for (Consumer<CommitResult> l : listeners) {
      try {
        l.accept(result);
      } catch (RuntimeException e) {
        log.error("channel {}: commit listener failed on block {}", channelId, n, e);
      }
    }
    return result;
  }

  private static List<ParsedTx> parseRange(Block block, int from, int to) {
    List<ParsedTx> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(TxParser.parse(block.getData().getData(i)));
    }
    return out;
  }

  /** Waits for a helper task, rethrowing its exception (LedgerException, invariant) as is. */
  private static <T> T join(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while committing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new LedgerException("commit helper failed: " + cause, cause);
    }
  }

  private int decide(ParsedTx tx, boolean duplicate, BlockUpdates updates, Map<MvccValidator.StateKey, Version> committed,
      int txNum, long n) {
    return switch (tx) {
      case ParsedTx.Malformed m -> {
        log.warn("channel {}: block {} tx {} ({}) is invalid: {}", channelId, n, txNum, m.txId(), m.reason());
        yield m.code();
      }
      case ParsedTx.NonEndorser other -> TxValidationCode.VALID_VALUE;
      case ParsedTx.Endorser e -> {
        if (duplicate) {
          yield TxValidationCode.DUPLICATE_TXID_VALUE;
        }
        int code = mvcc.validate(e, updates, committed);
        if (code == TxValidationCode.VALID_VALUE) {
          updates.apply(e, txNum);
        }
        yield code;
      }
    };
  }

  private static Block withFilter(Block block, byte[] codes) {
    Block full = BlockChecks.withFullMetadata(block);
    BlockMetadata md = full.getMetadata().toBuilder()
        .setMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE, ByteString.copyFrom(codes))
        .build();
    return full.toBuilder().setMetadata(md).build();
  }

  @Override
  public void addCommitListener(Consumer<CommitResult> listener) {
    listeners.add(listener);
  }

  /** The state database, for the verifier and tamper tests. */
  public StateDb stateDb() {
    return state;
  }

  public FileBlockStore blockStore() {
    return blocks;
  }

  @Override
  public void close() {
    helper.shutdown();
    state.close();
    blocks.close();
  }
}
