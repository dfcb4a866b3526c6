package org.openbcs.identity.msp;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IdentityCacheTest {
  private static final MspVerifier.Validated ANY =
      new MspVerifier.Validated(null, 0, Long.MAX_VALUE);

  @Property(tries = 50)
  void neverHoldsMoreThanItsCapacity(
      @ForAll @IntRange(min = 1, max = 50) int capacity,
      @ForAll @IntRange(min = 0, max = 200) int inserts) {
    IdentityCache cache = new IdentityCache(capacity);
    for (int i = 0; i < inserts; i++) {
      cache.put(new byte[] {(byte) i, (byte) (i >> 8)}, ANY);
      assertThat(cache.size()).isLessThanOrEqualTo(capacity);
    }
    assertThat(cache.size()).isEqualTo(Math.min(capacity, inserts));
  }

  @Test
  void looksUpByContentNotByArrayIdentity() {
    IdentityCache cache = new IdentityCache(10);
    byte[] key = {1, 2, 3};
    cache.put(key, ANY);
    assertThat(cache.get(new byte[] {1, 2, 3})).isSameAs(ANY);
    key[0] = 9; // the cache kept its own copy
    assertThat(cache.get(new byte[] {1, 2, 3})).isSameAs(ANY);
    assertThat(cache.get(key)).isNull();
  }
}
