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
    long signatureChecks,
    long proposalBytes,
    long batchesFetched,
    long maxSenderBytes,
    long payloadBytes,
    double meanCommitLatencyMillis) {

  public boolean ok() {
    return failure.isEmpty();
  }

  public double messagesPerBlock() {
    return maxHonestHeight == 0 ? Double.NaN : (double) messages / maxHonestHeight;
  }

  public double bytesPerBlock() {
    return maxHonestHeight == 0 ? Double.NaN : (double) bytes / maxHonestHeight;
  }

  /**
   * Bytes of proposals sent per committed block: what the leader of a block uploads for it (one
   * proposal to each of n - 1 replicas), re-proposals after failed rounds included.
   */
  public double leaderBytesPerBlock() {
    return maxHonestHeight == 0 ? Double.NaN : (double) proposalBytes / maxHonestHeight;
  }

  /** Bytes sent by the replica that sent the most, per committed block. */
  public double maxSenderBytesPerBlock() {
    return maxHonestHeight == 0 ? Double.NaN : (double) maxSenderBytes / maxHonestHeight;
  }

  /** Client envelope bytes per committed block, on the honest replica with the longest ledger. */
  public double payloadBytesPerBlock() {
    return maxHonestHeight == 0 ? Double.NaN : (double) payloadBytes / maxHonestHeight;
  }

  /** The command that replays exactly this run. */
  public static String replayCommand(long seed, boolean batches) {
    if (batches) {
      return "mvn -B -q -o -pl fbft test -Dtest=BatchSeedSweepTest -Dsim.seed=" + seed
          + "   (or: bcs sim --batches --seeds 1 --start-seed " + seed + ")";
    }
    return replayCommand(seed);
  }

  /** The command that replays exactly this run, batches off. */
  public static String replayCommand(long seed) {
    return "mvn -B -q -o -pl fbft test -Dtest=SeedSweepTest -Dsim.seed=" + seed
        + "   (or: bcs sim --seeds 1 --start-seed " + seed + ")";
  }
}
