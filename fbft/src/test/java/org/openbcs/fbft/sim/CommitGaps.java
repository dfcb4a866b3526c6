package org.openbcs.fbft.sim;

import java.util.List;

/** Commit-gap measurements shared by the simulation tests. */
final class CommitGaps {
  private CommitGaps() {}

  /** Longest interval between consecutive new heights at {@code node} after {@code from}. */
  static long maxGapAfter(Simulation sim, int node, long from) {
    List<Long> times = sim.commitTimes(node);
    long prev = from;
    long max = 0;
    for (long t : times) {
      if (t > from) {
        max = Math.max(max, t - prev);
        prev = t;
      }
    }
    return max;
  }
}
