package org.openbcs.fbft.protocol;

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

  /** {@code block} is final at {@code block.height()}; {@code certifiedBy} is its QC (R1.5). */
  record Commit(Block block, QuorumCert certifiedBy) implements Effect {}

  /**
   * Heights {@code afterHeight + 1 .. toHeight} are committed, the top one being {@code toBlockId},
   * but this replica cannot deliver their blocks: no peer retains them (R3.7, R3.8). The sink must
   * obtain their ledger contents from peers by state transfer before it applies any later
   * {@link Commit}, which continues at {@code toHeight + 1}.
   */
  record StateTransfer(long afterHeight, long toHeight, Digest toBlockId) implements Effect {}
}
