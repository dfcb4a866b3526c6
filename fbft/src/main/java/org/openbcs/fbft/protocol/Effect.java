package org.openbcs.fbft.protocol;

import java.util.List;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.QuorumCert;
import org.openbcs.fbft.wal.WalRecord;

/**
 * Outputs of {@link FbftReplica#step}, to be performed in list order. A {@link Persist} must be
 * durable before any {@link Send} or {@link Broadcast} that follows it is performed (R3.5).
 */
public sealed interface Effect {
  record Send(int to, FbftMessage message) implements Effect {}

  /** To every replica except this one. */
  record Broadcast(FbftMessage message) implements Effect {}

  record Persist(WalRecord record) implements Effect {}

  record ScheduleTimer(long round, long atMillis) implements Effect {}

  /**
   * {@code block} is final at {@code block.height()}; {@code certifiedBy} is its QC (R1.5).
   * {@code envelopes} is what the sink applies: the block's payload by value, or, with batches on,
   * the envelopes of the batches it references, in order (R9.6); {@code batches} are their digests.
   */
  record Commit(Block block, QuorumCert certifiedBy, List<byte[]> envelopes, List<Digest> batches) implements Effect {
    public Commit {
      envelopes = List.copyOf(envelopes);
      batches = List.copyOf(batches);
    }

    /** A commit of a block that carries its envelopes by value. */
    public Commit(Block block, QuorumCert certifiedBy) {
      this(block, certifiedBy, block.payload(), List.of());
    }
  }

  /**
   * Heights {@code afterHeight + 1 .. toHeight} are committed, the top one being {@code toBlockId},
   * but this replica cannot deliver their blocks: no peer retains them (R3.7, R3.8). The sink must
   * obtain their ledger contents from peers by state transfer before it applies any later
   * {@link Commit}, which continues at {@code toHeight + 1}.
   */
  record StateTransfer(long afterHeight, long toHeight, Digest toBlockId) implements Effect {}
}
