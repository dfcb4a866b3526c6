package org.openbcs.fbft.wal;

import java.util.List;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.QuorumCert;

/** What a replica must remember across a crash (spec section 3). Replay takes the maximum of each. */
public sealed interface WalRecord {
  /** The replica is about to vote for {@code blockId} in {@code round} (R3.1). */
  record Voted(long round, Digest blockId) implements WalRecord {}

  /**
   * The block the replica is about to vote for, with the batches its payload references (R3.9).
   * Written before the {@link Voted} record: when every replica restarts at once, the voters of the
   * highest certified block still hold it and its payload, so it can be synced, extended and
   * committed; without it nobody could (the other replicas' memory is gone too).
   */
  record VotedBlock(Block block, List<FbftMessage.Batch> batches) implements WalRecord {
    public VotedBlock {
      batches = List.copyOf(batches);
    }
  }

  /**
   * The batch digests committed block {@code height} references (R9.4, R3.9), written before its
   * {@link Committed} record. A restarted replica's committed block is a stub, so without these it
   * could not check a proposal's batches against the dedup window below it, and after a restart of
   * every replica nobody could vote. {@code historyBelowUnknown} marks a jump (R3.8): the heights
   * below {@code height} were never seen.
   */
  record CommittedRefs(long height, List<Digest> digests, boolean historyBelowUnknown) implements WalRecord {
    public CommittedRefs {
      digests = List.copyOf(digests);
    }
  }

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
