package org.openbcs.fbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.fbft.protocol.BlameVerdict;
import org.openbcs.fbft.protocol.FbftConfig;
import org.openbcs.fbft.protocol.FbftReplica;
import org.openbcs.fbft.protocol.ProvenBlame;

/**
 * R2.5: Byzantine replicas that lie in their timeouts' voted bit ({@link Byzantine#LIE_VOTED})
 * next to a replica that crashes for good (mid-broadcast, at a seed-chosen moment) cannot get an
 * honest replica blamed by proof or skipped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LyingVoterSimTest {
  static final long BASE = 100;

  record Outcome(List<ProvenBlame> proofs, List<String> honestSkipped, long gap) {}

  static Outcome run(long seed, int n, Set<Integer> liars) {
    long crashAt = 400 + new SplittableRandom(seed * 31 + 7).nextLong(200);
    long end = crashAt + 1500;
    FbftConfig fbft = SimConfig.builder(seed, n).build().fbft().withBaseTimeout(BASE);
    SimConfig.Builder b = SimConfig.builder(seed, n).fbft(fbft).gst(0).livenessBound(end).delay(1, 5)
        .clientInterval(5).crashLosesInFlight(true).crash(0, crashAt, -1, false);
    liars.forEach(l -> b.byzantine(l, Byzantine.LIE_VOTED));
    Simulation sim = new Simulation(b.build());
    List<String> honestSkipped = new ArrayList<>();
    int observer = 1;
    for (long t = crashAt + 3 * BASE; t < end; t += BASE / 2) {
      sim.probeAt(t, () -> {
        FbftReplica r = sim.replica(observer);
        long next = r.highQc().round() + 1;
        for (int i = 1; i < n; i++) {
          if (!liars.contains(i) && r.skipped(i, next)) {
            honestSkipped.add("replica " + i + " in round " + next + " at " + sim.now());
          }
        }
      });
    }
    SimResult res = sim.run();
    assertThat(res.failure()).as("invariants, seed %d n=%d", seed, n).isEmpty();
    List<ProvenBlame> proofs = new ArrayList<>();
    long worst = 0;
    for (int node = 1; node < n; node++) {
      if (liars.contains(node)) {
        continue;
      }
      proofs.addAll(sim.replica(node).provenBlame());
      worst = Math.max(worst, CommitGaps.maxGapAfter(sim, node, crashAt));
    }
    return new Outcome(proofs, honestSkipped, worst);
  }

  @Test
  void lyingVotersFrameNoHonestReplica() {
    long seeds = Long.getLong("sim.liarSeeds", 100);
    for (var setup : List.of(new Object[] {7, Set.of(6)}, new Object[] {10, Set.of(8, 9)})) {
      int n = (Integer) setup[0];
      @SuppressWarnings("unchecked")
      Set<Integer> liars = (Set<Integer>) setup[1];
      int proven = 0;
      int none = 0;
      long worst = 0;
      for (long seed = 1; seed <= seeds; seed++) {
        Outcome o = run(seed, n, liars);
        for (ProvenBlame p : o.proofs()) {
          if (p.blamed() >= 0) {
            assertThat(p.blamed() == 0 || liars.contains(p.blamed()))
                .as("proof %s blames an honest replica, seed %d n=%d", p, seed, n).isTrue();
            proven++;
          } else {
            none++;
          }
        }
        assertThat(o.honestSkipped()).as("seed %d n=%d", seed, n).isEmpty();
        worst = Math.max(worst, o.gap());
      }
      System.out.printf("lying voters (n=%d, liars %s, replica 0 crashed): %d seeds, %d proofs blaming a faulty "
          + "replica, %d proving nothing, worst gap %.2f base timeouts%n", n, liars, seeds, proven, none, (double) worst / BASE);
      assertThat(proven).as("the crashed replica's failures are still proven despite the lies").isPositive();
      assertThat(worst).isLessThan(2 * BASE);
    }
  }
}
