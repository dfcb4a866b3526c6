package org.openbcs.node.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The per-round rows of Caliper's summary table, parsed from its console output. */
public final class CaliperSummary {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
  private static final Pattern ROW = Pattern.compile(
      "^\\|\\s*([^|]+?)\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)\\s*\\|\\s*([\\d.]+|-)\\s*\\|\\s*([\\d.]+|-)\\s*\\|\\s*([\\d.]+|-)\\s*\\|\\s*([\\d.]+|-)\\s*\\|\\s*([\\d.]+|-)\\s*\\|\\s*$");

  /** One round as Caliper reports it (latencies in seconds, rates in TPS). */
  public record Round(
      String name, long succ, long fail, double sendRateTps, double maxLatencyS, double minLatencyS, double avgLatencyS, double throughputTps) {}

  private CaliperSummary() {}

  /**
   * Rounds by name, in order. Caliper prints each round's table when the round ends and all of
   * them again as the test summary; the last row seen for a name wins.
   */
  public static List<Round> parse(String output) {
    Map<String, Round> rounds = new LinkedHashMap<>();
    for (String raw : output.split("\\R")) {
      Matcher m = ROW.matcher(ANSI.matcher(raw).replaceAll("").trim());
      if (m.matches()) {
        rounds.put(m.group(1), new Round(
            m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
            num(m.group(4)), num(m.group(5)), num(m.group(6)), num(m.group(7)), num(m.group(8))));
      }
    }
    return new ArrayList<>(rounds.values());
  }

  /** The summary table lines (header, separators and rows) of the output's last table. */
  public static String table(String output) {
    List<String> lines = new ArrayList<>();
    List<String> last = List.of();
    for (String raw : output.split("\\R")) {
      String line = ANSI.matcher(raw).replaceAll("").trim();
      if (line.startsWith("+-") || line.startsWith("|")) {
        lines.add(line);
      } else if (!lines.isEmpty()) {
        last = lines;
        lines = new ArrayList<>();
      }
    }
    if (!lines.isEmpty()) {
      last = lines;
    }
    return String.join("\n", last);
  }

  private static double num(String s) {
    return s.equals("-") ? Double.NaN : Double.parseDouble(s);
  }
}
