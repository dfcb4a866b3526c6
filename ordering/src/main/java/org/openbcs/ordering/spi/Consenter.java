package org.openbcs.ordering.spi;

import org.hyperledger.fabric.protos.common.Envelope;

/**
 * Orders the messages of one channel into blocks. One instance per channel, created by a {@link
 * ConsenterFactory} with the channel's {@link ChainSupport}; it cuts batches and hands them to the
 * chain support to build, sign and write blocks.
 *
 * <p>Threading: {@link #order} is called concurrently by Broadcast streams; implementations
 * serialise internally (solo: one thread and a bounded queue). Messages accepted by one caller
 * in sequence must be ordered in that sequence.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #order} any number of times, then {@link #halt}
 * (idempotent). After halt, {@link #order} fails with SERVICE_UNAVAILABLE.
 */
public interface Consenter {
  /** Starts the consenter's threads/timers. Blocks already in the chain are not replayed. */
  void start();

  /**
   * Accepts an already validated envelope (signature, size and type checked at Broadcast) for
   * ordering. Returns once the consenter has taken responsibility for it; the block that holds it
   * is written later.
   *
   * @param configSeq the channel config sequence the envelope was validated against; a consenter
   *     re-validates messages whose sequence is behind the current config
   * @throws OrderingException with SERVICE_UNAVAILABLE when halted or its queue is full
   */
  void order(Envelope envelope, long configSeq);

  /** Stops ordering; pending (uncut) messages are dropped, as in Fabric. Idempotent. */
  void halt();
}
