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
  LIE_VOTED
}
