package org.openbcs.node.network;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A consensus type with options for its orderers, as {@code bcs up --consensus} and {@code bcs
 * bench --consensus} take it: {@code fbft}, or {@code fbft:batches=off;idle-block-ms=50}. Each
 * option reaches every orderer as {@code --consensus-opt <type>.<key>=<value>}, so variants of one
 * protocol can be compared in one bench run.
 */
public record ConsensusChoice(String type, Map<String, String> options) {
  public static final List<String> TYPES = List.of("solo", "fbft");

  public ConsensusChoice {
    options = Map.copyOf(options);
  }

  public static ConsensusChoice parse(String text) {
    String s = text.strip();
    int colon = s.indexOf(':');
    String type = (colon < 0 ? s : s.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("unknown consensus '" + type + "' in '" + text + "' (known: "
          + String.join(", ", TYPES) + ")");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (colon >= 0) {
      for (String kv : s.substring(colon + 1).split(";", -1)) {
        int eq = kv.indexOf('=');
        if (eq <= 0 || eq == kv.length() - 1) {
          throw new IllegalArgumentException("consensus option '" + kv + "' in '" + text + "' is not key=value");
        }
        String key = kv.substring(0, eq).strip();
        if (options.put(key, kv.substring(eq + 1).strip()) != null) {
          throw new IllegalArgumentException("consensus option '" + key + "' appears twice in '" + text + "'");
        }
      }
    }
    return new ConsensusChoice(type, options);
  }

  /** What the orderers get, one {@code --consensus-opt} value each. */
  public List<String> ordererOptions() {
    return options.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> type + "." + e.getKey() + "=" + e.getValue()).toList();
  }

  /** The canonical text: type, then the options sorted by key. */
  public String label() {
    if (options.isEmpty()) {
      return type;
    }
    return type + ":" + String.join(";", options.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
