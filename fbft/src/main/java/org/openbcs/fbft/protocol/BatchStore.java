package org.openbcs.fbft.protocol;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage.Batch;

/**
 * Batches this replica holds (R9.2), by digest. Uncommitted batches count against their creator's
 * quota, so a Byzantine creator can fill only its own share; committed ones are kept for
 * {@code retainHeights} heights (peers re-deliver and fetch them, R9.7) and then dropped.
 */
final class BatchStore {
  /** Uncommitted batches kept per creator (R9.2). */
  static final int MAX_UNCOMMITTED_PER_CREATOR = 256;

  private record Held(Batch batch, long committedAt) {}

  enum Added { ADDED, ALREADY_HELD, QUOTA_FULL }

  private final LinkedHashMap<Digest, Held> batches = new LinkedHashMap<>();
  private final Map<Integer, Integer> uncommittedPerCreator = new HashMap<>();
  private final long retainHeights;

  BatchStore(long retainHeights) {
    this.retainHeights = retainHeights;
  }

  /**
   * Stores an uncommitted batch. When its creator's quota is full, the oldest of the creator's
   * batches for which {@code evictable} holds makes room (those nobody certified to us); if there
   * is none the batch is refused. {@code force} skips the quota: for batches a certificate proves
   * (fetched by request, R9.5), which honest replicas' quotas already bounded.
   */
  Added add(Digest digest, Batch b, boolean force, Predicate<Digest> evictable) {
    if (batches.containsKey(digest)) {
      return Added.ALREADY_HELD;
    }
    int count = uncommittedPerCreator.getOrDefault(b.creator(), 0);
    if (!force && count >= MAX_UNCOMMITTED_PER_CREATOR) {
      Digest victim = null;
      for (var e : batches.entrySet()) {
        Held h = e.getValue();
        if (h.committedAt() < 0 && h.batch().creator() == b.creator() && evictable.test(e.getKey())) {
          victim = e.getKey();
          break;
        }
      }
      if (victim == null) {
        return Added.QUOTA_FULL;
      }
      batches.remove(victim);
      count--;
    }
    batches.put(digest, new Held(b, -1));
    uncommittedPerCreator.put(b.creator(), count + 1);
    return Added.ADDED;
  }

  Optional<Batch> get(Digest digest) {
    Held h = batches.get(digest);
    return h == null ? Optional.empty() : Optional.of(h.batch());
  }

  boolean contains(Digest digest) {
    return batches.containsKey(digest);
  }

  /** Marks a held batch committed at {@code height}; it no longer counts against its creator's quota. */
  void markCommitted(Digest digest, long height) {
    Held h = batches.get(digest);
    if (h == null || h.committedAt() >= 0) {
      return;
    }
    batches.put(digest, new Held(h.batch(), height));
    uncommittedPerCreator.merge(h.batch().creator(), -1, Integer::sum);
  }

  /** Drops batches committed more than the retain window below {@code committedHeight}. */
  void gc(long committedHeight) {
    for (Iterator<Held> it = batches.values().iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (h.committedAt() >= 0 && h.committedAt() < committedHeight - retainHeights) {
        it.remove();
      }
    }
  }

  int size() {
    return batches.size();
  }
}
