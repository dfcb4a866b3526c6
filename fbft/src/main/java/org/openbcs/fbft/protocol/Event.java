package org.openbcs.fbft.protocol;

import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.wal.WalState;

/** Inputs to {@link FbftReplica#step}. */
public sealed interface Event {
  /**
   * Must be the first event: the durable state (EMPTY for a fresh replica) and the height up to
   * which the commit sink durably applied commits. Heights above it and at or below the WAL's
   * committed height were committed but never applied (a crash in between); the replica delivers
   * them again once it holds their blocks, or asks for a state transfer (R3.7).
   */
  record WalRecovered(WalState state, long deliveredHeight) implements Event {
    /** For sinks that apply every commit before the WAL records it durably (nothing to re-deliver). */
    public WalRecovered(WalState state) {
      this(state, Long.MAX_VALUE);
    }
  }

  /** A decoded message from an authenticated transport peer. */
  record MessageReceived(int from, FbftMessage message) implements Event {}

  /** Raw bytes; decoded by the replica so malformed input is a counted drop (R5.1). */
  record BytesReceived(int from, byte[] bytes) implements Event {}

  /** The timer scheduled for {@code round} fired. */
  record TimerFired(long round) implements Event {}

  /** An envelope submitted by a client to be ordered. */
  record ClientPayload(byte[] envelope) implements Event {}
}
