package org.openbcs.common;

/**
 * Always-on invariant checks. A failed check means the code is wrong, not the input: it throws
 * {@link InvariantViolation}, an {@link Error}, so that no catch-all for exceptions swallows it and
 * the node stops rather than corrupting the ledger. Check one condition per call so the message
 * names exactly what broke.
 */
public final class Invariants {
  private Invariants() {}

  public static void check(boolean condition, String message) {
    if (!condition) {
      throw new InvariantViolation(message);
    }
  }

  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new InvariantViolation(String.format(format, args));
    }
  }

  /** A broken invariant: the process must stop. */
  public static final class InvariantViolation extends Error {
    public InvariantViolation(String message) {
      super("invariant violated: " + message);
    }
  }
}
