package org.openbcs.ledger.state;

import java.util.Arrays;

/** A range of state keys (namespace prefix included): {@code [from, to)} or {@code [from, to]}. */
public record KeyRange(byte[] from, byte[] to, boolean toInclusive) {
  /**
   * The state-key range of {@code [startKey, endKey)} in {@code namespace}; {@code endKey} "" means
   * the end of the namespace. {@code endInclusive} is for re-running a range query that stopped early.
   */
  public static KeyRange of(String namespace, String startKey, String endKey, boolean endInclusive) {
    byte[] from = StateCodec.stateKey(namespace, startKey);
    if (endKey.isEmpty()) {
      return new KeyRange(from, StateCodec.namespaceEnd(namespace), false);
    }
    return new KeyRange(from, StateCodec.stateKey(namespace, endKey), endInclusive);
  }

  public boolean belowEnd(byte[] key) {
    int c = Arrays.compareUnsigned(key, to);
    return toInclusive ? c <= 0 : c < 0;
  }
}
