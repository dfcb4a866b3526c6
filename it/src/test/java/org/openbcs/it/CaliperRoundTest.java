package org.openbcs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.node.bench.CaliperRunner;
import org.openbcs.node.bench.CaliperSummary;

/**
 * The unmodified Hyperledger Caliper 0.6.0 (fabric:2.5 binding, i.e. the Node Fabric Gateway
 * client) runs a short create/read/transfer benchmark against a network started as `bcs up`
 * starts it, and every one of its transactions succeeds. Needs Node.js and npm: without them this
 * test fails with the reason, it does not skip.
 */
class CaliperRoundTest {
  private static final long TX_PER_ROUND = 100;
  private static final Path WORKSPACE = TestNetwork.PROJECT_ROOT.resolve("bench").resolve("caliper");

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES) // includes a cold npm install (about 4 min here)
  void everyCaliperTransactionSucceeds(@TempDir Path dir) throws Exception {
    CaliperRunner caliper = new CaliperRunner(WORKSPACE, msg -> System.out.println("[caliper] " + msg));
    caliper.ensureInstalled();
    try (TestNetwork net = TestNetwork.start(dir)) {
      CaliperRunner.Report report = caliper.run(net.layout, TX_PER_ROUND, Duration.ofMinutes(5));
      System.out.println(report.summaryTable());
      assertThat(report.exitCode()).as("Caliper exit code; log in %s", report.log()).isZero();
      assertThat(report.rounds()).extracting(CaliperSummary.Round::name).containsExactly("create", "read", "transfer");
      for (CaliperSummary.Round round : report.rounds()) {
        assertThat(round.fail()).as("failed transactions of round %s (log %s)", round.name(), report.log()).isZero();
        assertThat(round.succ()).as("successful transactions of round %s", round.name()).isEqualTo(TX_PER_ROUND);
        assertThat(round.throughputTps()).as("throughput of round %s", round.name()).isPositive();
      }
      assertThat(report.reportHtml()).isRegularFile();
      assertThat(report.allSucceeded()).isTrue();
    }
  }
}
