package org.openbcs.fbft;

import java.util.List;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.protocol.Effect;
import org.openbcs.fbft.protocol.Event;
import org.openbcs.fbft.protocol.FbftReplica;
import org.openbcs.fbft.wal.Wal;

/**
 * Performs a replica's effects against real or simulated ports. It enforces the one ordering rule
 * the protocol's safety depends on (spec R3.5): WAL records appended since the last sync are made
 * durable before any message leaves. Trailing records with no send after them are left to the next
 * sync, which is what the simulated "lose the unsynced tail" crash exercises.
 */
public final class ReplicaDriver {
  /** Receives committed blocks in height order (the ordering service's block cutter, or a test ledger). */
  public interface CommitSink {
    void deliver(Effect.Commit commit);

    /**
     * Committed heights the replica cannot deliver (R3.7, R3.8); the sink must fetch their contents
     * from peers before the next {@link #deliver}. A sink that cannot do that fails loudly.
     */
    default void transfer(Effect.StateTransfer transfer) {
      throw new IllegalStateException("commit sink cannot perform state transfer " + transfer);
    }
  }

  private final FbftReplica replica;
  private final MessageCodec codec;
  private final Transport transport;
  private final Wal wal;
  private final TimerService timers;
  private final CommitSink sink;
  private final int n;
  private final int self;
  private boolean unsynced;

  public ReplicaDriver(FbftReplica replica, MessageCodec codec, Transport transport, Wal wal, TimerService timers,
      CommitSink sink) {
    this.replica = replica;
    this.codec = codec;
    this.transport = transport;
    this.wal = wal;
    this.timers = timers;
    this.sink = sink;
    this.n = replica.config().n();
    this.self = replica.id();
  }

  public FbftReplica replica() {
    return replica;
  }

  /** Steps the replica and performs what it asked for. */
  public List<Effect> handle(Event event, long nowMillis) {
    List<Effect> effects = replica.step(event, nowMillis);
    perform(effects);
    return effects;
  }

  public void perform(List<Effect> effects) {
    for (Effect e : effects) {
      switch (e) {
        case Effect.Persist p -> {
          wal.append(p.record());
          unsynced = true;
        }
        case Effect.Send s -> {
          syncBeforeSend();
          transport.send(s.to(), codec.encode(s.message()));
        }
        case Effect.Broadcast b -> {
          syncBeforeSend();
          byte[] bytes = codec.encode(b.message());
          for (int to = 0; to < n; to++) {
            if (to != self) {
              transport.send(to, bytes);
            }
          }
        }
        case Effect.ScheduleTimer t -> timers.schedule(t.round(), t.atMillis());
        case Effect.Commit c -> sink.deliver(c);
        case Effect.StateTransfer t -> sink.transfer(t);
      }
    }
  }

  private void syncBeforeSend() {
    if (unsynced) {
      wal.sync();
      unsynced = false;
    }
  }
}
