package org.openbcs.ordering.solo;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.openbcs.common.log.LogContext;
import org.openbcs.ordering.blockcutter.BlockCutter;
import org.openbcs.ordering.spi.ChainSupport;
import org.openbcs.ordering.spi.Consenter;
import org.openbcs.ordering.spi.OrderingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fabric's solo consenter: one thread per channel takes messages from a bounded queue, feeds the
 * block cutter and writes each cut batch as a block; a batch timer cuts partial batches. For
 * development and single-orderer networks (no fault tolerance).
 */
public final class SoloConsenter implements Consenter {
  private static final Logger log = LoggerFactory.getLogger(SoloConsenter.class);

  /** Messages accepted but not yet ordered; beyond this Broadcast gets SERVICE_UNAVAILABLE. */
  public static final int QUEUE_CAPACITY_MAX = 10_000;

  /** What the consenter thread reacts to. Timer expiry is the poll timing out, not an event. */
  private sealed interface Event permits Message, Halt {}

  private record Message(Envelope envelope, long configSeq) implements Event {}

  private record Halt() implements Event {}

  private final ChainSupport chain;
  private final BlockCutter cutter;
  private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY_MAX);
  private final Thread thread;
  private volatile boolean halted;

  public SoloConsenter(ChainSupport chain) {
    this.chain = chain;
    this.cutter = new BlockCutter(chain.config().batch());
    this.thread =
        Thread.ofPlatform().name("solo-" + chain.channelId()).daemon(true).unstarted(this::run);
  }

  @Override
  public void start() {
    thread.start();
    log.info("channel={} solo consenter started at height {}", chain.channelId(), chain.height());
  }

  @Override
  public void order(Envelope envelope, long configSeq) {
    if (halted) {
      throw new OrderingException(
          Status.SERVICE_UNAVAILABLE, "consenter for channel " + chain.channelId() + " has halted");
    }
    if (!queue.offer(new Message(envelope, configSeq))) {
      throw new OrderingException(
          Status.SERVICE_UNAVAILABLE,
          "consenter for channel " + chain.channelId() + " is overloaded: "
              + QUEUE_CAPACITY_MAX + " messages waiting to be ordered");
    }
  }

  @Override
  public void halt() {
    if (halted) {
      return;
    }
    halted = true;
    // The queue may be full: interrupting wakes the thread whether or not Halt fits.
    if (!queue.offer(new Halt())) {
      thread.interrupt();
    }
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try (LogContext.Scope ctx = LogContext.channel(chain.channelId())) {
      runInContext();
    }
  }

  private void runInContext() {
    try {
      while (!halted) {
        Event event = next();
        if (event == null) {
          cutter.cutIfTimedOut(chain.time().monotonicNanos()).ifPresent(this::write);
          continue;
        }
        switch (event) {
          case Message m -> onMessage(m);
          case Halt h -> {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      halted = true;
      log.error("channel={} solo consenter stopped: {}", chain.channelId(), e.getMessage(), e);
    } finally {
      if (cutter.pendingCount() > 0) {
        log.info("channel={} solo consenter dropped {} uncut messages on halt", chain.channelId(), cutter.pendingCount());
      }
    }
  }

  /** The next event, or null when the batch timer expires first. */
  private Event next() throws InterruptedException {
    OptionalLong deadline = cutter.timeoutDeadlineNanos();
    if (deadline.isEmpty()) {
      return queue.take();
    }
    long waitNanos = deadline.getAsLong() - chain.time().monotonicNanos();
    if (waitNanos <= 0) {
      return null;
    }
    return queue.poll(waitNanos, TimeUnit.NANOSECONDS);
  }

  private void onMessage(Message m) {
    // Config updates are refused at Broadcast, so a solo chain never sees its sequence change;
    // a message validated against another sequence means the channel config moved under us.
    if (m.configSeq() != chain.configSequence()) {
      log.warn(
          "channel={} dropping message validated at config sequence {}, current {}",
          chain.channelId(), m.configSeq(), chain.configSequence());
      return;
    }
    BlockCutter.Result r = cutter.ordered(m.envelope(), chain.time().monotonicNanos());
    for (List<Envelope> batch : r.batches()) {
      write(batch);
    }
  }

  private void write(List<Envelope> batch) {
    if (batch.isEmpty()) {
      return;
    }
    chain.writeBlock(chain.createNextBlock(batch));
  }

  /** Exposed for tests and metrics: messages waiting in the queue. */
  public int queued() {
    return queue.size();
  }
}
