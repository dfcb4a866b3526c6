package org.openbcs.common.time;

import java.time.Instant;

/** Injected wall clock and monotonic clock; protocol and ledger code never read the globals. */
public interface TimeSource {
  /** Milliseconds since the epoch, for timestamps that leave the process. */
  long wallMillis();

  /** Monotonic nanoseconds, for measuring intervals and timeouts. */
  long monotonicNanos();

  default Instant now() {
    return Instant.ofEpochMilli(wallMillis());
  }

  TimeSource SYSTEM =
      new TimeSource() {
        @Override
        public long wallMillis() {
          return System.currentTimeMillis();
        }

        @Override
        public long monotonicNanos() {
          return System.nanoTime();
        }
      };
}
