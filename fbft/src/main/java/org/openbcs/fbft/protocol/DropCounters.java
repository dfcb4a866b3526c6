package org.openbcs.fbft.protocol;

import java.util.EnumMap;
import java.util.Map;

/** Per-reason drop counters of one replica. Single-threaded, like the replica. */
public final class DropCounters {
  private final long[] counts = new long[DropReason.values().length];

  void count(DropReason reason) {
    counts[reason.ordinal()]++;
  }

  public long get(DropReason reason) {
    return counts[reason.ordinal()];
  }

  public Map<DropReason, Long> snapshot() {
    Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
    for (DropReason r : DropReason.values()) {
      if (counts[r.ordinal()] > 0) {
        m.put(r, counts[r.ordinal()]);
      }
    }
    return m;
  }
}
