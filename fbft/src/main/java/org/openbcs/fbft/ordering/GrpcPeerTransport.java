package org.openbcs.fbft.ordering;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.openbcs.fbft.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over gRPC with mutual TLS: one sender thread, one bounded queue and one channel
 * per peer. A full queue drops its oldest frame, and frames older than {@code maxFrameAge} are
 * discarded unsent ({@link OutboundQueue}): the protocol retransmits what matters by timeout, and
 * fresh messages are worth more than stale ones. A failed call backs off exponentially, so a dead
 * peer costs one idle thread, never the replica's loop.
 */
final class GrpcPeerTransport implements Transport, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcPeerTransport.class);

  /** Frames waiting per peer before the oldest is dropped. */
  static final int MAX_OUTBOUND_FRAMES = 1024;
  static final long CALL_DEADLINE_MILLIS = 5_000;
  static final long MIN_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 500;

  /** TLS material for dialling peers: roots to trust and this node's client certificate. */
  record ClientTls(Path trustedRoots, Path certificate, Path privateKey) {}

  private final String channelId;
  private final int self;
  private final long maxFrameAgeMillis;
  private final LongSupplier clock;
  private final List<PeerLink> links = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param maxFrameAgeMillis frames not sent within this time are discarded (a few base timeouts:
   *     older messages belong to rounds every replica has left)
   * @param clock milliseconds, for frame ages
   */
  GrpcPeerTransport(String channelId, int self, List<String> endpoints, ClientTls tls, long maxFrameAgeMillis,
      LongSupplier clock) {
    this.channelId = channelId;
    this.self = self;
    this.maxFrameAgeMillis = maxFrameAgeMillis;
    this.clock = clock;
    for (int i = 0; i < endpoints.size(); i++) {
      links.add(i == self ? null : new PeerLink(i, endpoints.get(i), tls));
    }
  }

  void start() {
    links.stream().filter(l -> l != null).forEach(l -> l.thread.start());
  }

  @Override
  public void send(int to, byte[] bytes) {
    if (to < 0 || to >= links.size() || to == self || closed) {
      return;
    }
    links.get(to).offer(FbftWire.encode(new FbftWire.Frame(channelId, self, bytes)));
  }

  /** Frames dropped because a peer's queue was full. */
  long dropped() {
    return links.stream().filter(l -> l != null).mapToLong(l -> l.queue.droppedFull()).sum();
  }

  /** Frames discarded unsent because they outlived {@code maxFrameAgeMillis}. */
  long droppedStale() {
    return links.stream().filter(l -> l != null).mapToLong(l -> l.queue.droppedStale()).sum();
  }

  @Override
  public void close() {
    closed = true;
    for (PeerLink l : links) {
      if (l != null) {
        l.queue.close();
        l.thread.interrupt();
      }
    }
    for (PeerLink l : links) {
      if (l != null) {
        try {
          l.thread.join(CALL_DEADLINE_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        l.channel.shutdownNow();
      }
    }
  }

  private final class PeerLink {
    private final int peer;
    private final String endpoint;
    private final ManagedChannel channel;
    private final OutboundQueue queue = new OutboundQueue(MAX_OUTBOUND_FRAMES, maxFrameAgeMillis, clock);
    private final Thread thread;

    PeerLink(int peer, String endpoint, ClientTls tls) {
      this.peer = peer;
      this.endpoint = endpoint;
      int colon = endpoint.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("orderer endpoint '" + endpoint + "' is not host:port");
      }
      this.channel = org.openbcs.transport.GrpcTransport.channel(
          endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)),
          tls.trustedRoots(), tls.certificate(), tls.privateKey());
      this.thread = Thread.ofPlatform().daemon(true).name("fbft-out-" + channelId + "-" + peer).unstarted(this::run);
    }

    void offer(byte[] frame) {
      queue.offer(frame);
    }

    private void run() {
      long backoff = MIN_BACKOFF_MILLIS;
      try {
        while (!closed) {
          OutboundQueue.Pending pending = queue.take();
          if (pending == null) {
            return;
          }
          while (!closed && !queue.expired(pending)) {
            try {
              ClientCalls.blockingUnaryCall(channel, FbftWire.SEND,
                  CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS), pending.frame());
              backoff = MIN_BACKOFF_MILLIS;
              break;
            } catch (RuntimeException e) {
              log.debug("channel={} fbft send to replica {} ({}) failed, retry in {} ms: {}",
                  channelId, peer, endpoint, backoff, e.toString());
              // Back-off, not synchronisation: waits for the peer to come back. Frames queued
              // meanwhile age out (drop-oldest and max age), this one included.
              Thread.sleep(backoff);
              backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
              // gRPC's own reconnect back-off grows to minutes while a peer is down; without this
              // a restarted orderer was unreachable for seconds after it listened again.
              channel.resetConnectBackoff();
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
