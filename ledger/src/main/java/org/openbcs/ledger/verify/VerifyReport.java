package org.openbcs.ledger.verify;

import java.util.List;
import java.util.Optional;

/**
 * Outcome of a ledger audit. {@code problem} is the first inconsistency found (a tampered or corrupted
 * block, index entry or state key), absent when the ledger is consistent; {@code notes} are benign
 * findings such as a torn tail or lagging state that open would repair.
 */
public record VerifyReport(long blocks, long transactions, long keys, Optional<String> problem, List<String> notes) {
  public boolean ok() {
    return problem.isEmpty();
  }

  /** The one line the CLI prints. */
  public String summary() {
    return problem.orElseGet(() -> "ledger OK: " + blocks + " blocks, " + transactions + " transactions, " + keys + " keys");
  }
}
