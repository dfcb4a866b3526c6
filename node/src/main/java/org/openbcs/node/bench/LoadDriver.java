package org.openbcs.node.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.openbcs.common.time.TimeSource;

/**
 * Drives transactions with a bounded number in flight, either closed-loop (each client starts
 * its next transaction when the last one ends) or open-loop (starts paced at a target rate;
 * latency counts from the intended start, so a saturated system cannot hide its queueing).
 *
 * <p>A warm-up period runs first and is not measured. Transactions whose (intended) start falls
 * in the measurement window are measured through to their end, even if it comes after the window.
 */
final class LoadDriver {
  /** Longest wait for in-flight transactions after the window; client deadlines end them sooner. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);

  /** One transaction of a workload; blocking; never throws. */
  interface Transaction {
    Outcome run(long seq);
  }

  /** Told when the measurement window opens and closes (for CPU samples). */
  interface WindowListener {
    void opened();

    void closed();

    WindowListener NONE = new WindowListener() {
      @Override
      public void opened() {}

      @Override
      public void closed() {}
    };
  }

  /**
   * What to run: {@code duration} or {@code txCount} (exactly one set) after {@code warmup};
   * {@code rate} 0 means closed-loop.
   */
  record Plan(int clients, Duration warmup, Duration duration, long txCount, double rate) {
    Plan {
      if (clients < 1) {
        throw new IllegalArgumentException("--clients must be at least 1, got " + clients);
      }
      if ((duration == null) == (txCount <= 0)) {
        throw new IllegalArgumentException("give exactly one of a duration or a transaction count");
      }
      if (rate < 0) {
        throw new IllegalArgumentException("--rate must not be negative, got " + rate);
      }
    }

    boolean openLoop() {
      return rate > 0;
    }
  }

  /** What the window measured. */
  record Window(
      double seconds,
      long submitted,
      long committed,
      double committedTps,
      LatencyStats latency,
      Map<String, Long> failures,
      Map<String, String> failureSamples,
      long blocks) {}

  private final TimeSource time;
  private final Consumer<String> progress;

  LoadDriver(TimeSource time, Consumer<String> progress) {
    this.time = time;
    this.progress = progress;
  }

