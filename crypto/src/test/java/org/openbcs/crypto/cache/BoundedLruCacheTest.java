package org.openbcs.crypto.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BoundedLruCacheTest {
  @Test
  void evictsTheLeastRecentlyUsed() {
    BoundedLruCache<String, Integer> cache = new BoundedLruCache<>(3);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    assertThat(cache.get("a")).isEqualTo(1); // a is now the most recent
    cache.put("d", 4);
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("a")).isEqualTo(1);
    assertThat(cache.get("c")).isEqualTo(3);
    assertThat(cache.get("d")).isEqualTo(4);
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  @Timeout(30)
  void neverExceedsItsBoundUnderConcurrentWriters() throws Exception {
    BoundedLruCache<Integer, Integer> cache = new BoundedLruCache<>(5_000);
    assertThat(cache.capacity()).isLessThanOrEqualTo(5_000).isGreaterThan(4_900);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?>[] writers = new Future<?>[4];
      for (int w = 0; w < writers.length; w++) {
        int base = w * 1_000_000;
        writers[w] =
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 20_000; i++) {
                    cache.put(base + i, i);
                  }
                  return null;
                });
      }
      start.countDown();
      for (Future<?> f : writers) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.size()).isEqualTo(cache.capacity());
    cache.put(-1, -1);
    assertThat(cache.get(-1)).isEqualTo(-1);
    assertThat(cache.size()).isEqualTo(cache.capacity());
  }
}
