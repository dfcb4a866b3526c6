package org.openbcs.fbft.ordering;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.openbcs.fbft.Authenticator;
import org.openbcs.fbft.Transport;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.FbftMessage.Checkpoint;
import org.openbcs.fbft.message.FbftMessage.CheckpointRequest;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.message.SigningBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ledger checkpoints between the orderers of one channel (spec R3.8). Each orderer remembers, for
 * the FBFT heights it applied recently, how many blocks its ledger held right after and the last
 * block's header hash, and answers requests for them with a signed {@link Checkpoint}. A state
 * transfer trusts a statement only when f + 1 distinct replicas signed the same one: at least one
 * of them is honest, and every honest orderer's ledger is the same function of the committed chain.
 *
 * <p>Runs on gRPC threads, outside the replica loop, so a replica blocked in a transfer can still
 * collect answers and answer others.
 */
final class CheckpointExchange {
  private static final Logger log = LoggerFactory.getLogger(CheckpointExchange.class);
  /** Heights remembered; the oldest go first. About 7 minutes of idle blocks at 100 ms. */
  static final int MAX_CHECKPOINTS = 4096;
  /** At most one answer per peer per interval; each costs a signature. */
  static final long MIN_ANSWER_INTERVAL_MILLIS = 20;

  /** A ledger position after an FBFT height. */
  record Position(long ledgerHeight, Digest tipHash) {}

  private final String channelId;
  private final int self;
  private final int quorumOfOne;
  private final Authenticator auth;
  private final MessageCodec codec;
  private final Transport transport;
  private final int n;
  private final TransferCounters counters;
  private final ConcurrentSkipListMap<Long, Position> positions = new ConcurrentSkipListMap<>();
  private final AtomicLongArray lastAnswerAt;
  private volatile Collector collecting;

  CheckpointExchange(String channelId, int n, int f, Authenticator auth, MessageCodec codec, Transport transport,
      TransferCounters counters) {
    this.channelId = channelId;
    this.self = auth.self();
    this.n = n;
    this.quorumOfOne = f + 1;
    this.auth = auth;
    this.codec = codec;
    this.transport = transport;
    this.counters = counters;
    this.lastAnswerAt = new AtomicLongArray(n);
    for (int i = 0; i < n; i++) {
      lastAnswerAt.set(i, Long.MIN_VALUE / 2);
    }
  }

  /** Called by the replica loop after it applied FBFT height {@code height}. */
  void record(long height, long ledgerHeight, Digest tipHash) {
    positions.put(height, new Position(ledgerHeight, tipHash));
    while (positions.size() > MAX_CHECKPOINTS) {
      positions.pollFirstEntry();
    }
  }

  Optional<Position> at(long height) {
    return Optional.ofNullable(positions.get(height));
  }

  /**
   * Handles a checkpoint message from {@code from}; returns false for any other message, which
   * belongs to the replica.
   */
  boolean offer(int from, byte[] bytes, long nowMillis) {
    if (!MessageCodec.isCheckpointMessage(bytes)) {
      return false;
    }
    switch (codec.decode(bytes)) {
      case MessageCodec.Decoded.Malformed bad -> {
        counters.count(TransferCounters.Reason.MALFORMED_CHECKPOINT);
        log.debug("channel={} malformed checkpoint message from {}: {}", channelId, from, bad.reason());
      }
      case MessageCodec.Decoded.Ok(CheckpointRequest r) -> answer(from, r.height(), nowMillis);
      case MessageCodec.Decoded.Ok(Checkpoint c) -> collect(c);
      case MessageCodec.Decoded.Ok ok -> counters.count(TransferCounters.Reason.MALFORMED_CHECKPOINT);
    }
    return true;
  }

  private void answer(int from, long height, long nowMillis) {
    long last = lastAnswerAt.get(from);
    if (nowMillis - last < MIN_ANSWER_INTERVAL_MILLIS || !lastAnswerAt.compareAndSet(from, last, nowMillis)) {
      counters.count(TransferCounters.Reason.CHECKPOINT_REQUEST_RATE_LIMITED);
      return;
    }
    Position p = positions.get(height);
    if (p == null) {
      return;
    }
    byte[] sig = auth.sign(SigningBytes.checkpoint(channelId, height, p.ledgerHeight(), p.tipHash()));
    transport.send(from, codec.encode(new Checkpoint(height, p.ledgerHeight(), p.tipHash(), self, sig)));
  }

  private void collect(Checkpoint c) {
    Collector target = collecting;
    if (target == null || c.height() != target.height) {
      counters.count(TransferCounters.Reason.UNSOLICITED_CHECKPOINT);
      return;
    }
    if (c.signer() < 0 || c.signer() >= n || c.signer() == self
        || !auth.verify(c.signer(), SigningBytes.checkpoint(channelId, c.height(), c.ledgerHeight(), c.ledgerTipHash()),
            c.signature())) {
      counters.count(TransferCounters.Reason.BAD_CHECKPOINT_SIGNATURE);
      return;
    }
    target.add(c.signer(), new Position(c.ledgerHeight(), c.ledgerTipHash()));
  }

  /**
   * Asks every peer for its checkpoint at {@code height} and waits up to {@code waitMillis} for
   * f + 1 identical signed answers. One collection at a time (the replica loop is the only caller).
   */
  Optional<Position> agree(long height, long waitMillis) throws InterruptedException {
    Collector c = new Collector(height);
    collecting = c;
    try {
      byte[] request = codec.encode(new CheckpointRequest(height));
      for (int to = 0; to < n; to++) {
        if (to != self) {
          transport.send(to, request);
        }
      }
      return c.await(waitMillis);
    } finally {
      collecting = null;
    }
  }

  /** Signed answers for one height, by signer; done when f + 1 signers state the same position. */
  private final class Collector {
    private final long height;
    private final Map<Integer, Position> bySigner = new HashMap<>();
    private Position agreed;

    Collector(long height) {
      this.height = height;
    }

    synchronized void add(int signer, Position p) {
      Position before = bySigner.putIfAbsent(signer, p);
      if (before != null) {
        return;
      }
      int same = 0;
      for (Position q : bySigner.values()) {
        if (q.equals(p)) {
          same++;
        }
      }
      if (same < bySigner.size()) {
        // Honest orderers cannot disagree about one height: someone lies. Keep waiting for f + 1.
        counters.count(TransferCounters.Reason.CONFLICTING_CHECKPOINT);
        log.warn("channel={} conflicting checkpoints at fbft height {}: {}", channelId, height, bySigner);
      }
      if (same >= quorumOfOne && agreed == null) {
        agreed = p;
        notifyAll();
      }
    }

    synchronized Optional<Position> await(long waitMillis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
      while (agreed == null) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return Optional.empty();
        }
        wait(left);
      }
      return Optional.of(agreed);
    }
  }
}
