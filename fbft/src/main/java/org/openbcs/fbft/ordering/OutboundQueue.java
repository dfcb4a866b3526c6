package org.openbcs.fbft.ordering;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The frames waiting for one peer, bounded twice: by count (drop-oldest) and by age. A frame older
 * than {@code maxAgeMillis} is discarded instead of sent. Without the age bound, a peer that comes
 * back after a long stop first received up to {@link #capacity} frames from rounds that timed out
 * long ago, one round trip each, before anything current (seconds of delay before it could even
 * ask for state transfer). Discarding them is safe: the protocol tolerates loss, and a replica
 * that is behind catches up from fresh certificates (R2.6) and sync (R3.4), not from old votes.
 */
final class OutboundQueue {
  private record Entry(byte[] frame, long enqueuedAt) {}

  private final int capacity;
  private final long maxAgeMillis;
  private final LongSupplier clock;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long droppedFull;
  private long droppedStale;
  private boolean closed;

  OutboundQueue(int capacity, long maxAgeMillis, LongSupplier clock) {
    if (capacity <= 0 || maxAgeMillis <= 0) {
      throw new IllegalArgumentException("capacity and max age must be positive: " + capacity + ", " + maxAgeMillis);
    }
    this.capacity = capacity;
    this.maxAgeMillis = maxAgeMillis;
    this.clock = clock;
  }

  synchronized void offer(byte[] frame) {
    if (closed) {
      return;
    }
    if (entries.size() == capacity) {
      entries.pollFirst();
      droppedFull++;
    }
    entries.addLast(new Entry(frame, clock.getAsLong()));
    notifyAll();
  }

  /**
   * The oldest frame that is still fresh, waiting until there is one; null once closed. Stale
   * frames met on the way are counted and discarded.
   */
  synchronized Pending take() throws InterruptedException {
    while (true) {
      if (closed) {
        return null;
      }
      Entry e = entries.pollFirst();
      if (e == null) {
        wait();
      } else if (isStale(e.enqueuedAt())) {
        droppedStale++;
      } else {
        return new Pending(e.frame(), e.enqueuedAt());
      }
    }
  }

  /** A frame taken for sending; a sender retrying it after failures asks whether it is still worth it. */
  record Pending(byte[] frame, long enqueuedAt) {}

  /** True when {@code p} has aged past the bound while its sender retried; counts it as dropped. */
  synchronized boolean expired(Pending p) {
    if (isStale(p.enqueuedAt())) {
      droppedStale++;
      return true;
    }
    return false;
  }

  private boolean isStale(long enqueuedAt) {
    return clock.getAsLong() - enqueuedAt > maxAgeMillis;
  }

  synchronized void close() {
    closed = true;
    entries.clear();
    notifyAll();
  }

  synchronized int size() {
    return entries.size();
  }

  synchronized long droppedFull() {
    return droppedFull;
  }

  synchronized long droppedStale() {
    return droppedStale;
  }
}
