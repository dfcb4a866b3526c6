package org.openbcs.fbft.protocol;

/**
 * One proof of blame a replica applied to its reputation state (R2.5): the failed round, its
 * proposer and aggregator, the TC's vote count, and the verdict. For tests and logs.
 */
public record ProvenBlame(long round, int proposer, int aggregator, int signers, int voted, BlameVerdict.Blame verdict) {
  /** The replica blamed, or -1 when the evidence proved nothing. */
  public int blamed() {
    return BlameVerdict.blamed(verdict, proposer, aggregator);
  }
}
