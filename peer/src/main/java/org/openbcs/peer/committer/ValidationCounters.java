package org.openbcs.peer.committer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/** Transactions seen per final TxValidationCode since start; a metrics exporter reads these. */
public final class ValidationCounters {
  /** A validation code is one byte in TRANSACTIONS_FILTER. */
  private static final int CODES = 256;

  private final AtomicLongArray counts = new AtomicLongArray(CODES);

  void add(byte[] finalCodes) {
    for (byte code : finalCodes) {
      counts.incrementAndGet(code & 0xff);
    }
  }

  public long count(TxValidationCode code) {
    return counts.get(code.getNumber());
  }

  /** Non-zero counts by code. */
  public Map<TxValidationCode, Long> snapshot() {
    Map<TxValidationCode, Long> out = new EnumMap<>(TxValidationCode.class);
    for (int i = 0; i < CODES; i++) {
      long n = counts.get(i);
      TxValidationCode code = TxValidationCode.forNumber(i);
      if (n > 0 && code != null) {
        out.put(code, n);
      }
    }
    return out;
  }
}
