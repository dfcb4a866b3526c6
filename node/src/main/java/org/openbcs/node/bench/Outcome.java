package org.openbcs.node.bench;

/** How one benchmark transaction ended. */
sealed interface Outcome {
  /** Committed VALID in {@code block}; evaluations have no block ({@code -1}). */
  record Committed(long block) implements Outcome {}

  /** Ordered and committed, but invalidated with validation code {@code code}. */
  record Invalid(String code, long block) implements Outcome {}

  /** Never reached the ledger: {@code cause} is STAGE:grpc-status, {@code message} the server's reason. */
  record Failed(String cause, String message) implements Outcome {}
}
