package org.openbcs.fbft;

/**
 * Delivers {@code Event.TimerFired(round)} to the replica at or after {@code atMillis}. A later
 * schedule for the same round replaces nothing; the replica ignores stale timers itself.
 */
public interface TimerService {
  void schedule(long round, long atMillis);
}
