package org.openbcs.node.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Per-metric ratios between two result files (b / a), for every numeric field either has. */
final class BenchCompare {
  private BenchCompare() {}

  /** One metric; a missing side is NaN, and so is the ratio when it cannot be formed. */
  record Row(String metric, double a, double b) {
    double ratio() {
      if (Double.isNaN(a) || Double.isNaN(b)) {
        return Double.NaN;
      }
      if (a == 0) {
        return b == 0 ? 1.0 : Double.NaN;
      }
      return b / a;
    }
  }

  static List<Row> compare(String jsonA, String jsonB) {
    Map<String, Double> a = BenchJson.numericLeaves(jsonA);
    Map<String, Double> b = BenchJson.numericLeaves(jsonB);
    Set<String> metrics = new LinkedHashSet<>(a.keySet());
    metrics.addAll(b.keySet());
    List<Row> rows = new ArrayList<>();
    for (String m : metrics) {
      rows.add(new Row(m, a.getOrDefault(m, Double.NaN), b.getOrDefault(m, Double.NaN)));
    }
    return rows;
  }

  static String format(List<Row> rows, String nameA, String nameB) {
    int width = Math.max(6, rows.stream().mapToInt(r -> r.metric().length()).max().orElse(6));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-" + width + "s  %14s  %14s  %8s%n", "metric", "a", "b", "b/a"));
    for (Row r : rows) {
      double ratio = r.ratio();
      sb.append(String.format("%-" + width + "s  %14s  %14s  %8s%n",
          r.metric(), num(r.a()), num(r.b()), Double.isNaN(ratio) ? "-" : String.format("%.3f", ratio)));
    }
    sb.append("a = ").append(nameA).append(", b = ").append(nameB).append('\n');
    return sb.toString();
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format("%.3f", v);
  }
}
