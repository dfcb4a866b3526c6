package org.openbcs.fbft.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Derives a whole fault scenario from a seed, so a sweep over seeds mixes every fault type and any
 * failing seed replays exactly. Most seeds use n = 4; every tenth uses n = 7 (f = 2).
 */
public final class SeedScenarios {
  /**
   * Behaviours the sweep draws from, in their original order so that a seed keeps its scenario.
   * FORGE_SYNC needs a replica that lags beyond the retained window to matter; it has its own test.
   */
  static final java.util.List<Byzantine> SWEPT = java.util.List.of(
      Byzantine.SILENT, Byzantine.EQUIVOCATE, Byzantine.DOUBLE_VOTE, Byzantine.FORGE_QC, Byzantine.FORGE_TC);

  /** What the batch-mode sweep draws from: the same, plus the batch layer's own attacks (section 9). */
  static final java.util.List<Byzantine> SWEPT_BATCHES = java.util.List.of(
      Byzantine.SILENT, Byzantine.EQUIVOCATE, Byzantine.DOUBLE_VOTE, Byzantine.FORGE_QC, Byzantine.FORGE_TC,
      Byzantine.BATCH_PARTIAL, Byzantine.BATCH_NO_ACK, Byzantine.BATCH_FORGE_CERT, Byzantine.BATCH_WRONG_ANSWER,
      Byzantine.BATCH_REPEAT);

  /** Fault classes a batch-mode sweep reports coverage for. */
  public static final List<String> BATCH_FAULT_CLASSES = List.of("BATCH_PARTIAL", "BATCH_NO_ACK",
      "BATCH_FORGE_CERT", "BATCH_WRONG_ANSWER", "BATCH_REPEAT");

  /** Fault classes a sweep reports coverage for. */
  public static final List<String> FAULT_CLASSES = List.of("drop", "duplicate", "reorder/delay", "partition",
      "crash-restart", "crash-restart-lose-wal-tail", "crash-forever", "SILENT", "EQUIVOCATE", "DOUBLE_VOTE",
      "FORGE_QC", "FORGE_TC");

  private SeedScenarios() {}

  /** {@code nodes} 0 picks n from the seed. */
  public static SimConfig forSeed(long seed, int nodes) {
    return forSeed(seed, nodes, false);
  }

  /** {@code nodes} 0 picks n from the seed; {@code batches} runs with payload dissemination and its attacks. */
  public static SimConfig forSeed(long seed, int nodes, boolean batches) {
    List<Byzantine> swept = batches ? SWEPT_BATCHES : SWEPT;
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
    int n = nodes > 0 ? nodes : (Math.floorMod(seed, 10) == 7 ? 7 : 4);
    long gst = 200 + r.nextLong(800);
    SimConfig.Builder b = SimConfig.builder(seed, n).gst(gst).stopWhenLive(true).batches(batches);
    long maxDelay = 2 + r.nextLong(15);
    b.delay(1, maxDelay);
    if (r.nextDouble() < 0.5) {
      b.drop(r.nextDouble() * 0.2);
    }
    if (r.nextDouble() < 0.3) {
      b.duplicate(r.nextDouble() * 0.1);
    }
    if (r.nextDouble() < 0.3) {
      Set<Integer> side = new HashSet<>();
      int size = 1 + r.nextInt(n - 1);
      while (side.size() < size) {
        side.add(r.nextInt(n));
      }
      long start = r.nextLong(gst);
      long end = start + 1 + r.nextLong(gst - start);
      b.partition(start, end, side);
    }
    int f = (n - 1) / 3;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    int next = 0;
    for (int slot = 0; slot < f; slot++) {
      if (r.nextDouble() < 0.7) {
        int node = order.get(next++);
        int kind = r.nextInt(swept.size() + 1);
        if (kind == swept.size()) {
          b.crash(node, r.nextLong(gst), -1, false);
        } else {
          b.byzantine(node, swept.get(kind));
        }
      }
    }
    if (r.nextDouble() < 0.4) {
      int node = order.get(next);
      long at = r.nextLong(gst);
      long restart = at + 1 + r.nextLong(Math.max(1, gst - at));
      b.crash(node, at, Math.min(restart, gst), r.nextBoolean());
    }
    return b.build();
  }

  /** Fault classes present in a scenario, for coverage counts. */
  public static List<String> faultsOf(SimConfig c) {
    List<String> out = new ArrayList<>();
    if (c.dropRate() > 0) {
      out.add("drop");
    }
    if (c.duplicateRate() > 0) {
      out.add("duplicate");
    }
    if (c.maxDelayMillis() > c.minDelayMillis()) {
      out.add("reorder/delay");
    }
    if (!c.partitions().isEmpty()) {
      out.add("partition");
    }
    for (SimConfig.Crash cr : c.crashes()) {
      out.add(cr.forever() ? "crash-forever" : cr.loseUnsyncedTail() ? "crash-restart-lose-wal-tail" : "crash-restart");
    }
    c.byzantine().values().forEach(v -> out.add(v.name()));
    return out;
  }
}
