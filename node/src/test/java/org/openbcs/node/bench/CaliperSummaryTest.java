package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.node.network.NetworkLayout;

class CaliperSummaryTest {
  private static final String TABLE = String.join("\n",
      "+--------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+",
      "| Name   | Succ | Fail | Send Rate (TPS) | Max Latency (s) | Min Latency (s) | Avg Latency (s) | Throughput (TPS) |",
      "|--------|------|------|-----------------|-----------------|-----------------|-----------------|------------------|",
      "| create | 300  | 0    | 120.5           | 0.51            | 0.04            | 0.13            | 118.9            |",
      "|--------|------|------|-----------------|-----------------|-----------------|-----------------|------------------|",
      "| read   | 298  | 2    | 400.1           | 0.10            | 0.01            | 0.02            | 399.0            |",
      "+--------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+");

  private static final String OUTPUT =
      "2026.11.25-11:00:00.000 \u001B[32minfo \u001B[39m [caliper] [report-builder] \tFinished round 1 (create)\n"
          + "| create | 1  | 9    | 1.0 | 1.0 | 1.0 | 1.0 | 1.0 |\n"
          + "2026.11.25-11:00:01.000 \u001B[32minfo \u001B[39m [caliper] [report-builder] \t### All test results ###\n"
          + TABLE + "\n"
          + "2026.11.25-11:00:02.000 \u001B[32minfo \u001B[39m [caliper] [report-builder] \tGenerated report with path /x/report.html\n";

  @Test
  void parsesEveryRoundAndTheLastRowOfEachWins() {
    List<CaliperSummary.Round> rounds = CaliperSummary.parse(OUTPUT);
    assertThat(rounds).extracting(CaliperSummary.Round::name).containsExactly("create", "read");
    CaliperSummary.Round create = rounds.get(0);
    assertThat(create.succ()).isEqualTo(300);
    assertThat(create.fail()).isZero();
    assertThat(create.throughputTps()).isEqualTo(118.9);
    assertThat(create.avgLatencyS()).isEqualTo(0.13);
    assertThat(rounds.get(1).fail()).isEqualTo(2);
  }

  @Test
  void headerRowsAreNotRounds() {
    assertThat(CaliperSummary.parse(TABLE)).noneMatch(r -> r.name().equals("Name"));
  }

  @Test
  void tableIsTheLastOneInTheOutput() {
    assertThat(CaliperSummary.table(OUTPUT)).isEqualTo(TABLE);
  }

  @Test
  void reportSucceedsOnlyWhenEveryRoundHadAllItsTransactions() {
    List<CaliperSummary.Round> rounds = CaliperSummary.parse(TABLE);
    Path none = Path.of("x");
    assertThat(new CaliperRunner.Report(0, rounds.subList(0, 1), "", none, none, 300).allSucceeded()).isTrue();
    assertThat(new CaliperRunner.Report(0, rounds, "", none, none, 300).allSucceeded()).isFalse();
    assertThat(new CaliperRunner.Report(0, rounds.subList(0, 1), "", none, none, 301).allSucceeded()).isFalse();
    assertThat(new CaliperRunner.Report(1, rounds.subList(0, 1), "", none, none, 300).allSucceeded()).isFalse();
    assertThat(new CaliperRunner.Report(0, List.of(), "", none, none, 300).allSucceeded()).isFalse();
  }

  @Test
  void networkConfigIsFilledFromTheLayout(@TempDir Path dir) throws Exception {
    NetworkLayout layout = NetworkLayout.defaults(dir, "127.0.0.1", 7050);
    for (var org : layout.peerOrgs()) {
      Path msp = layout.userDir(org, "User1").resolve("msp");
      Files.createDirectories(msp.resolve("signcerts"));
      Files.createDirectories(msp.resolve("keystore"));
      Files.writeString(msp.resolve("signcerts").resolve("cert.pem"), "cert");
      Files.writeString(msp.resolve("keystore").resolve("priv_sk"), "key");
    }
    String template = Files.readString(workspace().resolve("networkconfig.template.yaml"));
    String config = CaliperRunner.networkConfig(template, layout);
    assertThat(config).doesNotContain("${")
        .contains("version: \"2.0.0\"")
        .contains("mutualTls: false")
        .contains("channelName: mychannel")
        .contains("endpoint: 127.0.0.1:7051")
        .contains("endpoint: 127.0.0.1:9051")
        .contains("ssl-target-name-override: peer0.org2.example.com")
        .contains(layout.tlsRootsBundle().toString())
        .contains(layout.userDir(layout.org("Org1MSP"), "User1").resolve("msp").resolve("keystore").resolve("priv_sk").toString());
    assertThatThrownBy(() -> CaliperRunner.networkConfig("x: ${NOPE}", layout)).hasMessageContaining("${NOPE}");
  }

  @Test
  void benchConfigGetsTheRequestedTxNumberInEveryRound() throws Exception {
    String config = Files.readString(workspace().resolve("benchconfig.yaml"));
    String run = CaliperRunner.withTxNumber(config, 123);
    long rounds = config.lines().filter(l -> l.trim().startsWith("- label:")).count();
    assertThat(rounds).isGreaterThanOrEqualTo(3);
    assertThat(run.lines().filter(l -> l.trim().equals("txNumber: 123")).count()).isEqualTo(rounds);
    assertThatThrownBy(() -> CaliperRunner.withTxNumber(config, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The committed Caliper workspace, relative to the node module's directory. */
  static Path workspace() {
    return Path.of("..", "bench", "caliper").toAbsolutePath().normalize();
  }
}
