package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConsensusRunsTest {
  private static BenchResult result(double tps, double p50, double p99) {
    return new BenchResult("create", "closed-loop", 64, 0, "t", 30, 1000, 1000, 0, tps, tps,
        new LatencyStats(1000, p50, p50, p99, p99, p99), new TreeMap<>(), 0, 10, new TreeMap<>(Map.of("bench-client", 1L)), 5,
        new BenchResult.Ceiling("p", 2, 1, 1, 1, 1, 1, "d"), 1);
  }

  @Test
  void parsesAnOrderedListOfKnownTypes() {
    assertThat(ConsensusRuns.parse("solo")).containsExactly("solo");
    assertThat(ConsensusRuns.parse("solo,fbft")).containsExactly("solo", "fbft");
    assertThat(ConsensusRuns.parse(" FBFT , solo ")).containsExactly("fbft", "solo");
  }

  @Test
  void variantsOfOneTypeCarryOptionsForTheirOrderers() {
    assertThat(ConsensusRuns.parse("solo,fbft,fbft:batches=off")).containsExactly("solo", "fbft", "fbft:batches=off");
    assertThat(ConsensusRuns.orderers("fbft:batches=off")).isEqualTo(4);
    org.openbcs.node.network.ConsensusChoice c =
        org.openbcs.node.network.ConsensusChoice.parse("fbft:idle-block-ms=50;batches=off");
    assertThat(c.ordererOptions()).containsExactly("fbft.batches=off", "fbft.idle-block-ms=50");
    assertThat(c.label()).isEqualTo("fbft:batches=off;idle-block-ms=50");
    assertThatThrownBy(() -> ConsensusRuns.parse("fbft:batches")).hasMessageContaining("is not key=value");
    assertThatThrownBy(() -> ConsensusRuns.parse("fbft:batches=off,fbft:batches=off")).hasMessageContaining("appears twice");
  }

  @Test
  void aNetworkRemembersItsConsensusOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    org.openbcs.node.network.NetworkLayout layout =
        org.openbcs.node.network.NetworkLayout.defaults(dir, "127.0.0.1", 0, "fbft:batches=off", 4);
    layout.save();
    org.openbcs.node.network.NetworkLayout back = org.openbcs.node.network.NetworkLayout.load(dir);
    assertThat(back.consensus()).isEqualTo("fbft");
    assertThat(back.consensusChoice().ordererOptions()).containsExactly("fbft.batches=off");
  }

  @Test
  void rejectsUnknownDuplicateAndEmptyEntries() {
    assertThatThrownBy(() -> ConsensusRuns.parse("solo,raft")).hasMessageContaining("unknown consensus 'raft'");
    assertThatThrownBy(() -> ConsensusRuns.parse("solo,solo")).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> ConsensusRuns.parse("solo,")).hasMessageContaining("empty entry");
    assertThatThrownBy(() -> ConsensusRuns.parse(" ")).hasMessageContaining("at least one type");
  }

  @Test
  void defaultIsSoloAndSeveralTypesRefuseTargetAndCaliper() {
    assertThat(BenchCommand.consensusTypes(null, true, false)).containsExactly("solo");
    assertThat(BenchCommand.consensusTypes("fbft", true, false)).containsExactly("fbft");
    assertThatThrownBy(() -> BenchCommand.consensusTypes("solo,fbft", true, false))
        .hasMessageContaining("cannot be combined with --target");
    assertThatThrownBy(() -> BenchCommand.consensusTypes("solo,fbft", false, true)).hasMessageContaining("--caliper");
    assertThat(BenchCommand.consensusTypes("solo,fbft", false, false)).containsExactly("solo", "fbft");
  }

  @Test
  void commandFailsWithOneLineBeforeStartingAnything() {
    CommandLine cl = new CommandLine(new BenchCommand());
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      err.append(ex.getMessage());
      return 1;
    });
    assertThat(cl.execute("--consensus", "solo,fbft", "--target", "/nonexistent/dir")).isEqualTo(1);
    assertThat(err.toString()).contains("cannot be combined with --target").doesNotContain("\n");
  }

  @Test
  void orderersPerType() {
    assertThat(ConsensusRuns.orderers("solo")).isEqualTo(1);
    assertThat(ConsensusRuns.orderers("fbft")).isEqualTo(4);
  }

  @Test
  void ratiosAreEveryTypeOverTheFirst() {
    List<ConsensusRuns.Run> runs = List.of(
        new ConsensusRuns.Run("solo", 1, result(200, 300, 500)),
        new ConsensusRuns.Run("fbft", 4, result(156, 390, 450)));
    List<ConsensusRuns.Ratio> ratios = ConsensusRuns.ratios(runs);
    assertThat(ratios).hasSize(1);
    ConsensusRuns.Ratio r = ratios.get(0);
    assertThat(r.label()).isEqualTo("fbft/solo");
    assertThat(r.committedTps()).isEqualTo(0.78);
    assertThat(r.p50Ms()).isEqualTo(1.3);
    assertThat(r.p99Ms()).isEqualTo(0.9);
    assertThat(ConsensusRuns.summary(runs)).contains("fbft/solo committed TPS 0.78").contains("p99 latency 0.90");
  }

  @Test
  void zeroBaselineGivesNoRatioAndSingleRunGivesNone() {
    List<ConsensusRuns.Run> runs = List.of(
        new ConsensusRuns.Run("solo", 1, result(0, 0, 0)),
        new ConsensusRuns.Run("fbft", 4, result(10, 100, 100)));
    ConsensusRuns.Ratio r = ConsensusRuns.ratios(runs).get(0);
    assertThat(r.committedTps()).isNull();
    assertThat(ConsensusRuns.summary(runs)).contains("fbft/solo committed TPS -");
    assertThat(ConsensusRuns.ratios(runs.subList(0, 1))).isEmpty();
  }

  @Test
  void documentHoldsEveryResultAndTheRatiosAsComparableJson() {
    List<ConsensusRuns.Run> runs = List.of(
        new ConsensusRuns.Run("solo", 1, result(200, 300, 500)),
        new ConsensusRuns.Run("fbft", 4, result(150, 330, 600)));
    String json = BenchJson.toJson(ConsensusRuns.document(runs));
    JsonObject o = JsonParser.parseString(json).getAsJsonObject();
    assertThat(o.getAsJsonObject("results").keySet()).containsExactly("solo", "fbft");
    Map<String, Double> leaves = BenchJson.numericLeaves(json);
    assertThat(leaves).containsEntry("results.solo.result.committedTps", 200.0)
        .containsEntry("results.fbft.orderers", 4.0)
        .containsEntry("ratios.fbft/solo.committedTps", 0.75)
        .containsEntry("ratios.fbft/solo.p99Ms", 1.2);
  }
}
