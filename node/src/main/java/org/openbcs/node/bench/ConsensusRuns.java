package org.openbcs.node.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openbcs.node.network.ConsensusChoice;

/**
 * {@code bcs bench --consensus solo,fbft}: one fresh network per consensus type, the same workload
 * on each, and every type's throughput and latency as a ratio of the first type's. Comparing within
 * one invocation is the point: on a shared machine only ratios measured minutes apart mean anything.
 */
final class ConsensusRuns {
  static final String DEFAULT = "solo";
  static final List<String> KNOWN = ConsensusChoice.TYPES;

  private ConsensusRuns() {}

  /** The result of one consensus type's run. */
  record Run(String consensus, int orderers, BenchResult result) {}

  /**
   * Ratios of {@code consensus} to {@code baseline} (the first type in the list): committed TPS,
   * p50 and p99 latency. Null (absent from JSON) where the baseline is zero.
   */
  record Ratio(String consensus, String baseline, Double committedTps, Double p50Ms, Double p99Ms) {
    String label() {
      return consensus + "/" + baseline;
    }
  }

  /** What {@code --out} holds when more than one type ran: every result and the ratios. */
  record Document(Map<String, Run> results, Map<String, Ratio> ratios) {}

  /**
   * Parses a comma-separated list of consensus types: known types only, no duplicates, at least one;
   * order kept (the first is the baseline of the ratios).
   */
  static List<String> parse(String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException("--consensus needs at least one type (known: " + String.join(", ", KNOWN) + ")");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String part : list.split(",", -1)) {
      if (part.isBlank()) {
        throw new IllegalArgumentException("--consensus '" + list + "' has an empty entry");
      }
      String t;
      try {
        t = ConsensusChoice.parse(part).label();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + " in --consensus '" + list + "'", e);
      }
      if (!out.add(t)) {
        throw new IllegalArgumentException("consensus '" + t + "' appears twice in --consensus '" + list + "'");
      }
    }
    return List.copyOf(out);
  }

  /** Orderers a fresh network of this type gets: solo runs one, fbft the minimum 3f+1 = 4. */
  static int orderers(String consensus) {
    return switch (ConsensusChoice.parse(consensus).type()) {
      case "solo" -> 1;
      case "fbft" -> 4;
      default -> throw new IllegalArgumentException("unknown consensus '" + consensus + "'");
    };
  }

  /** Every run after the first against the first. */
  static List<Ratio> ratios(List<Run> runs) {
    List<Ratio> out = new ArrayList<>();
    if (runs.isEmpty()) {
      return out;
    }
    BenchResult base = runs.get(0).result();
    String baseName = runs.get(0).consensus();
    for (Run r : runs.subList(1, runs.size())) {
      BenchResult x = r.result();
      out.add(new Ratio(r.consensus(), baseName,
          ratio(x.committedTps(), base.committedTps()),
          ratio(x.latency().p50Ms(), base.latency().p50Ms()),
          ratio(x.latency().p99Ms(), base.latency().p99Ms())));
    }
    return out;
  }

  static Double ratio(double value, double baseline) {
    if (baseline == 0 || Double.isNaN(baseline) || Double.isNaN(value)) {
      return null;
    }
    return Math.round(value / baseline * 1000.0) / 1000.0;
  }

  static Document document(List<Run> runs) {
    Map<String, Run> results = new LinkedHashMap<>();
    runs.forEach(r -> results.put(r.consensus(), r));
    Map<String, Ratio> ratios = new LinkedHashMap<>();
    ratios(runs).forEach(r -> ratios.put(r.label(), r));
    return new Document(results, ratios);
  }

  /** One line per run, then one per ratio, e.g. "fbft/solo committed TPS 0.78  p50 1.20  p99 1.10". */
  static String summary(List<Run> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%n== bcs bench: consensus comparison ==%n"));
    for (Run r : runs) {
      BenchResult x = r.result();
      sb.append(String.format("%-6s %d orderer(s)  committed %.1f TPS  p50 %.1f ms  p99 %.1f ms  failures %d  node CPU/tx %.2f ms%n",
          r.consensus(), r.orderers(), x.committedTps(), x.latency().p50Ms(), x.latency().p99Ms(), x.failed(), x.cpuMsPerTx()));
    }
    for (Ratio q : ratios(runs)) {
      sb.append(String.format("%s committed TPS %s  p50 latency %s  p99 latency %s%n",
          q.label(), fmt(q.committedTps()), fmt(q.p50Ms()), fmt(q.p99Ms())));
    }
    return sb.toString();
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format("%.2f", v);
  }
}
