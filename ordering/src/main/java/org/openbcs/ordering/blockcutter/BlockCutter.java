package org.openbcs.ordering.blockcutter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.hyperledger.fabric.protos.common.Envelope;
import org.openbcs.common.Invariants;
import org.openbcs.ordering.channel.ChannelConfig.BatchSettings;

/**
 * Fabric's block cutter: groups ordered envelopes into batches by message count, preferred size
 * and a batch timeout. Pure: the caller passes the monotonic time, so tests drive the timer.
 *
 * <p>A message larger than the preferred size goes alone in its own batch (after cutting what is
 * pending); a message that would push the pending batch over the preferred size cuts the pending
 * batch first. The timer starts with the first message of a pending batch. Messages above the
 * absolute maximum are rejected earlier, at Broadcast; see {@link #admits(int)}.
 *
 * <p>Not thread-safe: one consenter thread owns it.
 */
public final class BlockCutter {
  private final BatchSettings settings;
  private final long batchTimeoutNanos;
  private final List<Envelope> pending = new ArrayList<>();
  private long pendingBytes;
  private long pendingSinceNanos;

  /** The batches cut by one {@link #ordered} call (0, 1 or 2) and whether messages remain pending. */
  public record Result(List<List<Envelope>> batches, boolean pending) {
    public Result {
      batches = List.copyOf(batches);
    }
  }

  public BlockCutter(BatchSettings settings) {
    validate(settings);
    this.settings = settings;
    this.batchTimeoutNanos = settings.batchTimeout().toNanos();
  }

  /** Rejects settings Fabric would refuse: a cutter with them could not make progress. */
  public static void validate(BatchSettings s) {
    if (s.maxMessageCount() <= 0) {
      throw new IllegalArgumentException("batch max message count must be > 0, got " + s.maxMessageCount());
    }
    if (s.absoluteMaxBytes() <= 0) {
      throw new IllegalArgumentException("batch absolute max bytes must be > 0, got " + s.absoluteMaxBytes());
    }
    if (s.preferredMaxBytes() <= 0) {
      throw new IllegalArgumentException("batch preferred max bytes must be > 0, got " + s.preferredMaxBytes());
    }
    if (s.preferredMaxBytes() > s.absoluteMaxBytes()) {
      throw new IllegalArgumentException(
          "batch preferred max bytes " + s.preferredMaxBytes() + " exceeds absolute max bytes " + s.absoluteMaxBytes());
    }
    if (s.batchTimeout() == null || s.batchTimeout().isNegative() || s.batchTimeout().isZero()) {
      throw new IllegalArgumentException("batch timeout must be positive, got " + s.batchTimeout());
    }
  }

  /** Whether a message of {@code sizeBytes} may be ordered at all (absolute max bytes). */
  public boolean admits(int sizeBytes) {
    return sizeBytes <= settings.absoluteMaxBytes();
  }

  /** Adds one ordered message at monotonic time {@code nowNanos}; returns the batches it cut. */
  public Result ordered(Envelope message, long nowNanos) {
    int size = message.getSerializedSize();
    List<List<Envelope>> batches = new ArrayList<>(2);
    if (size > settings.preferredMaxBytes()) {
      if (!pending.isEmpty()) {
        batches.add(cut());
      }
      batches.add(List.of(message));
      return new Result(batches, false);
    }
    if (pendingBytes + size > settings.preferredMaxBytes()) {
      batches.add(cut());
    }
    if (pending.isEmpty()) {
      pendingSinceNanos = nowNanos;
    }
    pending.add(message);
    pendingBytes += size;
    if (pending.size() >= settings.maxMessageCount()) {
      batches.add(cut());
    }
    Invariants.check(pending.size() < settings.maxMessageCount(), "pending batch reached max count");
    return new Result(batches, !pending.isEmpty());
  }

  /** Cuts and returns whatever is pending (possibly empty); stops the timer. */
  public List<Envelope> cut() {
    List<Envelope> batch = List.copyOf(pending);
    pending.clear();
    pendingBytes = 0;
    return batch;
  }

  /** When the pending batch times out, if anything is pending. */
  public OptionalLong timeoutDeadlineNanos() {
    return pending.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(pendingSinceNanos + batchTimeoutNanos);
  }

  /** The pending batch if its timer expired by {@code nowNanos}. */
  public Optional<List<Envelope>> cutIfTimedOut(long nowNanos) {
    if (pending.isEmpty() || nowNanos - pendingSinceNanos < batchTimeoutNanos) {
      return Optional.empty();
    }
    return Optional.of(cut());
  }

  public int pendingCount() {
    return pending.size();
  }

  public long pendingBytes() {
    return pendingBytes;
  }
}
