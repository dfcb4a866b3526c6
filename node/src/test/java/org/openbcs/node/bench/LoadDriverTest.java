package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.common.time.TimeSource;

/** The driver against a fake transaction whose latency and outcome the test controls. */
@Timeout(60)
class LoadDriverTest {
  private final List<String> progress = new CopyOnWriteArrayList<>();
  private final LoadDriver driver = new LoadDriver(TimeSource.SYSTEM, progress::add);

  /** Blocks for {@code millis}, then commits in block seq / 10, or fails every {@code failEvery}-th. */
  private static LoadDriver.Transaction fake(long millis, int failEvery, AtomicInteger inFlight, AtomicInteger maxInFlight) {
    return seq -> {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(millis); // the fake's service time, not synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
      if (failEvery > 0 && seq % failEvery == 0) {
        return seq % (2L * failEvery) == 0 ? new Outcome.Invalid("MVCC_READ_CONFLICT", seq / 10) : new Outcome.Failed("ENDORSE:ABORTED", "boom " + seq);
      }
      return new Outcome.Committed(seq / 10);
    };
  }

  @Test
  void closedLoopMeasuresExactlyTheRequestedTransactionsWithBoundedConcurrency() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    LoadDriver.Window w = driver.run(new LoadDriver.Plan(8, Duration.ZERO, null, 400, 0), fake(5, 0, inFlight, max), LoadDriver.WindowListener.NONE);
    assertThat(w.submitted()).isEqualTo(400);
    assertThat(w.committed()).isEqualTo(400);
    assertThat(w.failures()).isEmpty();
    assertThat(w.latency().count()).isEqualTo(400);
    assertThat(w.latency().p50Ms()).isGreaterThanOrEqualTo(5.0);
    assertThat(max.get()).isLessThanOrEqualTo(8).isGreaterThan(1);
    assertThat(w.blocks()).isEqualTo(40);
    assertThat(w.committedTps()).isPositive();
  }

  @Test
  void failuresAreCountedByCause() throws Exception {
    LoadDriver.Window w = driver.run(new LoadDriver.Plan(4, Duration.ZERO, null, 200, 0),
        fake(1, 5, new AtomicInteger(), new AtomicInteger()), LoadDriver.WindowListener.NONE);
    assertThat(w.submitted()).isEqualTo(200);
    long failed = w.failures().values().stream().mapToLong(Long::longValue).sum();
    assertThat(w.committed() + failed).isEqualTo(200);
    assertThat(w.failures()).containsKeys("MVCC_READ_CONFLICT", "ENDORSE:ABORTED");
    assertThat(w.failureSamples().get("ENDORSE:ABORTED")).startsWith("boom");
  }

  @Test
  void warmupIsNotMeasuredAndTheWindowIsReportedToTheListener() throws Exception {
    AtomicLong opened = new AtomicLong();
    AtomicLong closed = new AtomicLong();
    LoadDriver.Window w = driver.run(new LoadDriver.Plan(4, Duration.ofMillis(300), Duration.ofMillis(700), 0, 0),
        fake(10, 0, new AtomicInteger(), new AtomicInteger()), new LoadDriver.WindowListener() {
          @Override
          public void opened() {
            opened.set(System.nanoTime());
          }

          @Override
          public void closed() {
            closed.set(System.nanoTime());
          }
        });
    assertThat(opened.get()).isPositive();
    assertThat(closed.get() - opened.get()).isBetween(600_000_000L, 2_000_000_000L);
    assertThat(w.seconds()).isEqualTo(0.7);
    // 4 clients x 10 ms each => about 400 TPS in an idle JVM; the window holds about 0.7 s of it, not the warm-up.
    assertThat(w.submitted()).isBetween(20L, 300L);
    assertThat(w.committedTps()).isBetween(20.0, 450.0);
  }

  @Test
  void openLoopPacesStartsAtTheTargetRate() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    LoadDriver.Window w = driver.run(new LoadDriver.Plan(50, Duration.ZERO, Duration.ofSeconds(1), 0, 100),
        fake(2, 0, inFlight, max), LoadDriver.WindowListener.NONE);
    // 100 TPS for 1 s, started on schedule: about 100, never the hundreds an unpaced loop would start.
    assertThat(w.submitted()).isEqualTo(100);
    assertThat(w.committed()).isEqualTo(w.submitted());
  }

  @Test
  void planNeedsExactlyOneStopCondition() {
    assertThatThrownBy(() -> new LoadDriver.Plan(1, Duration.ZERO, null, 0, 0)).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> new LoadDriver.Plan(1, Duration.ZERO, Duration.ofSeconds(1), 5, 0)).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> new LoadDriver.Plan(0, Duration.ZERO, null, 5, 0)).hasMessageContaining("--clients");
  }
}
