package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  private static final long MS = 1_000_000;

  @Test
  void nearestRankPercentilesOfOneToHundredMilliseconds() {
    long[] nanos = LongStream.rangeClosed(1, 100).map(i -> (101 - i) * MS).toArray(); // unsorted on purpose
    LatencyStats s = LatencyStats.ofNanos(nanos, nanos.length);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50Ms()).isEqualTo(50.0);
    assertThat(s.p95Ms()).isEqualTo(95.0);
    assertThat(s.p99Ms()).isEqualTo(99.0);
    assertThat(s.maxMs()).isEqualTo(100.0);
    assertThat(s.meanMs()).isEqualTo(50.5);
  }

  @Test
  void singleSampleIsEveryPercentile() {
    LatencyStats s = LatencyStats.ofNanos(new long[] {7 * MS}, 1);
    assertThat(s.p50Ms()).isEqualTo(7.0);
    assertThat(s.p99Ms()).isEqualTo(7.0);
  }

  @Test
  void onlyTheGivenLengthCounts() {
    LatencyStats s = LatencyStats.ofNanos(new long[] {3 * MS, 1 * MS, 999 * MS}, 2);
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.maxMs()).isEqualTo(3.0);
  }

  @Test
  void noSamplesIsEmpty() {
    assertThat(LatencyStats.ofNanos(new long[0], 0)).isEqualTo(LatencyStats.EMPTY);
    assertThatThrownBy(() -> LatencyStats.percentile(new long[0], 0, 50)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void percentilesAreOrderedAndBounded(@ForAll @Size(min = 1, max = 500) long[] raw, @ForAll @LongRange(min = 1, max = 1000) long scale) {
    long[] nanos = LongStream.of(raw).map(v -> Math.floorMod(v, 10_000_000_000L) / scale).toArray();
    long min = LongStream.of(nanos).min().orElseThrow();
    LatencyStats s = LatencyStats.ofNanos(nanos.clone(), nanos.length);
    assertThat(s.p50Ms()).isLessThanOrEqualTo(s.p95Ms());
    assertThat(s.p95Ms()).isLessThanOrEqualTo(s.p99Ms());
    assertThat(s.p99Ms()).isLessThanOrEqualTo(s.maxMs());
    assertThat(s.p50Ms()).isGreaterThanOrEqualTo(Math.round(min / 1_000.0) / 1_000.0);
  }

  @Test
  void recorderCollectsFromManyThreads() throws Exception {
    LatencyRecorder r = new LatencyRecorder();
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = Thread.ofPlatform().start(() -> {
        for (int i = 1; i <= 1000; i++) {
          r.record(i * MS);
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    LatencyStats s = r.stats();
    assertThat(s.count()).isEqualTo(8000);
    assertThat(s.p50Ms()).isEqualTo(500.0);
    assertThat(s.maxMs()).isEqualTo(1000.0);
    assertThat(r.dropped()).isZero();
  }
}
