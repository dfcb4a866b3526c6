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
  NOT_FOR_REPLICA,
  /** A batch message while batches are off, or a batch whose creator signature does not verify (R9.1). */
  BAD_BATCH,
  /** A batch from a replica other than its creator that this replica did not ask for, or that is not the one asked for (R9.5). */
  BATCH_UNSOLICITED,
  /** A creator's store quota is full (R9.2). */
  BATCH_QUOTA,
  /** An ack or request for a batch this replica does not hold (R9.2, R9.5). */
  BATCH_UNKNOWN,
  /** A batch certificate without f + 1 valid distinct signatures, or a block entry that is not one (R9.3, R9.4). */
  INVALID_BATCH_CERT,
  /** A block references a batch outside the heights its sealing height allows (R9.4). */
  BATCH_EXPIRED,
  /** A block references a batch twice, or one its ancestors within the dedup window reference (R9.4). */
  DUPLICATE_BATCH,
  /** No vote: the ancestors needed for the dedup check are not held (R9.4). */
  BATCH_HISTORY_UNKNOWN,
  /** A proposal waited for a referenced batch and its round ended before the batch arrived (R9.5). */
  MISSING_BATCH_TIMEOUT
}