  Window run(Plan plan, Transaction tx, WindowListener listener) throws InterruptedException {
    Run r = new Run(plan, tx, time.monotonicNanos());
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(t -> {
      Thread th = new Thread(t, "bench-progress");
      th.setDaemon(true);
      return th;
    });
    ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    try {
      ticker.scheduleAtFixedRate(r::printProgress, 1, 1, TimeUnit.SECONDS);
      Thread pacer = null;
      if (plan.openLoop()) {
        pacer = Thread.ofPlatform().name("bench-pacer").start(() -> r.pace(clients));
      } else {
        for (int c = 0; c < plan.clients(); c++) {
          clients.execute(r::closedLoopClient);
        }
      }
      sleepUntil(r.measureStart);
      listener.opened();
      if (plan.duration() != null) {
        sleepUntil(r.measureStart + plan.duration().toNanos());
        r.stopIssuing.set(true);
        listener.closed();
      }
      if (pacer != null) {
        pacer.join();
      }
      clients.shutdown();
      if (!clients.awaitTermination(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        progress.accept("gave up waiting for in-flight transactions after " + DRAIN_TIMEOUT.toSeconds() + " s");
        clients.shutdownNow();
      }
      if (plan.duration() == null) {
        listener.closed();
      }
      ticker.shutdownNow();
      ticker.awaitTermination(1, TimeUnit.SECONDS);
      r.printProgress();
      return r.window();
    } finally {
      ticker.shutdownNow();
      clients.shutdownNow();
    }
  }

  private void sleepUntil(long deadlineNanos) throws InterruptedException {
    long left;
    while ((left = deadlineNanos - time.monotonicNanos()) > 0) {
      // Pacing the benchmark's own schedule, not synchronising with another thread.
      TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000L));
    }
  }

  /** The shared state of one run. */
  private final class Run {
    final Plan plan;
    final Transaction tx;
    final long begin;
    final long measureStart;
    final AtomicBoolean stopIssuing = new AtomicBoolean();
    final AtomicLong seq = new AtomicLong();
    final AtomicLong measuredStarted = new AtomicLong();
    final LongAdder totalStarted = new LongAdder();
    final LongAdder totalCommitted = new LongAdder();
    final LongAdder measuredCommitted = new LongAdder();
    final LongAdder committedInWindow = new LongAdder();
    final LongAccumulator lastMeasuredEnd = new LongAccumulator(Math::max, Long.MIN_VALUE);
    final LatencyRecorder latencies = new LatencyRecorder();
    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    final Map<String, String> failureSamples = new ConcurrentHashMap<>();
    final Map<Long, Boolean> blocks = new ConcurrentHashMap<>();
    long lastTickCommitted;

    Run(Plan plan, Transaction tx, long begin) {
      this.plan = plan;
      this.tx = tx;
      this.begin = begin;
      this.measureStart = begin + plan.warmup().toNanos();
    }

    long windowEnd() {
      return plan.duration() != null ? measureStart + plan.duration().toNanos() : Long.MAX_VALUE;
    }

    /** Claims the right to start a transaction intended at {@code start}; false once the run is over. */
    boolean admit(long start) {
      // An open loop that fell behind its schedule still starts every transaction scheduled
      // inside the window (late, with the delay in its latency); only the schedule ends it.
      if (start >= windowEnd() || (!plan.openLoop() && stopIssuing.get())) {
        return false;
      }
      if (plan.txCount() > 0 && start >= measureStart && measuredStarted.incrementAndGet() > plan.txCount()) {
        stopIssuing.set(true);
        return false;
      }
      return true;
    }

    void closedLoopClient() {
      while (true) {
        long start = time.monotonicNanos();
        if (!admit(start)) {
          return;
        }
        execute(start);
      }
    }

    void pace(ExecutorService clients) {
      Semaphore inFlight = new Semaphore(plan.clients());
      double intervalNanos = 1e9 / plan.rate();
      for (long i = 0; ; i++) {
        long intended = begin + (long) (i * intervalNanos);
        long wait;
        while ((wait = intended - time.monotonicNanos()) > 0) {
          LockSupport.parkNanos(wait);
        }
        if (!admit(intended)) {
          return;
        }
        try {
          inFlight.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        clients.execute(() -> {
          try {
            execute(intended);
          } finally {
            inFlight.release();
          }
        });
      }
    }

    void execute(long start) {
      totalStarted.increment();
      Outcome outcome = tx.run(seq.getAndIncrement());
      long end = time.monotonicNanos();
      boolean ok = outcome instanceof Outcome.Committed;
      if (ok) {
        totalCommitted.increment();
        if (end >= measureStart && end <= windowEnd()) {
          committedInWindow.increment();
        }
      }
      if (start < measureStart) {
        return;
      }
      lastMeasuredEnd.accumulate(end);
      if (plan.txCount() == 0) {
        measuredStarted.incrementAndGet();
      }
      switch (outcome) {
        case Outcome.Committed c -> {
          measuredCommitted.increment();
          latencies.record(end - start);
          if (c.block() >= 0) {
            blocks.put(c.block(), Boolean.TRUE);
          }
        }
        case Outcome.Invalid inv -> {
          fail(inv.code(), "committed invalid in block " + inv.block());
          blocks.put(inv.block(), Boolean.TRUE);
        }
        case Outcome.Failed f -> fail(f.cause(), f.message());
      }
    }

    void fail(String cause, String sample) {
      failures.computeIfAbsent(cause, k -> new LongAdder()).increment();
      failureSamples.putIfAbsent(cause, sample);
    }

    void printProgress() {
      long now = time.monotonicNanos();
      long committed = totalCommitted.sum();
      long tps = committed - lastTickCommitted;
      lastTickCommitted = committed;
      String phase = now < measureStart ? "warmup" : stopIssuing.get() ? "drain" : "measure";
      progress.accept(String.format("%5.0fs %-7s submitted %8d  committed %8d  tps %6d",
          (now - begin) / 1e9, phase, totalStarted.sum(), committed, tps));
    }

    Window window() {
      long submitted = plan.txCount() > 0 ? Math.min(measuredStarted.get(), plan.txCount()) : measuredStarted.get();
      long committed = measuredCommitted.sum();
      double seconds;
      double tps;
      if (plan.duration() != null) {
        seconds = plan.duration().toNanos() / 1e9;
        tps = committedInWindow.sum() / seconds;
      } else {
        long end = lastMeasuredEnd.get();
        seconds = end == Long.MIN_VALUE ? 0 : (end - measureStart) / 1e9;
        tps = seconds > 0 ? committed / seconds : 0;
      }
      Map<String, Long> f = new TreeMap<>();
      failures.forEach((k, v) -> f.put(k, v.sum()));
      return new Window(seconds, submitted, committed, tps, latencies.stats(), f, new TreeMap<>(failureSamples), blocks.size());
    }
  }
}
