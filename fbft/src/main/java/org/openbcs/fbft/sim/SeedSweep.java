package org.openbcs.fbft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Runs consecutive seeds and summarises; shared by the sweep test and {@code bcs sim}. */
public final class SeedSweep {
  public record Summary(long seeds, long startSeed, List<String> failures, Map<String, Long> faultCoverage,
      long committedBlocks, long events, long wallMillis) {}

  private SeedSweep() {}

  public static Summary run(long startSeed, long seeds, int nodes, Consumer<SimResult> onResult) {
    return run(startSeed, seeds, nodes, false, onResult);
  }

  /** As {@link #run(long, long, int, Consumer)}, with payload dissemination on or off (section 9). */
  public static Summary run(long startSeed, long seeds, int nodes, boolean batches, Consumer<SimResult> onResult) {
    long t0 = System.nanoTime();
    List<String> failures = new ArrayList<>();
    Map<String, Long> coverage = new TreeMap<>();
    long blocks = 0;
    long events = 0;
    for (long s = startSeed; s < startSeed + seeds; s++) {
      SimConfig cfg = SeedScenarios.forSeed(s, nodes, batches);
      SimResult r = Simulation.run(cfg);
      SeedScenarios.faultsOf(cfg).forEach(f -> coverage.merge(f, 1L, Long::sum));
      coverage.merge("n=" + cfg.n(), 1L, Long::sum);
      blocks += r.maxHonestHeight();
      events += r.events();
      r.failure().ifPresent(failures::add);
      onResult.accept(r);
    }
    return new Summary(seeds, startSeed, failures, coverage, blocks, events, (System.nanoTime() - t0) / 1_000_000);
  }
}
