package org.openbcs.ledger.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import org.openbcs.common.log.LogContext;
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
import org.openbcs.ledger.TxOutcome;
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

  /** The parser gets two tasks per block and the writer one; the bounds only guard against misuse. */
  private static final int PARSER_QUEUE_BOUND = 4;

  private static final int WRITER_QUEUE_BOUND = 4;

  private final String channelId;
  private final CryptoSuite suite;
  private final ExecutorService parser;
  private final ExecutorService writer;
  private final FileBlockStore blocks;
  private final StateDb state;
  private final MvccValidator mvcc;
  private final List<Consumer<CommitResult>> listeners = new CopyOnWriteArrayList<>();
  /** Set when a block reached the store but its state did not: state is stale until a reopen replays it. */
  private volatile String failure;
  /** Accepted blocks whose write may not be done, oldest first; only the committing thread touches it. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /**
   * Blocks below this have their block, index and state written: what readers may call committed.
   * The block index learns a block's tx ids before its state lands, so tx lookups check this.
   */
  private volatile long committedHeight;
  /** Blocks whose validation codes {@link #recentCodes} keeps, so recent outcomes need no block read. */
  static final int RECENT_BLOCKS = 256;
  /** Final validation codes of the last {@link #RECENT_BLOCKS} committed blocks, by block number. */
  private final java.util.concurrent.ConcurrentHashMap<Long, byte[]> recentCodes =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Height and tip hash including accepted blocks still in the writer; committing thread only. */
  private long acceptedHeight;
  private byte[] acceptedHash;

  private RocksPeerLedger(String channelId, CryptoSuite suite, FileBlockStore blocks, StateDb state) {
    this.channelId = channelId;
    this.suite = suite;
    // Per channel: one thread parses half of each block and hashes its data while the committing
    // thread parses the rest; one thread writes blocks and their state batches, strictly in order.
    this.parser = singleThread("ledger-commit-parser-" + channelId, PARSER_QUEUE_BOUND);
    this.writer = singleThread("ledger-commit-writer-" + channelId, WRITER_QUEUE_BOUND);
    this.blocks = blocks;
    BlockchainInfo info = blocks.info();
    this.acceptedHeight = info.height();
    this.acceptedHash = info.currentBlockHash();
    // open() replays any state gap before the ledger is handed out, so every stored block counts.
    this.committedHeight = info.height();
    this.state = state;
    this.mvcc = new MvccValidator(state);
  }

  private static ExecutorService singleThread(String name, int queueBound) {
    return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueBound), r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
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
        ledger.parser.shutdown();
        ledger.writer.shutdown();
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
  public Tip acceptedTip() {
    return new Tip(acceptedHeight, acceptedHash.clone());
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
  public Optional<TxOutcome> transactionOutcome(String txId) {
    Optional<TxLocation> loc = committedLocation(txId);
    if (loc.isEmpty()) {
      return Optional.empty();
    }
    long n = loc.get().blockNum();
    int i = loc.get().txIndex();
    byte[] codes = recentCodes.get(n);
    int code = codes != null
        ? checkedCode(codes, i, n, txId)
        // An older block: its filter, without parsing the transaction.
        : CommittedBlocks.code(CommittedBlocks.filter(committedBlock(n, i, txId)), i);
    return Optional.of(new TxOutcome(code, n));
  }

  @Override
  public Optional<TxRecord> transaction(String txId) {
    Optional<TxLocation> loc = committedLocation(txId);
    if (loc.isEmpty()) {
      return Optional.empty();
    }
    long n = loc.get().blockNum();
    int i = loc.get().txIndex();
    Block block = committedBlock(n, i, txId);
    try {
      Envelope env = Envelope.parseFrom(block.getData().getData(i));
      return Optional.of(new TxRecord(txId, env, CommittedBlocks.code(CommittedBlocks.filter(block), i), n, i));
    } catch (InvalidProtocolBufferException e) {
      throw new LedgerException("block " + n + ": envelope " + i + " of tx " + txId + " is malformed", e);
    }
  }

  /** Where {@code txId} is, if its block's index, file and state are all written. */
  private Optional<TxLocation> committedLocation(String txId) {
    // Indexed but at or above committedHeight: the block's state is still being written, so the
    // transaction is not committed yet for readers.
    return blocks.txLocation(txId).filter(loc -> loc.blockNum() < committedHeight);
  }

  private Block committedBlock(long n, int i, String txId) {
    Block block = blocks.blockByNumber(n).orElseThrow(() ->
        new LedgerException("block " + n + ": indexed for tx " + txId + " but not in the block store"));
    if (i >= block.getData().getDataCount()) {
      throw new LedgerException("block " + n + ": tx " + txId + " indexed at position " + i + " of "
          + block.getData().getDataCount());
    }
    return block;
  }

  private int checkedCode(byte[] codes, int i, long n, String txId) {
    Invariants.check(i < codes.length, "channel %s: tx %s indexed at position %d of block %d with %d txs",
        channelId, txId, i, n, codes.length);
    return codes[i] & 0xff;
  }

  @Override
  public TxSimulator newSimulator(String txId) {
    return new RocksTxSimulator(state, txId);
  }

  @Override
  public CommitResult commit(Block block, byte[] preValidationCodes) {
    // Blocks already in the pipeline land first, so listeners still see blocks in order.
    drainTo(0);
    Pending p = accept(block, preValidationCodes, false);
    CommitResult result = join(p.done());
    notifyListeners(result);
    return result;
  }

  @Override
  public CompletableFuture<CommitResult> commitAsync(Block block, byte[] preValidationCodes) {
    return accept(block, preValidationCodes, true).done();
  }

  /**
   * Validates {@code block} on the calling thread and hands its durable part to the writer thread.
   *
   * <p>Pipeline invariant: when validation of block n starts, every block below n-1 is durable and
   * its state written; block n-1 may still be in the writer. Its writes are not necessarily in
   * RocksDB yet, so n's duplicate and MVCC checks overlay n-1's tx ids and latest writes on what
   * RocksDB returns (the same answer whether or not n-1's batch has landed). Range re-execution
   * cannot overlay cheaply, so a block with range queries waits for n-1 first.
   */
  private Pending accept(Block block, byte[] preValidationCodes, boolean listenersOnWriter) {
    checkUsable();
    if (!block.hasHeader()) {
      throw new LedgerException("channel " + channelId + ": block without header");
    }
    long n = block.getHeader().getNumber();
    int count = block.getData().getDataCount();
    if (preValidationCodes.length != count) {
      throw new LedgerException("block " + n + ": " + preValidationCodes.length
          + " pre-validation codes for " + count + " envelopes");
    }
    if (n != acceptedHeight) {
      throw new LedgerException("block " + n + ": expected block number " + acceptedHeight + " (the store's height)");
    }
    drainTo(1);
    byte[] codes = preValidationCodes.clone();
    // Parsing is per-envelope and independent, and the data hash needs only the envelopes: the
    // parser thread takes the first half and then the hash while this thread parses the rest.
    int mid = count / 2;
    Future<List<ParsedTx>> firstHalf = parser.submit(() -> parseRange(block, 0, mid));
    Future<byte[]> dataHash = parser.submit(() -> BlockHashing.dataHash(suite, block.getData()));
    List<ParsedTx> secondHalf = parseRange(block, mid, count);
    List<ParsedTx> parsed = new ArrayList<>(count);
    parsed.addAll(join(firstHalf));
    parsed.addAll(secondHalf);
    Pending previous = pending.peekLast();
    if (previous != null && hasRangeQueries(parsed)) {
      drainTo(0);
      previous = null;
    }
    List<String> txIds = new ArrayList<>(count);
    for (ParsedTx tx : parsed) {
      txIds.add(tx.txId());
    }
    Set<String> committedTxIds = new HashSet<>(blocks.indexedTxIds(txIds));
    if (previous != null) {
      for (String id : txIds) {
        if (previous.txIds().contains(id)) {
          committedTxIds.add(id);
        }
      }
    }
    Map<MvccValidator.StateKey, Version> committedVersions =
        mvcc.prefetch(parsed, previous == null ? null : previous.updates());
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
    // Everything that can reject the block is checked before it enters the writer, where a failure
    // would need a reopen.
    BlockChecks.checkSize(stored);
    // Number, previous hash and data hash are checked here, before anything is written, against the
    // accepted tip (which includes a block still in the writer); the store re-checks number and
    // previous hash against its own tip when it appends.
    byte[] headerHash = BlockChecks.checkFollows(suite, stored, acceptedHeight, acceptedHash, join(dataHash));
    CompletableFuture<StateDb.EncodedBatch> encoded = new CompletableFuture<>();
    CompletableFuture<CommitResult> done = new CompletableFuture<>();
    CommitResult result = new CommitResult(n, codes, txIds);
    int validTxs = updates.validTxs();
    writer.execute(() -> write(stored, newTxIds, headerHash, encoded, result, validTxs, listenersOnWriter, done));
    Pending accepted = new Pending(n, updates, seenInBlock, done);
    pending.addLast(accepted);
    acceptedHeight = n + 1;
    acceptedHash = headerHash;
    // Encoding the state batch is pure CPU work that overlaps the block file's write and fsync.
    try {
      encoded.complete(state.encode(updates, headerHash));
    } catch (RuntimeException | Error e) {
      encoded.completeExceptionally(e);
      throw e;
    }
    return accepted;
  }

  /**
   * The writer thread's part of one block: append + fsync, then the state batch, in block order. The
   * batch is written only after the block is durable, so state never gets ahead of the blocks.
   */
  private void write(Block stored, List<String> newTxIds, byte[] headerHash,
      CompletableFuture<StateDb.EncodedBatch> encoded, CommitResult result, int validTxs, boolean listenersOnWriter,
      CompletableFuture<CommitResult> done) {
    long n = result.blockNum();
    try (LogContext.Scope ctx = LogContext.block(channelId, n)) {
      if (failure != null) {
        throw new LedgerException("channel " + channelId + ": block " + n + " not written: ledger needs a reopen: "
            + failure);
      }
      try {
        blocks.appendChecked(stored, newTxIds, headerHash);
      } catch (RuntimeException | Error e) {
        // Nothing of this block is stored, but later blocks were validated against it: stop here.
        failure = "block " + n + " could not be appended (" + e.getMessage() + ")";
        throw e;
      }
      Invariants.check(Arrays.equals(headerHash, blocks.info().currentBlockHash()),
          "channel %s: block %d header hash differs from the stored tip's", channelId, n);
      try {
        state.write(n, encoded.join());
      } catch (RuntimeException | Error e) {
        failure = "block " + n + " is stored but its state batch failed (" + e.getMessage() + ")";
        log.error("channel {}: {}; refusing further commits until reopened", channelId, failure, e);
        throw e;
      }
      // Codes first: a reader that sees the new height finds them (or falls back to the block).
      recentCodes.put(n, result.validationCodes());
      recentCodes.remove(n - RECENT_BLOCKS);
      committedHeight = n + 1;
      log.debug("channel {}: committed block {} ({} txs, {} valid)", channelId, n, newTxIds.size(), validTxs);
      if (listenersOnWriter) {
        notifyListeners(result);
      }
      done.complete(result);
    } catch (Throwable t) {
      Throwable cause = t instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : t;
      if (failure == null) {
        failure = "block " + n + " failed in the writer (" + cause + ")";
        log.error("channel {}: {}; refusing further commits until reopened", channelId, failure, cause);
      }
      done.completeExceptionally(cause);
    }
  }

  private void notifyListeners(CommitResult result) {
    for (Consumer<CommitResult> l : listeners) {
      try {
        l.accept(result);
      } catch (RuntimeException e) {
        log.error("channel {}: commit listener failed on block {}", channelId, result.blockNum(), e);
      }
    }
  }

  /** Waits until at most {@code inFlight} accepted blocks are still in the writer, rethrowing a failure. */
  private void drainTo(int inFlight) {
    while (pending.size() > inFlight) {
      Pending p = pending.peekFirst();
      try {
        join(p.done());
      } finally {
        pending.pollFirst();
      }
    }
    checkUsable();
  }

  private void checkUsable() {
    if (failure != null) {
      throw new LedgerException("channel " + channelId + ": ledger needs a reopen: " + failure);
    }
  }

  private static boolean hasRangeQueries(List<ParsedTx> parsed) {
    for (ParsedTx tx : parsed) {
      if (tx instanceof ParsedTx.Endorser e) {
        for (ParsedTx.NsRwSet ns : e.nsRwSets()) {
          if (ns.rwset().getRangeQueriesInfoCount() > 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** A block accepted by validation whose write may still be in progress. */
  private record Pending(long blockNum, BlockUpdates updates, Set<String> txIds, CompletableFuture<CommitResult> done) {}

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

  private void awaitTermination(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new LedgerException("channel " + channelId + ": ledger writer did not stop within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("channel " + channelId + ": interrupted while closing", e);
    }
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
    // Blocks accepted into the pipeline are finished (or fail) before the stores close under them.
    for (Pending p : pending) {
      try {
        p.done().join();
      } catch (RuntimeException e) {
        log.warn("channel {}: block {} did not commit before close: {}", channelId, p.blockNum(), e.getMessage());
      }
    }
    pending.clear();
    parser.shutdown();
    writer.shutdown();
    awaitTermination(writer);
    state.close();
    blocks.close();
  }
}
