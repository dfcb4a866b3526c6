package org.openbcs.fbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.fbft.protocol.BlameVerdict;
import org.openbcs.fbft.protocol.FbftConfig;
import org.openbcs.fbft.protocol.FbftReplica;
import org.openbcs.fbft.protocol.ProvenBlame;

/** R2.5 proof of blame in simulation: the crashed replica is blamed, never an honest one. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlameProofSimTest {
  static final long BASE = LeaderCrashGapTest.BASE;

  record Probe(long seed, boolean lossy, List<ProvenBlame> proofs, boolean deadSkipped, List<Integer> honestSkipped,
      long gap) {}

  /**
   * Replica 0 of 4 crashes for good under load at a seed-chosen moment (the LeaderCrashGapTest
   * schedule). Three base timeouts later, replica 2's view is probed: who is skipped in the next round.
   */
  static Probe crashRun(long seed, boolean lossy) {
    long crashAt = LeaderCrashGapTest.CRASH_FROM + new SplittableRandom(seed * 31 + 7).nextLong(LeaderCrashGapTest.CRASH_WINDOW);
    FbftConfig fbft = SimConfig.builder(seed, 4).build().fbft().withBaseTimeout(BASE);
    Simulation sim = new Simulation(SimConfig.builder(seed, 4).fbft(fbft).gst(0)
        .livenessBound(crashAt + LeaderCrashGapTest.RUN_AFTER_CRASH).delay(1, 5).clientInterval(5)
        .crashLosesInFlight(lossy).crash(0, crashAt, -1, false).build());
    boolean[] deadSkipped = new boolean[1];
    List<Integer> honestSkipped = new ArrayList<>();
    sim.probeAt(crashAt + 3 * BASE, () -> {
      FbftReplica r = sim.replica(2);
      // The round right after the highest certified one: its leader depends on the chain alone.
      long next = r.highQc().round() + 1;
      deadSkipped[0] = r.skipped(0, next);
      for (int i = 1; i < 4; i++) {
        if (r.skipped(i, next)) {
          honestSkipped.add(i);
        }
      }
    });
    SimResult res = sim.run();
    assertThat(res.failure()).as("invariants, seed %d", seed).isEmpty();
    List<ProvenBlame> proofs = new ArrayList<>();
    long worst = 0;
    for (int node = 1; node < 4; node++) {
      proofs.addAll(sim.replica(node).provenBlame());
      worst = Math.max(worst, CommitGaps.maxGapAfter(sim, node, crashAt));
    }
    return new Probe(seed, lossy, proofs, deadSkipped[0], honestSkipped, worst);
  }

  @Test
  void aCrashedLeaderIsBlamedByProofAndTheInnocentAggregatorIsNot() {
    long seeds = Long.getLong("sim.crashSeeds", 300);
    for (boolean lossy : new boolean[] {false, true}) {
      int deadSkipped = 0;
      int proposerVerdicts = 0;
      int aggregatorVerdicts = 0;
      int noVerdict = 0;
      long worstGap = 0;
      for (long seed = 1; seed <= seeds; seed++) {
        Probe p = crashRun(seed, lossy);
        java.util.EnumSet<BlameVerdict.Blame> seen = java.util.EnumSet.noneOf(BlameVerdict.Blame.class);
        for (ProvenBlame b : p.proofs()) {
          // Only replica 0 ever failed; a proof must blame it or nobody.
          assertThat(b.blamed()).as("proof %s, seed %d lossy=%s", b, seed, lossy).isIn(-1, 0);
          seen.add(b.verdict());
        }
        proposerVerdicts += seen.contains(BlameVerdict.Blame.PROPOSER) ? 1 : 0;
        aggregatorVerdicts += seen.contains(BlameVerdict.Blame.AGGREGATOR) ? 1 : 0;
        noVerdict += seen.contains(BlameVerdict.Blame.NONE) ? 1 : 0;
        assertThat(p.honestSkipped()).as("honest replicas skipped three timeouts after the crash, seed %d lossy=%s",
            seed, lossy).isEmpty();
        if (p.deadSkipped()) {
          deadSkipped++;
        }
        worstGap = Math.max(worstGap, p.gap());
      }
      System.out.printf("blame proofs after a crash (in-flight loss %s): %d seeds, dead replica skipped in %d; "
          + "seeds with a verdict on the proposer %d / on the aggregator %d / no proof %d; worst gap %.2f base timeouts%n",
          lossy, seeds, deadSkipped, proposerVerdicts, aggregatorVerdicts, noVerdict, (double) worstGap / BASE);
      assertThat(worstGap).isLessThan(2 * BASE);
      if (lossy) {
        // Only a broadcast cut short by the crash makes the dead replica's own round fail as proposer.
        assertThat(proposerVerdicts).as("crashes that cost the dead proposer's own round are proven").isPositive();
      }
      assertThat(aggregatorVerdicts).as("crashes that cost the dead aggregator's round are proven").isPositive();
      assertThat(deadSkipped).as("runs where the dead replica is skipped three timeouts after its crash")
          .isGreaterThanOrEqualTo((int) (seeds * 9 / 10));
    }
  }
}
