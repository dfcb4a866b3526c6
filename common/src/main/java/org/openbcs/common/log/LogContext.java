package org.openbcs.common.log;

import java.util.Objects;
import org.slf4j.MDC;

/**
 * Structured log context: the channel, block number and transaction id that a log line is about,
 * kept in SLF4J's MDC so every line written inside a scope carries them as fields (the node's
 * logback pattern prints {@code %mdc}), whatever logger writes it.
 *
 * <p>The MDC is per thread. A scope covers the synchronous work of one block or one request on the
 * current thread; it restores the previous values on close, so scopes nest (a channel scope on a
 * long-lived thread, a block scope inside it). Work handed to another thread opens its own scope.
 */
public final class LogContext {
  public static final String CHANNEL = "channel";
  public static final String BLOCK = "block";
  public static final String TX_ID = "txid";

  private LogContext() {}

  /** Context for work on {@code channel}. */
  public static Scope channel(String channel) {
    return new Scope(channel, null, null);
  }

  /** Context for work on block {@code blockNumber} of {@code channel}. */
  public static Scope block(String channel, long blockNumber) {
    return new Scope(channel, Long.toString(blockNumber), null);
  }

  /** Context for work on transaction {@code txId} of {@code channel}. */
  public static Scope tx(String channel, String txId) {
    return new Scope(channel, null, txId);
  }

  /** Values set by this scope; closing it puts back what was there before. */
  public static final class Scope implements AutoCloseable {
    private final String previousChannel;
    private final String previousBlock;
    private final String previousTx;
    private boolean closed;

    private Scope(String channel, String block, String txId) {
      previousChannel = MDC.get(CHANNEL);
      previousBlock = MDC.get(BLOCK);
      previousTx = MDC.get(TX_ID);
      set(CHANNEL, channel);
      if (block != null) {
        set(BLOCK, block);
      }
      if (txId != null) {
        set(TX_ID, txId);
      }
    }

    /** Adds (or replaces) the tx id inside this scope, for work that learns it after opening. */
    public Scope withTx(String txId) {
      set(TX_ID, txId);
      return this;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      set(CHANNEL, previousChannel);
      set(BLOCK, previousBlock);
      set(TX_ID, previousTx);
    }

    private static void set(String key, String value) {
      if (value == null || value.isEmpty()) {
        MDC.remove(key);
      } else {
        MDC.put(key, Objects.requireNonNull(value));
      }
    }
  }
}
