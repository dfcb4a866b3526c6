package org.openbcs.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.openbcs.common.time.TimeSource;

/** A wall clock tests move by hand. */
public final class TestClock implements TimeSource {
  private final AtomicLong wallMillis;

  public TestClock(Instant start) {
    this.wallMillis = new AtomicLong(start.toEpochMilli());
  }

  public static TestClock at(Instant start) {
    return new TestClock(start);
  }

  public void advance(Duration d) {
    wallMillis.addAndGet(d.toMillis());
  }

  public void set(Instant t) {
    wallMillis.set(t.toEpochMilli());
  }

  @Override
  public long wallMillis() {
    return wallMillis.get();
  }

  @Override
  public long monotonicNanos() {
    return wallMillis.get() * 1_000_000L;
  }
}
