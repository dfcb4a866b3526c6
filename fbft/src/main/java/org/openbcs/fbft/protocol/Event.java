package org.openbcs.fbft.protocol;

import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.wal.WalState;

/** Inputs to {@link FbftReplica#step}. */
public sealed interface Event {
  /** Must be the first event: the durable state (EMPTY for a fresh replica). */
  record WalRecovered(WalState state) implements Event {}

  /** A decoded message from an authenticated transport peer. */
  record MessageReceived(int from, FbftMessage message) implements Event {}

  /** Raw bytes; decoded by the replica so malformed input is a counted drop (R5.1). */
  record BytesReceived(int from, byte[] bytes) implements Event {}

  /** The timer scheduled for {@code round} fired. */
  record TimerFired(long round) implements Event {}

  /** An envelope submitted by a client to be ordered. */
  record ClientPayload(byte[] envelope) implements Event {}
}
