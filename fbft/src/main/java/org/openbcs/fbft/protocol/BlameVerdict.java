package org.openbcs.fbft.protocol;

import org.openbcs.fbft.message.TimeoutEvidence;

/**
 * Proof of blame (R2.5): who failed round x, judged from the TC for x that a block records
 * ({@link TimeoutEvidence}). Every TC signer stated under its signature whether it voted in x,
 * that is, received and accepted x's proposal in time. At most f signers lie, so the verdict uses
 * the f + 1 threshold, which f false bits cannot cross when the honest signers agree:
 *
 * <ul>
 *   <li>at most f voted: at least one honest signer never accepted a proposal, so the proposer
 *       failed to deliver one (after GST an honest proposer reaches every honest replica before its
 *       timer runs out) - {@link Blame#PROPOSER};
 *   <li>at least f + 1 voted, and the proposer itself signed the TC: at least one honest replica
 *       accepted the proposal and the proposer was alive to time out, so the round was lost at
 *       the aggregator - {@link Blame#AGGREGATOR};
 *   <li>at least f + 1 voted but the proposer did not sign: no proof. Typically the proposer
 *       crashed half-way through its broadcast (some voted, some did not), where blaming the
 *       aggregator would punish an innocent replica; but an honest proposer's timeout can also
 *       miss the first q, or be left out by a faulty TC builder - {@link Blame#NONE}.
 * </ul>
 *
 * The argument that no honest replica is framed is in docs/spec/fbft.md, R2.5.
 */
public final class BlameVerdict {
  /** Who the evidence blames for the failed round. */
  public enum Blame {
    PROPOSER,
    AGGREGATOR,
    NONE
  }

  private BlameVerdict() {}

  /**
   * The verdict for a failed round whose proposer and aggregator (the next round's leader, who
   * collects its votes) are given, from well-formed evidence of a TC; {@link Blame#NONE} if the
   * evidence has fewer than a quorum of signers (then it proves nothing).
   */
  public static Blame of(TimeoutEvidence e, int proposer, int aggregator, int n, int f) {
    if (e.isNone() || !e.wellFormed(n) || e.signerCount() < n - f) {
      return Blame.NONE;
    }
    if (e.votedCount() <= f) {
      return Blame.PROPOSER;
    }
    return e.signed(proposer) ? Blame.AGGREGATOR : Blame.NONE;
  }

  /** The replica a verdict blames, or -1. */
  public static int blamed(Blame b, int proposer, int aggregator) {
    return switch (b) {
      case PROPOSER -> proposer;
      case AGGREGATOR -> aggregator;
      case NONE -> -1;
    };
  }
}
