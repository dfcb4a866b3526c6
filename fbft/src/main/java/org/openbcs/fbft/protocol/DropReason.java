package org.openbcs.fbft.protocol;

/** Why an inbound message or payload was dropped; counted per reason (spec R5.4). */
public enum DropReason {
  NOT_STARTED,
  MALFORMED,
  UNKNOWN_SENDER,
  SENDER_MISMATCH,
  BAD_SIGNATURE,
  INVALID_QC,
  INVALID_TC,
  UNSAFE_PROPOSAL,
  BAD_BLOCK,
  WRONG_LEADER,
  NOT_NEXT_LEADER,
  STALE_ROUND,
  TOO_FAR_AHEAD,
  DUPLICATE,
  EQUIVOCATION,
  BUFFER_FULL,
  BUFFER_EVICTED,
  OVERSIZE,
  MEMPOOL_FULL,
  SYNC_UNKNOWN_BLOCK,
  SYNC_UNLINKED,
  /** A message the replica core does not handle (checkpoints belong to the driver, R3.8). */
  NOT_FOR_REPLICA
}
