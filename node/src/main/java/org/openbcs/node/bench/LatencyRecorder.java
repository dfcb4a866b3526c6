package org.openbcs.node.bench;

import java.util.Arrays;

/**
 * Collects exact latency samples from many client threads. Exact samples (rather than a
 * histogram) keep percentiles precise at the few-hundred-thousand samples a run produces.
 */
final class LatencyRecorder {
  /** A run longer than this many samples keeps only the first ones (about 80 MB of longs). */
  static final int MAX_SAMPLES = 10_000_000;

  private long[] samples = new long[4096];
  private int size;
  private long dropped;

  synchronized void record(long nanos) {
    if (size == MAX_SAMPLES) {
      dropped++;
      return;
    }
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, samples.length * 2));
    }
    samples[size++] = nanos;
  }

  synchronized long dropped() {
    return dropped;
  }

  synchronized LatencyStats stats() {
    return LatencyStats.ofNanos(Arrays.copyOf(samples, size), size);
  }
}
