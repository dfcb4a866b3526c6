package org.openbcs.ordering.server;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service's lifecycle as a checked state machine:
 *
 * <pre>
 * NEW -> STARTING -> RUNNING -> CLOSING -> CLOSED
 *           |                      ^
 *           +-------> FAILED ------+
 * </pre>
 */
final class LifeCycle {
  enum State {
    NEW,
    STARTING,
    RUNNING,
    FAILED,
    CLOSING,
    CLOSED
  }

  private static final Map<State, Set<State>> PREDECESSORS =
      Map.of(
          State.NEW, EnumSet.noneOf(State.class),
          State.STARTING, EnumSet.of(State.NEW),
          State.RUNNING, EnumSet.of(State.STARTING),
          State.FAILED, EnumSet.of(State.STARTING),
          State.CLOSING, EnumSet.of(State.RUNNING, State.FAILED),
          State.CLOSED, EnumSet.of(State.CLOSING));

  private final String name;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  LifeCycle(String name) {
    this.name = name;
  }

  State state() {
    return state.get();
  }

  /** Moves to {@code next}; throws if the current state may not lead there. */
  void transition(State next) {
    State current = state.get();
    if (!PREDECESSORS.get(next).contains(current) || !state.compareAndSet(current, next)) {
      throw new IllegalStateException(name + ": cannot go from " + current + " to " + next);
    }
  }

  /** Moves to {@code next} if the current state allows it; returns whether it did. */
  boolean tryTransition(State next) {
    State current = state.get();
    return PREDECESSORS.get(next).contains(current) && state.compareAndSet(current, next);
  }
}
