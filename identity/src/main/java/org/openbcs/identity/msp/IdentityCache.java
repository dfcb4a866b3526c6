package org.openbcs.identity.msp;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validated identities by their exact serialized bytes, bounded. Validation results only change
 * with time (re-checked by the caller against the stored validity window) or with a new channel
 * config, which builds a new manager and so a new cache.
 */
final class IdentityCache {
  private final int capacity;
  private final ConcurrentHashMap<Key, MspVerifier.Validated> map;

  IdentityCache(int capacity) {
    this.capacity = capacity;
    this.map = new ConcurrentHashMap<>(Math.min(capacity, 1024));
  }

  /** Lookup without copying {@code serialized}. */
  MspVerifier.Validated get(byte[] serialized) {
    return map.get(new Key(serialized));
  }

  /**
   * Stores under a private copy of {@code serialized}, so later changes to the caller's array
   * cannot corrupt the key.
   */
  void put(byte[] serialized, MspVerifier.Validated value) {
    if (map.size() >= capacity) {
      // Evicting an arbitrary entry keeps the bound without LRU bookkeeping on the hit path;
      // a network's working set of creators and endorsers is far below the capacity.
      Iterator<Key> it = map.keySet().iterator();
      if (it.hasNext()) {
        map.remove(it.next());
      }
    }
    map.put(new Key(serialized.clone()), value);
  }

  void remove(byte[] serialized) {
    map.remove(new Key(serialized));
  }

  int size() {
    return map.size();
  }

  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
