package org.openbcs.common;

/**
 * Outcome of a check that can legitimately fail on bad input: either accepted, or rejected with a
 * reason that reaches the caller, the logs and the metrics (never a bare boolean).
 */
public sealed interface Verdict {
  Verdict ACCEPT = new Accept();

  static Verdict accept() {
    return ACCEPT;
  }

  static Verdict reject(String reason) {
    return new Reject(reason);
  }

  static Verdict reject(String format, Object... args) {
    return new Reject(String.format(format, args));
  }

  default boolean accepted() {
    return this instanceof Accept;
  }

  /** The rejection reason, or "" when accepted. */
  default String reason() {
    return this instanceof Reject r ? r.why() : "";
  }

  record Accept() implements Verdict {}

  record Reject(String why) implements Verdict {}
}
