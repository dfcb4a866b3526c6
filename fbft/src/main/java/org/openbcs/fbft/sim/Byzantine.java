package org.openbcs.fbft.sim;

/** Byzantine behaviours a simulated replica can have on top of its honest core. */
public enum Byzantine {
  /** Receives everything, sends nothing (a mute or crashed-forever leader). */
  SILENT,
  /** As leader, sends one proposal to half the replicas and a different one for the same round to the rest. */
  EQUIVOCATE,
  /** Votes for every proposal it sees and for a made-up block in the same round. */
  DOUBLE_VOTE,
  /** As leader, justifies its proposals with a QC for a made-up block with too few or bad signatures. */
  FORGE_QC,
  /** As leader, justifies its proposals with a forged TC over the genesis QC. */
  FORGE_TC,
  /**
   * Answers every sync request with forged blocks at the requested heights: made-up payloads,
   * hash-linked, with QCs of garbage signatures, including a would-be commit proof (R3.8).
   */
  FORGE_SYNC,
  /**
   * Lies in every timeout's voted bit (R2.5), validly signed: "voted" for rounds it did not vote in
   * and "not voted" for rounds it did, to get an honest proposer or aggregator blamed. Not drawn by
   * the seed sweep; {@code BlameProofSimTest} runs it.
   */
  LIE_VOTED,
  /** Sends each of its batches to one other replica only (R9.1); the certificate still needs f + 1 holders. */
  BATCH_PARTIAL,
  /** Never acknowledges anybody's batch (R9.2). */
  BATCH_NO_ACK,
  /**
   * As leader, adds to its proposals a reference to a batch with a forged certificate: its own
   * acknowledgement alone, or f + 1 garbage signatures (R9.4).
   */
  BATCH_FORGE_CERT,
  /** Answers every batch request with a different batch under the requested header (R9.5). */
  BATCH_WRONG_ANSWER,
  /** As leader, references its parent block's batches again, with their valid certificates (R9.4). */
  BATCH_REPEAT,
  /**
   * Never sends its own proposals; otherwise honest (batches, acks, votes, timeouts). Reputation
   * skips it as leader, so its clients' envelopes are ordered only if other leaders can order them.
   */
  SILENT_LEADER
}
