package org.openbcs.fbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.fbft.protocol.DropReason;
import org.openbcs.fbft.protocol.FbftConfig;

/**
 * R3.8: a replica that was down for longer than its peers retain blocks adopts a committed block
 * with its commit proof, has the skipped heights transferred, and then votes and commits with the
 * others; forged blocks from a Byzantine peer are never adopted (I1 is checked on every commit).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StateTransferSimTest {
  private static final int RETAIN = 16;
  private static final long CRASH_AT = 300;
  private static final long RESTART_AT = 2300;
  private static final long END = 4500;

  private static FbftConfig smallRetainWindow(int n) {
    FbftConfig d = SimConfig.builder(0, n).build().fbft();
    return new FbftConfig(n, d.baseTimeoutMillis(), d.maxTimeoutDoublings(), d.reputationRounds(),
        d.maxRoundsAhead(), d.maxBufferedMessages(), d.maxBlockEnvelopes(), d.maxMempoolEnvelopes(), RETAIN,
        d.codecLimits());
  }

  private static Simulation lagging(long seed, int n, Byzantine byzantineKind, int byzantineNode) {
    SimConfig.Builder b = SimConfig.builder(seed, n).fbft(smallRetainWindow(n)).gst(0).livenessBound(END)
        .crash(n - 1, CRASH_AT, RESTART_AT, true);
    if (byzantineKind != null) {
      b.byzantine(byzantineNode, byzantineKind);
    }
    return new Simulation(b.build());
  }

  private static void assertCaughtUpAndParticipating(Simulation sim, SimResult r, int lagging, int reference) {
    assertThat(r.failure()).as("invariants").isEmpty();
    long missed = sim.heightAt(reference, RESTART_AT) - sim.heightAt(lagging, RESTART_AT);
    assertThat(missed).as("heights missed while down, against a retain window of %d", RETAIN)
        .isGreaterThan(4L * RETAIN);
    assertThat(sim.stateTransfers()).isPositive();
    // The same chain as the reference replica, height for height (I1 also checks this per commit).
    int common = Math.min(sim.ledger(lagging).size(), sim.ledger(reference).size());
    assertThat(sim.ledger(lagging).subList(0, common)).isEqualTo(sim.ledger(reference).subList(0, common));
    assertThat(common).isGreaterThan((int) sim.heightAt(reference, RESTART_AT) + 20);
    // It participates again: it votes after the transfer and keeps committing to the end.
    assertThat(sim.lastVoteAt(lagging)).isGreaterThan(RESTART_AT + 500);
    assertThat(sim.heightAt(lagging, END)).isGreaterThan(sim.heightAt(lagging, RESTART_AT + 1000) + 20);
  }

  @Test
  void replicaDownLongerThanTheRetainWindowCatchesUpAndParticipates() {
    for (long seed = 40; seed < 43; seed++) {
      Simulation sim = lagging(seed, 4, null, -1);
      SimResult r = sim.run();
      assertCaughtUpAndParticipating(sim, r, 3, 0);
    }
  }

  @Test
  void forgedBlocksFromAByzantinePeerAreNotAdopted() {
    for (long seed = 50; seed < 53; seed++) {
      Simulation sim = lagging(seed, 4, Byzantine.FORGE_SYNC, 1);
      SimResult r = sim.run();
      assertCaughtUpAndParticipating(sim, r, 3, 0);
      // The forged commit proofs were seen and refused for their signatures.
      assertThat(sim.drops(3)).containsKey(DropReason.INVALID_QC);
    }
  }
}
