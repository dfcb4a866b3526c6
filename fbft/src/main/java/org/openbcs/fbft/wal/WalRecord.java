package org.openbcs.fbft.wal;

import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.QuorumCert;

/** What a replica must remember across a crash (spec section 3). Replay takes the maximum of each. */
public sealed interface WalRecord {
  /** The replica is about to vote for {@code blockId} in {@code round} (R3.1). */
  record Voted(long round, Digest blockId) implements WalRecord {}

  /** The replica gave up on {@code round}; it will never vote in it (R3.1). */
  record TimedOut(long round) implements WalRecord {}

  /** The replica's highest QC grew (R3.2). */
  record HighQc(QuorumCert qc) implements WalRecord {}

  /** Blocks up to {@code height} are committed; {@code blockId} is the top one (R3.3). */
  record Committed(long height, long round, Digest blockId) implements WalRecord {}

  /**
   * Leader-reputation state after committed block {@code blockId} (R2.5, R3.3). It is a function of
   * the chain, so a restarted replica that has lost the history below its committed block still
   * elects the same leaders as its peers.
   */
  record Reputation(Digest blockId, long[] primary, long[] secondary, int[] streak) implements WalRecord {}
}
