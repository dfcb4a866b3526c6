package org.openbcs.fbft.ordering;

import java.util.HashMap;
import java.util.List;
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
 * the FBFT heights it applied, how many blocks its ledger held right after and the last block's
 * header hash, and answers requests for them with a signed {@link Checkpoint}. A state transfer
 * trusts a statement only when f + 1 distinct replicas signed the same one: at least one of them
 * is honest, and every honest orderer's ledger is the same function of the committed chain.
 *
 * <p>Only the heights at which the ledger changed are kept (most heights are empty rounds): the
 * position after height h is that of the newest change at or below h, for h up to the last applied
 * height. With a {@link CheckpointLog} attached the changes survive restarts, so an orderer can
 * still vouch for heights it applied before it restarted; where a crash lost records, a gap marker
 * makes those heights unknown rather than wrong.
 *
 * <p>Runs on gRPC threads, outside the replica loop, so a replica blocked in a transfer can still
 * collect answers and answer others.
 */
final class CheckpointExchange {
  private static final Logger log = LoggerFactory.getLogger(CheckpointExchange.class);
  /** Ledger changes remembered (one per Fabric block); the oldest go first. */
  static final int MAX_CHECKPOINTS = 4096;
  private static final Position GAP = new Position(-1, CheckpointLog.Entry.NO_HASH);
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
  /** Heights at which the ledger changed, with the position after them; {@link #GAP} where unknown. */
  private final ConcurrentSkipListMap<Long, Position> positions = new ConcurrentSkipListMap<>();
  /** The last applied height; set after its position is in {@link #positions}. */
  private volatile long applied = -1;
  private CheckpointLog persisted;
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

  /**
   * Called once by the replica loop before its first {@link #record}: restores the positions
   * {@code opened} holds and states where the ledger stands after {@code appliedHeight}. Records the
   * log lost (the ledger moved on since its last one) become a gap: unknown, never guessed.
   */
  synchronized void startAt(CheckpointLog.Opened opened, long appliedHeight, long ledgerHeight, Digest tipHash) {
    boolean beyondApplied = false;
    for (CheckpointLog.Entry e : opened.entries()) {
      if (e.fbftHeight() <= appliedHeight) {
        positions.put(e.fbftHeight(), e.isGap() ? GAP : new Position(e.ledgerHeight(), e.tipHash()));
      } else {
        beyondApplied = true;
      }
    }
    persisted = opened.log();
    if (beyondApplied) {
      // Never true statements about heights this orderer has not applied; drop them from the file
      // too, or they would resurface once it applies those heights with a different ledger.
      log.warn("channel={} checkpoint log held positions beyond applied fbft height {}; dropped", channelId,
          appliedHeight);
      persisted.rewrite(snapshot());
    }
    Position now = new Position(ledgerHeight, tipHash);
    var last = positions.lastEntry();
    if (last == null || !last.getValue().equals(now)) {
      if (last != null && last.getKey() + 1 < appliedHeight) {
        put(last.getKey() + 1, GAP);
      }
      put(appliedHeight, now);
    }
    applied = appliedHeight;
  }

  /** Called by the replica loop after it applied FBFT height {@code height}. */
  synchronized void record(long height, long ledgerHeight, Digest tipHash) {
    Position p = new Position(ledgerHeight, tipHash);
    var last = positions.lastEntry();
    if (last == null || !last.getValue().equals(p)) {
      put(height, p);
    }
    applied = Math.max(applied, height);
  }

  private void put(long height, Position p) {
    positions.put(height, p);
    while (positions.size() > MAX_CHECKPOINTS) {
      positions.pollFirstEntry();
    }
    if (persisted != null) {
      persisted.append(entry(height, p), this::snapshot);
    }
  }

  private List<CheckpointLog.Entry> snapshot() {
    return positions.entrySet().stream().map(e -> entry(e.getKey(), e.getValue())).toList();
  }

  private static CheckpointLog.Entry entry(long height, Position p) {
    return p == GAP ? CheckpointLog.Entry.gap(height) : new CheckpointLog.Entry(height, p.ledgerHeight(), p.tipHash());
  }

  /** The position after {@code height}, if this orderer applied it and still knows it. */
  Optional<Position> at(long height) {
    if (height > applied) {
      return Optional.empty();
    }
    var e = positions.floorEntry(height);
    if (e == null || e.getValue().ledgerHeight() < 0) {
      return Optional.empty();
    }
    return Optional.of(e.getValue());
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
    Optional<Position> known = at(height);
    if (known.isEmpty()) {
      return;
    }
    Position p = known.get();
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
