package org.openbcs.fbft.protocol;

import org.openbcs.fbft.message.Block;
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
}
