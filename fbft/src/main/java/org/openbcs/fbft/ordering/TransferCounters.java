package org.openbcs.fbft.ordering;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Why checkpoint messages and transferred blocks were refused or a source abandoned (spec R3.8). */
final class TransferCounters {
  enum Reason {
    MALFORMED_CHECKPOINT,
    BAD_CHECKPOINT_SIGNATURE,
    UNSOLICITED_CHECKPOINT,
    CONFLICTING_CHECKPOINT,
    CHECKPOINT_REQUEST_RATE_LIMITED,
    NO_CHECKPOINT_QUORUM,
    FETCH_FAILED,
    BAD_DATA_HASH,
    BROKEN_HASH_CHAIN,
    TIP_MISMATCH,
    HEADER_MISMATCH
  }

  private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);

  void count(Reason r) {
    counts.incrementAndGet(r.ordinal());
  }

  long get(Reason r) {
    return counts.get(r.ordinal());
  }

  Map<Reason, Long> snapshot() {
    Map<Reason, Long> out = new EnumMap<>(Reason.class);
    for (Reason r : Reason.values()) {
      long c = counts.get(r.ordinal());
      if (c > 0) {
        out.put(r, c);
      }
    }
    return out;
  }
}
