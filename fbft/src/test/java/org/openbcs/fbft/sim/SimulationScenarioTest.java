package org.openbcs.fbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.fbft.protocol.DropReason;
import org.openbcs.fbft.protocol.FbftConfig;

/** Named fault scenarios; every run also checks invariants I1..I5 on every event. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulationScenarioTest {

  private static SimResult ok(Simulation sim) {
    SimResult r = sim.run();
    assertThat(r.failure()).as("invariants").isEmpty();
    return r;
  }

  @Test
  void happyPathFourReplicasCommitsContinuously() {
    SimResult r = ok(new Simulation(SimConfig.builder(1, 4).gst(0).livenessBound(1000).build()));
    assertThat(r.minHonestHeight()).isGreaterThan(50);
    // Late fourth votes for an already-certified round are the only expected drops.
    assertThat(r.drops().keySet()).isSubsetOf(DropReason.STALE_ROUND, DropReason.DUPLICATE);
    // Linear: a proposal to n-1 replicas and n-1 votes to the next leader per block.
    assertThat(r.messagesPerBlock()).isLessThan(2.0 * 4 + 1);
  }

  @Test
  void happyPathWithEcdsaSignatures() {
    SimResult r = ok(new Simulation(SimConfig.builder(2, 4).gst(0).livenessBound(200).realCrypto(true).build()));
    assertThat(r.minHonestHeight()).isGreaterThan(10);
    // Each QC is verified once per replica, not once per message carrying it: about one proposal
    // signature plus one QC (3 signatures) per block per replica, and 3 votes at the aggregator.
    assertThat(r.signatureChecks()).isLessThan((long) r.maxHonestHeight() * 4 * 5 + 40);
  }

  @Test
  void leaderCrashNextLeaderCommitsWithinOneTimeout() {
    long base = 200;
    FbftConfig fbft = SimConfig.builder(3, 4).build().fbft().withBaseTimeout(base);
    Simulation sim = new Simulation(SimConfig.builder(3, 4).fbft(fbft).gst(0).livenessBound(3000)
        .crash(2, 500, -1, false).build());
    ok(sim);
    for (int node : new int[] {0, 1, 3}) {
      long gap = CommitGaps.maxGapAfter(sim, node, 500);
      // One timeout plus a few message delays, never two timeouts.
      assertThat(gap).as("longest stall at replica %d", node).isLessThan(base + 60).isGreaterThan(base / 2);
      assertThat(sim.heightAt(node, 3000)).isGreaterThan(sim.heightAt(node, 500) + 50);
    }
  }

  @Test
  void reputationSkipsTwoConsecutiveDeadLeaders() {
    long base = 100;
    FbftConfig with = SimConfig.builder(4, 7).build().fbft().withBaseTimeout(base);
    FbftConfig without = new FbftConfig(7, base, with.maxTimeoutDoublings(), 0, with.maxRoundsAhead(),
        with.maxBufferedMessages(), with.maxBlockEnvelopes(), with.maxMempoolEnvelopes(), with.retainBlocks(),
        with.codecLimits());
    long stalledWith = stalledMillis(with);
    long stalledWithout = stalledMillis(without);
    // Without reputation every rotation runs into both dead replicas, with back-off growing to 700 ms
    // per rotation; with it they are skipped after one timeout each and retried ever more rarely
    // (measured: about 1.3 s vs 3.6 s stalled of 3.7 s; a retry can still cost three timeouts when
    // an exclusion expires mid-run, see spec R2.5 "known imprecision").
    assertThat(stalledWith).isLessThan(stalledWithout / 2);
    assertThat(stalledWith).isGreaterThan(0);
  }

  private static long stalledMillis(FbftConfig fbft) {
    Simulation sim = new Simulation(SimConfig.builder(4, 7).fbft(fbft).gst(0).livenessBound(4000)
        .crash(3, 300, -1, false).crash(4, 300, -1, false).build());
    ok(sim);
    List<Long> times = sim.commitTimes(0);
    long prev = 300;
    long stalled = 0;
    for (long t : times) {
      if (t > 300) {
        if (t - prev > fbft.baseTimeoutMillis() / 2) {
          stalled += t - prev;
        }
        prev = t;
      }
    }
    System.out.printf("K=%d: stalled %d ms of 4000 (height %d)%n", fbft.reputationRounds(), stalled, times.size());
    return stalled;
  }

  @Test
  void minorityPartitionMajorityKeepsCommittingAndMinorityCatchesUp() {
    Simulation sim = new Simulation(SimConfig.builder(5, 4).gst(1500).partition(300, 1500, Set.of(0)).build());
    ok(sim);
    assertThat(sim.heightAt(1, 1500)).as("majority commits during the partition").isGreaterThan(sim.heightAt(1, 300) + 30);
    assertThat(sim.heightAt(0, 1500)).as("minority cannot commit alone").isLessThanOrEqualTo(sim.heightAt(0, 300) + 2);
    // I3 (checked by the run) proves the minority commits again after the heal.
  }

  @Test
  void evenSplitStopsEveryoneThenHeals() {
    Simulation sim = new Simulation(SimConfig.builder(6, 4).gst(1500).partition(300, 1500, Set.of(0, 1)).build());
    ok(sim);
    for (int node = 0; node < 4; node++) {
      assertThat(sim.heightAt(node, 1500)).as("no quorum on either side").isLessThanOrEqualTo(sim.heightAt(node, 300) + 2);
    }
  }

  @Test
  void equivocatingLeaderNeverSplitsTheHonestReplicas() {
    for (long seed = 10; seed < 15; seed++) {
      Simulation sim = new Simulation(SimConfig.builder(seed, 4).gst(0).livenessBound(1500)
          .byzantine(1, Byzantine.EQUIVOCATE).build());
      SimResult r = ok(sim);
      assertThat(r.minHonestHeight()).isGreaterThan(20);
      assertThat(sim.ledger(0).subList(0, 20)).isEqualTo(sim.ledger(2).subList(0, 20));
    }
  }

  @Test
  void conflictingVotesAreCountedAndHarmless() {
    Simulation sim = new Simulation(SimConfig.builder(16, 4).gst(0).livenessBound(1000)
        .byzantine(3, Byzantine.DOUBLE_VOTE).build());
    SimResult r = ok(sim);
    assertThat(r.minHonestHeight()).isGreaterThan(20);
    assertThat(r.drops()).containsKey(DropReason.EQUIVOCATION);
  }

  @Test
  void forgedQcIsDroppedWithCountedReason() {
    Simulation sim = new Simulation(SimConfig.builder(7, 4).gst(0).livenessBound(1500)
        .byzantine(2, Byzantine.FORGE_QC).build());
    SimResult r = ok(sim);
    assertThat(sim.drops(0)).containsKey(DropReason.INVALID_QC);
    assertThat(r.minHonestHeight()).isGreaterThan(20);
  }

  @Test
  void forgedTcIsDroppedWithCountedReason() {
    Simulation sim = new Simulation(SimConfig.builder(8, 4).gst(0).livenessBound(1500)
        .byzantine(2, Byzantine.FORGE_TC).build());
    SimResult r = ok(sim);
    assertThat(sim.drops(0)).containsKey(DropReason.INVALID_TC);
    assertThat(r.minHonestHeight()).isGreaterThan(20);
  }

  @Test
  void mutedLeaderIsRoutedAround() {
    Simulation sim = new Simulation(SimConfig.builder(9, 4).gst(0).livenessBound(2000)
        .byzantine(0, Byzantine.SILENT).build());
    SimResult r = ok(sim);
    assertThat(r.minHonestHeight()).isGreaterThan(50);
  }

  @Test
  void restartsWithLostWalTailNeverDoubleVoteAndCatchUp() {
    SimConfig.Builder b = SimConfig.builder(11, 4).gst(2000);
    for (int i = 0; i < 8; i++) {
      b.crash(i % 4, 100 + i * 230L, 100 + i * 230L + 40 + i * 7, true);
    }
    Simulation sim = new Simulation(b.build());
    SimResult r = ok(sim);
    // I5 (never vote twice in a round) is checked on every vote; I3 proves each restarted replica caught up.
    assertThat(r.messagesByKind()).containsKey("sync-request");
    assertThat(r.minHonestHeight()).isGreaterThan(30);
  }

  /**
   * Negative control: the same scenario on disks that ignore fsync must be caught by the invariant
   * checker (a restarted replica forgets its vote and votes again in the round), proving I5 is live.
   */
  @Test
  void lyingDiskIsCaughtAsADoubleVote() {
    // A double vote needs a lost vote and then the same round's proposal again after the restart,
    // a narrow schedule: search seeds rather than pin one, which any protocol change reshuffles
    // (seed 153 before proofs of blame, 98 after).
    List<Long> caught = new ArrayList<>();
    for (long seed = 1; seed <= 200; seed++) {
      SimResult lying = Simulation.run(negativeControl(seed, true));
      if (lying.failure().filter(f -> f.contains("I5") && f.contains("voted twice")).isPresent()) {
        caught.add(seed);
        SimResult honest = Simulation.run(negativeControl(seed, false));
        assertThat(honest.failure()).as("the same schedule with honest disks, seed %d", seed).isEmpty();
      }
    }
    assertThat(caught).as("seeds whose lying disks the checker caught as a double vote").isNotEmpty();
  }

  private static SimConfig negativeControl(long seed, boolean lyingDisks) {
    SimConfig.Builder b = SimConfig.builder(seed, 4).gst(1500).lyingDisks(lyingDisks)
        .byzantine(1, Byzantine.EQUIVOCATE).delay(1, 10);
    for (int i = 0; i < 12; i++) {
      long at = 50 + i * 110L + seed % 37;
      b.crash(i % 2 == 0 ? 0 : 2, at, at + 3, true);
    }
    return b.build();
  }
}
