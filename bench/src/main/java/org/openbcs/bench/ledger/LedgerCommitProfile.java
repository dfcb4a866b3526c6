package org.openbcs.bench.ledger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;

/**
 * Where a block commit's time goes, outside JMH: commits pre-generated 500-tx blocks and prints wall
 * time and the CPU time of every thread that worked (commit thread, ledger helper, RocksDB background),
 * per block. Run it under JFR ({@code -XX:StartFlightRecording}) for the per-method breakdown.
 *
 * <pre>java -cp "bench/target/openbcs-bench.jar:bench/target/lib/*" org.openbcs.bench.ledger.LedgerCommitProfile [blocks] [sync|async]</pre>
 */
public final class LedgerCommitProfile {
  private LedgerCommitProfile() {}

  public static void main(String[] args) throws Exception {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    boolean async = args.length > 1 && args[1].equals("async");
    CryptoSuite suite = CryptoSuites.defaultSuite();
    Path dir = Files.createTempDirectory("ledger-profile");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, "bench", suite)) {
      LedgerWorkload workload = new LedgerWorkload(suite, LedgerCommitBench.TXS_PER_BLOCK, 0, new byte[0]);
      Block genesis = workload.nextBlock();
      ledger.commit(genesis, new byte[genesis.getData().getDataCount()]);
      ledger.commit(workload.seedBlock(), new byte[1]);
      // Warm-up blocks are generated and committed first, then the measured ones are all generated
      // before the clock starts, so generation is not measured.
      run(ledger, workload, blocks / 2, async);
      List<Block> measured = new ArrayList<>(blocks);
      for (int i = 0; i < blocks; i++) {
        measured.add(workload.nextBlock());
      }
      long[] ids = mx.getAllThreadIds();
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuBefore = totalCpu(mx);
      long processBefore = os.getProcessCpuTime();
      long start = System.nanoTime();
      commitAll(ledger, measured, async);
      long wall = System.nanoTime() - start;
      long cpu = totalCpu(mx) - cpuBefore;
      long processCpu = os.getProcessCpuTime() - processBefore;
      double perBlockMs = wall / 1e6 / blocks;
      System.out.printf("%s: %d blocks of %d txs: %.2f ms wall/block, %.0f tx/s, CPU/block %.2f ms Java threads,"
              + " %.2f ms process (GC, JIT, RocksDB background included); %d threads at start%n",
          async ? "async" : "sync", blocks, LedgerCommitBench.TXS_PER_BLOCK, perBlockMs,
          blocks * (double) LedgerCommitBench.TXS_PER_BLOCK / (wall / 1e9), cpu / 1e6 / blocks,
          processCpu / 1e6 / blocks, ids.length);
    } finally {
      LedgerCommitBench.deleteRecursively(dir);
    }
  }

  private static void run(PeerLedger ledger, LedgerWorkload workload, int blocks, boolean async) {
    List<Block> list = new ArrayList<>(blocks);
    for (int i = 0; i < blocks; i++) {
      list.add(workload.nextBlock());
    }
    commitAll(ledger, list, async);
  }

  private static void commitAll(PeerLedger ledger, List<Block> list, boolean async) {
    byte[] codes = new byte[LedgerCommitBench.TXS_PER_BLOCK];
    if (async) {
      LedgerCommitBench.commitAllPipelined(ledger, list, codes);
    } else {
      for (Block b : list) {
        LedgerCommitBench.checkValid(ledger.commit(b, codes));
      }
    }
  }

  private static long totalCpu(ThreadMXBean mx) {
    long sum = 0;
    for (long id : mx.getAllThreadIds()) {
      long t = mx.getThreadCpuTime(id);
      if (t > 0) {
        sum += t;
      }
    }
    return sum;
  }
}
