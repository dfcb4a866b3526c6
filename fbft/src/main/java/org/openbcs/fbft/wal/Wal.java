package org.openbcs.fbft.wal;

/**
 * The replica's write-ahead log port. {@link #append} may buffer; only {@link #sync} promises
 * durability. The driver calls {@code sync} before any send that follows an append (spec R3.5).
 */
public interface Wal extends AutoCloseable {
  void append(WalRecord record);

  /** Makes every appended record durable (fsync for files). */
  void sync();

  /** The state folded from the durable records. */
  WalState recover();

  @Override
  default void close() {}
}
