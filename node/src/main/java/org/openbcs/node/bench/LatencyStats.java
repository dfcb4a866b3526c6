package org.openbcs.node.bench;

import java.util.Arrays;

/**
 * Latency summary in milliseconds. Percentiles use the nearest-rank definition on the exact
 * samples (no bucketing), so p99 of 100 samples is the 99th smallest.
 */
public record LatencyStats(long count, double meanMs, double p50Ms, double p95Ms, double p99Ms, double maxMs) {
  public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0);

  /** Summary of latencies given in nanoseconds; the array is sorted in place. */
  public static LatencyStats ofNanos(long[] nanos, int length) {
    if (length == 0) {
      return EMPTY;
    }
    Arrays.sort(nanos, 0, length);
    double sum = 0;
    for (int i = 0; i < length; i++) {
      sum += nanos[i];
    }
    return new LatencyStats(
        length,
        toMs(sum / length),
        toMs(percentile(nanos, length, 50)),
        toMs(percentile(nanos, length, 95)),
        toMs(percentile(nanos, length, 99)),
        toMs(nanos[length - 1]));
  }

  /** Nearest-rank percentile of the first {@code length} values of a sorted array. */
  static long percentile(long[] sorted, int length, double pct) {
    if (length == 0) {
      throw new IllegalArgumentException("percentile of no samples");
    }
    if (pct <= 0 || pct > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + pct);
    }
    int rank = (int) Math.ceil(pct / 100.0 * length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double toMs(double nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
