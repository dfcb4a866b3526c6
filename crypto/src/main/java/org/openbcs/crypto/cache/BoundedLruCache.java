package org.openbcs.crypto.cache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.openbcs.common.Invariants;

/**
 * A thread-safe map holding at most {@link #capacity()} entries, evicting the least recently used.
 * It is split into independently locked stripes so that verifier threads do not queue on one lock;
 * recency is therefore per stripe, which is close enough to global LRU for a cache of this size.
 */
public final class BoundedLruCache<K, V> {
  /** Stripes for caches large enough to split; small caches get one stripe so the bound is exact. */
  private static final int STRIPES_MAX = 16;

  private final Stripe<K, V>[] stripes;
  private final int capacity;

  @SuppressWarnings("unchecked")
  public BoundedLruCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cache capacity must be >= 1, got " + capacity);
    }
    int stripeCount = capacity >= STRIPES_MAX * 64 ? STRIPES_MAX : 1;
    int perStripe = capacity / stripeCount;
    this.stripes = new Stripe[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new Stripe<>(perStripe);
    }
    this.capacity = perStripe * stripeCount;
    Invariants.check(this.capacity <= capacity, "striped capacity %d exceeds %d", this.capacity, capacity);
  }

  /** The hard bound on entries (may be slightly below the requested one, never above). */
  public int capacity() {
    return capacity;
  }

  public V get(K key) {
    Stripe<K, V> s = stripeOf(key);
    synchronized (s) {
      return s.get(key);
    }
  }

  public void put(K key, V value) {
    Stripe<K, V> s = stripeOf(key);
    synchronized (s) {
      s.put(key, value);
    }
  }

  /**
   * The cached value, or {@code load(key)} stored and returned. {@code load} runs outside the lock,
   * so two threads may both load the same key; the loader must be idempotent.
   */
  public V computeIfAbsent(K key, Function<? super K, ? extends V> load) {
    V cached = get(key);
    if (cached != null) {
      return cached;
    }
    V loaded = load.apply(key);
    if (loaded != null) {
      put(key, loaded);
    }
    return loaded;
  }

  public int size() {
    int n = 0;
    for (Stripe<K, V> s : stripes) {
      synchronized (s) {
        n += s.size();
      }
    }
    return n;
  }

  private Stripe<K, V> stripeOf(K key) {
    int h = key.hashCode();
    h ^= (h >>> 16);
    return stripes[Math.floorMod(h, stripes.length)];
  }

  private static final class Stripe<K, V> extends LinkedHashMap<K, V> {
    private final int max;

    Stripe(int max) {
      super(16, 0.75f, true);
      this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > max;
    }
  }
}
