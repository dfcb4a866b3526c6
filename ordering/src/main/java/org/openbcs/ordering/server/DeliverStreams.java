package org.openbcs.ordering.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker threads of open Deliver streams, so shutdown can wake those blocked waiting for
 * blocks. Finished threads remove themselves lazily (on the next track).
 */
final class DeliverStreams {
  /** Open Deliver streams this orderer serves at once; more are refused with UNAVAILABLE. */
  static final int STREAMS_MAX = 4_096;

  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();

  /** Whether another stream may open. */
  boolean hasRoom() {
    workers.removeIf(t -> !t.isAlive() && t.getState() != Thread.State.NEW);
    return workers.size() < STREAMS_MAX;
  }

  void track(Thread worker) {
    workers.add(worker);
  }

  void interruptAll() {
    workers.forEach(Thread::interrupt);
  }
}
