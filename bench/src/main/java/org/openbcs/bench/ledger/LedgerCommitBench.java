package org.openbcs.bench.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.CommitResult;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Ledger commit throughput (MVCC + block file with fsync + index + state + history, one block of 500
 * transactions per invocation) against the raw RocksDB rate for the same number of state puts per
 * synced batch. Scores are transactions per second.
 *
 * <pre>./bcs jmh LedgerCommitBench -f 1 -wi 2 -i 3</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class LedgerCommitBench {
  static final int TXS_PER_BLOCK = 500;
  static final int WRITES_PER_TX = 2;

  /** A peer ledger fed one freshly generated block per invocation. */
  @State(Scope.Thread)
  public static class LedgerState {
    final CryptoSuite suite = CryptoSuites.defaultSuite();
    Path dir;
    PeerLedger ledger;
    LedgerWorkload workload;
    Block next;
    final byte[] allValid = new byte[TXS_PER_BLOCK];

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("ledger-bench");
      ledger = Ledgers.openPeerLedger(dir, "bench", suite);
      workload = new LedgerWorkload(suite, TXS_PER_BLOCK, 0, new byte[0]);
      Block genesis = workload.nextBlock();
      ledger.commit(genesis, new byte[genesis.getData().getDataCount()]);
      ledger.commit(workload.seedBlock(), new byte[1]);
    }

    // Generating 500 envelopes is the client's and orderer's work, not the ledger's: keep it outside.
    @Setup(Level.Invocation)
    public void nextBlock() {
      next = workload.nextBlock();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      ledger.close();
      deleteRecursively(dir);
    }
  }

  /** Raw RocksDB: one synced WriteBatch with the same puts (key and value sizes) per invocation. */
  @State(Scope.Thread)
  public static class RawState {
    Path dir;
    Options options;
    WriteOptions sync;
    RocksDB db;
    byte[][] keys;
    byte[][] values;
    long round;

    @Setup(Level.Trial)
    public void open() throws IOException, RocksDBException {
      RocksDB.loadLibrary();
      dir = Files.createTempDirectory("rocks-bench");
      options = new Options().setCreateIfMissing(true);
      sync = new WriteOptions().setSync(true);
      db = RocksDB.open(options, dir.toString());
      int puts = TXS_PER_BLOCK * WRITES_PER_TX;
      keys = new byte[puts][];
      values = new byte[puts][];
      for (int i = 0; i < puts; i++) {
        values[i] = LedgerWorkload.filler(LedgerWorkload.VALUE_BYTES + 16, i).toByteArray();
      }
    }

    @Setup(Level.Invocation)
    public void nextKeys() {
      for (int i = 0; i < keys.length; i++) {
        long k = (round * keys.length + i) % LedgerWorkload.WRITE_POOL;
        keys[i] = (LedgerWorkload.NAMESPACE + "\0" + LedgerWorkload.writeKey(k)).getBytes(StandardCharsets.UTF_8);
      }
      round++;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      db.close();
      sync.close();
      options.close();
      deleteRecursively(dir);
    }
  }

  @Benchmark
  @OperationsPerInvocation(TXS_PER_BLOCK)
  public CommitResult ledgerCommit(LedgerState s) {
    return checkValid(s.ledger.commit(s.next, s.allValid));
  }

  /**
   * {@code PeerLedger.commitAsync} of a run of {@link #PIPELINED_BLOCKS} blocks per invocation, ending
   * with a wait for the last block's future: every block counted is durable (its own fsync) and its
   * state written, so the score compares with {@link #ledgerCommit} as is. The pipeline overlaps one
   * block's fsync and state write with the next block's parsing and MVCC.
   */
  @Benchmark
  @OperationsPerInvocation(TXS_PER_BLOCK * PIPELINED_BLOCKS)
  public CommitResult ledgerCommitPipelined(PipelinedState s) {
    return commitAllPipelined(s.ledger.ledger, s.run, s.ledger.allValid);
  }

  static final int PIPELINED_BLOCKS = 8;

  /** A run of blocks for the pipelined variant, generated outside the measured time. */
  @State(Scope.Thread)
  public static class PipelinedState {
    LedgerState ledger;
    List<Block> run;

    @Setup(Level.Trial)
    public void open() throws IOException {
      ledger = new LedgerState();
      ledger.open();
    }

    @Setup(Level.Invocation)
    public void nextRun() {
      run = new ArrayList<>(PIPELINED_BLOCKS);
      for (int i = 0; i < PIPELINED_BLOCKS; i++) {
        run.add(ledger.workload.nextBlock());
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      ledger.close();
    }
  }

  /** Commits {@code blocks} through the pipeline and waits until the last one is durable; checks every result. */
  static CommitResult commitAllPipelined(PeerLedger ledger, List<Block> blocks, byte[] codes) {
    List<CompletableFuture<CommitResult>> futures = new ArrayList<>(blocks.size());
    for (Block b : blocks) {
      futures.add(ledger.commitAsync(b, codes));
    }
    CommitResult last = null;
    for (CompletableFuture<CommitResult> f : futures) {
      last = checkValid(f.join());
    }
    return last;
  }

  static CommitResult checkValid(CommitResult r) {
    if (r.validationCodes()[TXS_PER_BLOCK - 1] != 0) {
      throw new IllegalStateException("bench tx invalid: code " + r.validationCodes()[TXS_PER_BLOCK - 1]);
    }
    return r;
  }

  @Benchmark
  @OperationsPerInvocation(TXS_PER_BLOCK)
  public void rawRocksDbBatch(RawState s) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < s.keys.length; i++) {
        batch.put(s.keys[i], s.values[i]);
      }
      s.db.write(s.sync, batch);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
