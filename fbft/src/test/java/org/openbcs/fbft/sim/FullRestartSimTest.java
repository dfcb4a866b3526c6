package org.openbcs.fbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.fbft.protocol.FbftConfig;

/**
 * Every replica crashes and restarts from its WAL, one after the other (`bcs down` then `bcs up`):
 * the chain must commit again within the liveness bound after the last one is back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FullRestartSimTest {
  static final long BASE = 100;

  static SimResult run(long seed, boolean batches, long stagger, boolean loseTail) {
    FbftConfig fbft = SimConfig.builder(seed, 4).build().fbft().withBaseTimeout(BASE).withBatches(batches);
    long crashAt = 500;
    SimConfig.Builder b = SimConfig.builder(seed, 4).fbft(fbft).delay(1, 5).clientInterval(5);
    for (int node = 0; node < 4; node++) {
      // Stopped one after the other, restarted one after the other.
      b.crash(node, crashAt + 20L * node, crashAt + 200 + stagger * node, loseTail);
    }
    long lastUp = crashAt + 200 + stagger * 3;
    return new Simulation(b.gst(lastUp).livenessBound(40 * BASE).build()).run();
  }

  @Test
  void theChainCommitsAgainAfterEveryReplicaRestarted() {
    java.util.List<String> failures = new java.util.ArrayList<>();
    for (long seed = 1; seed <= 24; seed++) {
      for (boolean batches : new boolean[] {true, false}) {
        for (long stagger : new long[] {10, 300, 900}) {
          SimResult r = run(seed, batches, stagger, seed % 2 == 0);
          if (r.failure().isPresent()) {
            failures.add("seed " + seed + " batches=" + batches + " stagger=" + stagger + ": "
                + r.failure().get().lines().findFirst().orElse(""));
          }
        }
      }
    }
    assertThat(failures).as("%d runs failed", failures.size()).isEmpty();
  }
}
