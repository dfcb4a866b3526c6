package org.openbcs.fbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed sweep with payload dissemination on (spec section 9): every invariant of the value
 * mode, plus I6 (a batch is delivered once by the committed chain) and I7 (every honest replica
 * resolves every committed batch), with the batch layer's own attacks drawn among the faults.
 * {@code -Dsim.batchSeeds=N -Dsim.startSeed=S} changes the range; {@code -Dsim.seed=N} replays one.
 */
class BatchSeedSweepTest {

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void everySeedKeepsEveryInvariantWithBatches() {
    String one = System.getProperty("sim.seed");
    long start = one != null ? Long.parseLong(one) : Long.getLong("sim.startSeed", 1);
    long seeds = one != null ? 1 : Long.getLong("sim.batchSeeds", 1000);
    SeedSweep.Summary s = SeedSweep.run(start, seeds, 0, true, r -> {
      if (one != null) {
        System.out.println(r);
      }
    });
    System.out.printf("FBFT batch sweep: %d seeds from %d, %d failures, %d blocks committed, %d events, %d ms, "
        + "coverage %s%n", s.seeds(), s.startSeed(), s.failures().size(), s.committedBlocks(), s.events(),
        s.wallMillis(), s.faultCoverage());
    s.failures().forEach(System.out::println);
    assertThat(s.failures()).isEmpty();
    if (one == null) {
      for (String fault : SeedScenarios.FAULT_CLASSES) {
        assertThat(s.faultCoverage()).as("fault class covered").containsKey(fault);
      }
      for (String fault : SeedScenarios.BATCH_FAULT_CLASSES) {
        assertThat(s.faultCoverage()).as("batch fault class covered").containsKey(fault);
      }
    }
  }

  /**
   * Seeds the 20,000-seed batch search once failed: 2349 and 20034 (I6: a restarted leader
   * re-proposed a batch committed 65 heights earlier, beyond the dedup window; fixed by the
   * sealing-height window of R9.4), 16944 (I3: voters asked only the certificate's signers, one
   * dead and one restarted with an empty store; fixed by also asking the proposer, R9.5).
   */
  @Test
  void seedsThatOnceFailedKeepEveryInvariantWithBatches() {
    for (long seed : new long[] {2349, 20034, 16944}) {
      SeedSweep.Summary s = SeedSweep.run(seed, 1, 0, true, r -> {});
      assertThat(s.failures()).as("seed %d", seed).isEmpty();
    }
  }
}
