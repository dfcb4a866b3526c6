package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchJsonTest {
  static BenchResult sample(double tps, double p99) {
    Map<String, Long> failures = new TreeMap<>(Map.of("MVCC_READ_CONFLICT", 12L, "ENDORSE:ABORTED", 1L));
    Map<String, Long> cpu = new TreeMap<>(Map.of("peer0.org1.example.com", 21000L, "bench-client", 9000L));
    return new BenchResult("transfer", "closed-loop", 32, 0, "2026-11-25T10:00:00Z", 30, 9000, 8987, 13, 300, tps,
        new LatencyStats(8987, 95.5, 90, 150, p99, 400), failures, 0.0013, 42.5, cpu, 2.3,
        new BenchResult.Ceiling("EcdsaP256Suite[bc]", 2, 20000, 8000, 5.02, 10.05, 1200, "signs = ..."), 24.9);
  }

  @Test
  void roundTripsThroughJson(@TempDir Path dir) throws Exception {
    BenchResult r = sample(299.5, 210.0);
    Path file = dir.resolve("sub").resolve("r.json");
    BenchJson.write(r, file);
    assertThat(BenchJson.fromJson(java.nio.file.Files.readString(file))).isEqualTo(r);
  }

  @Test
  void numericLeavesAreFlattenedByPath() {
    Map<String, Double> leaves = BenchJson.numericLeaves(BenchJson.toJson(sample(299.5, 210.0)));
    assertThat(leaves).containsEntry("committedTps", 299.5)
        .containsEntry("latency.p99Ms", 210.0)
        .containsEntry("failures.MVCC_READ_CONFLICT", 12.0)
        .containsEntry("ceiling.ceilingTps", 1200.0)
        .doesNotContainKey("workload");
  }

  @Test
  void compareGivesRatioBOverAPerMetric() {
    List<BenchCompare.Row> rows = BenchCompare.compare(BenchJson.toJson(sample(200, 100)), BenchJson.toJson(sample(300, 50)));
    BenchCompare.Row tps = rows.stream().filter(r -> r.metric().equals("committedTps")).findFirst().orElseThrow();
    BenchCompare.Row p99 = rows.stream().filter(r -> r.metric().equals("latency.p99Ms")).findFirst().orElseThrow();
    assertThat(tps.ratio()).isCloseTo(1.5, within(1e-9));
    assertThat(p99.ratio()).isCloseTo(0.5, within(1e-9));
    assertThat(BenchCompare.format(rows, "a.json", "b.json")).contains("committedTps").contains("1.500").contains("0.500");
  }

  @Test
  void compareMarksMetricsMissingOnOneSideAndZeroBaselines() {
    List<BenchCompare.Row> rows = BenchCompare.compare("{\"x\": 0, \"y\": 2, \"z\": 0}", "{\"x\": 5, \"w\": 1, \"z\": 0}");
    Map<String, Double> ratio = new TreeMap<>();
    rows.forEach(r -> ratio.put(r.metric(), r.ratio()));
    assertThat(ratio.get("x")).isNaN();
    assertThat(ratio.get("y")).isNaN();
    assertThat(ratio.get("w")).isNaN();
    assertThat(ratio.get("z")).isEqualTo(1.0);
  }
}
