package org.openbcs.fbft.sim;

import java.util.Map;
import java.util.Optional;
import org.openbcs.fbft.protocol.DropReason;

/** What one simulation run did and whether every invariant held. */
public record SimResult(
    long seed,
    String scenario,
    Optional<String> failure,
    long minHonestHeight,
    long maxHonestHeight,
    long messages,
    long bytes,
    Map<String, Long> messagesByKind,
    Map<DropReason, Long> drops,
    long events,
    long signatureChecks) {

  public boolean ok() {
    return failure.isEmpty();
  }

  public double messagesPerBlock() {
    return maxHonestHeight == 0 ? Double.NaN : (double) messages / maxHonestHeight;
  }

  public double bytesPerBlock() {
    return maxHonestHeight == 0 ? Double.NaN : (double) bytes / maxHonestHeight;
  }

  /** The command that replays exactly this run. */
  public static String replayCommand(long seed) {
    return "mvn -B -q -o -pl fbft test -Dtest=SeedSweepTest -Dsim.seed=" + seed
        + "   (or: bcs sim --seeds 1 --start-seed " + seed + ")";
  }
}
