package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchResultsTest {
  private static final SignatureRates RATES = new SignatureRates("test-provider", 10_000, 5_000);

  private static LoadDriver.Window window(long committed, Map<String, Long> failures, long blocks) {
    long failed = failures.values().stream().mapToLong(Long::longValue).sum();
    return new LoadDriver.Window(10, committed + failed, committed, committed / 10.0,
        new LatencyStats(committed, 50, 40, 90, 120, 300), new TreeMap<>(failures), Map.of(), blocks);
  }

  @Test
  void headlineIsCommittedTpsOverTheSignatureCeiling() {
    // 2000 tx in 20 blocks => 100 tx/block; 5.01 signs and 8.02 verifies per tx (own endorsements known)
    LoadDriver.Window w = window(2000, Map.of(), 20);
    Map<String, Long> cpu = new TreeMap<>(Map.of("orderer.example.com", 1000L, "peer0.org1.example.com", 3000L, BenchResults.CLIENT, 5000L));
    BenchResult r = BenchResults.of(Workload.CREATE, new LoadDriver.Plan(32, Duration.ZERO, Duration.ofSeconds(10), 0, 0),
        "t", w, cpu, RATES, 2, 2);
    double secondsPerTx = 5.01 / 10_000 + 8.02 / 5_000;
    double ceiling = 2 / secondsPerTx;
    assertThat(r.txPerBlock()).isEqualTo(100.0);
    assertThat(r.ceiling().ceilingTps()).isCloseTo(ceiling, within(0.01));
    assertThat(r.percentOfCeiling()).isCloseTo(100 * 200 / ceiling, within(0.01));
    // nodes only: (1000 + 3000) ms / 2000 tx
    assertThat(r.cpuMsPerTx()).isEqualTo(2.0);
    assertThat(r.mode()).isEqualTo("closed-loop");
    assertThat(BenchResults.report(r, Map.of())).contains("% of the signature ceiling").contains("failures          none");
  }

  @Test
  void conflictRateCountsMvccAndPhantomConflictsOverSubmitted() {
    LoadDriver.Window w = window(900, Map.of("MVCC_READ_CONFLICT", 80L, "PHANTOM_READ_CONFLICT", 20L), 10);
    BenchResult r = BenchResults.of(Workload.HOTKEY, new LoadDriver.Plan(32, Duration.ZERO, Duration.ofSeconds(10), 0, 0),
        "t", w, Map.of(), RATES, 2, 2);
    assertThat(r.submitted()).isEqualTo(1000);
    assertThat(r.failed()).isEqualTo(100);
    assertThat(r.conflictRate()).isEqualTo(0.1);
    assertThat(r.txPerBlock()).isEqualTo(100.0); // invalid transactions are in blocks too
    assertThat(BenchResults.report(r, Map.of("MVCC_READ_CONFLICT", "committed invalid in block 3"))).contains("MVCC_READ_CONFLICT").contains("conflict rate     10.00 %");
  }

  @Test
  void readUsesTheEvaluateBudget() {
    BenchResult r = BenchResults.of(Workload.READ, new LoadDriver.Plan(32, Duration.ZERO, Duration.ofSeconds(10), 0, 0),
        "t", window(5000, Map.of("EVALUATE:UNAVAILABLE", 3L), 0), Map.of(), RATES, 2, 2);
    assertThat(r.ceiling().signsPerTx()).isEqualTo(2.0);
    assertThat(r.ceiling().verifiesPerTx()).isEqualTo(1.0);
    assertThat(r.conflictRate()).isZero();
  }

  @Test
  void commandRejectsDataAndTargetTogether() {
    CommandLine cl = new CommandLine(new BenchCommand());
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      err.append(ex.getMessage());
      return 1;
    });
    assertThat(cl.execute("--data", "/tmp/a", "--target", "/tmp/b")).isEqualTo(1);
    assertThat(err.toString()).contains("--data or --target, not both");
  }
}
