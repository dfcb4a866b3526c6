package org.openbcs.fbft.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/** Envelopes waiting to be proposed, in arrival order, bounded by maxEnvelopes (R5.2). */
final class Mempool {
  private final int maxEnvelopes;
  private final LinkedHashMap<ByteBuffer, byte[]> pending = new LinkedHashMap<>();

  Mempool(int maxEnvelopes) {
    this.maxEnvelopes = maxEnvelopes;
  }

  static ByteBuffer key(byte[] envelope) {
    return ByteBuffer.wrap(envelope).asReadOnlyBuffer();
  }

  /** False when full. A duplicate is accepted and ignored. */
  boolean add(byte[] envelope) {
    ByteBuffer k = key(envelope);
    if (pending.containsKey(k)) {
      return true;
    }
    if (pending.size() >= maxEnvelopes) {
      return false;
    }
    pending.put(k, envelope.clone());
    return true;
  }

  /** Up to {@code max} envelopes, oldest first, skipping those already in {@code inFlight}. */
  List<byte[]> take(int max, Set<ByteBuffer> inFlight) {
    List<byte[]> out = new ArrayList<>();
    for (var e : pending.entrySet()) {
      if (out.size() >= max) {
        break;
      }
      if (!inFlight.contains(e.getKey())) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  void removeCommitted(List<byte[]> envelopes) {
    for (byte[] e : envelopes) {
      pending.remove(key(e));
    }
  }

  int size() {
    return pending.size();
  }
}
