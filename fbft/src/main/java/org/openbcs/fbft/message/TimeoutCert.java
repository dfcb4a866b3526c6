package org.openbcs.fbft.message;

import java.util.List;

/** Proof that a quorum gave up on {@code round} (spec R2.4). */
public record TimeoutCert(long round, List<TimeoutSig> timeouts) {
  public TimeoutCert {
    timeouts = List.copyOf(timeouts);
  }

  /** The highest QC round any signer reported; a proposal justified by this TC must extend at least it (R1.3). */
  public long maxHighQcRound() {
    long max = 0;
    for (TimeoutSig t : timeouts) {
      max = Math.max(max, t.highQcRound());
    }
    return max;
  }
}
