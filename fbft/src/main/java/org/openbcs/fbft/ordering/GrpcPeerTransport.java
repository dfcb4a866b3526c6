package org.openbcs.fbft.ordering;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openbcs.fbft.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over gRPC with mutual TLS: one sender thread, one bounded queue and one channel
 * per peer. A full queue drops its oldest frame (the protocol retransmits what matters by timeout,
 * and fresh messages are worth more than stale ones). A failed call backs off exponentially, so a
 * dead peer costs one idle thread, never the replica's loop.
 */
final class GrpcPeerTransport implements Transport, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GrpcPeerTransport.class);

  /** Frames waiting per peer before the oldest is dropped. */
  static final int MAX_OUTBOUND_FRAMES = 1024;
  static final long CALL_DEADLINE_MILLIS = 5_000;
  static final long MIN_BACKOFF_MILLIS = 50;
  static final long MAX_BACKOFF_MILLIS = 2_000;

  /** TLS material for dialling peers: roots to trust and this node's client certificate. */
  record ClientTls(Path trustedRoots, Path certificate, Path privateKey) {}

  private final String channelId;
  private final int self;
  private final List<PeerLink> links = new ArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  GrpcPeerTransport(String channelId, int self, List<String> endpoints, ClientTls tls) {
    this.channelId = channelId;
    this.self = self;
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
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    for (PeerLink l : links) {
      if (l != null) {
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
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(MAX_OUTBOUND_FRAMES);
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
      while (!queue.offer(frame)) {
        if (queue.poll() != null) {
          dropped.incrementAndGet();
        }
      }
    }

    private void run() {
      long backoff = MIN_BACKOFF_MILLIS;
      try {
        while (!closed) {
          byte[] frame = queue.take();
          while (!closed) {
            try {
              ClientCalls.blockingUnaryCall(channel, FbftWire.SEND,
                  CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS), frame);
              backoff = MIN_BACKOFF_MILLIS;
              break;
            } catch (RuntimeException e) {
              log.debug("channel={} fbft send to replica {} ({}) failed, retry in {} ms: {}",
                  channelId, peer, endpoint, backoff, e.toString());
              // Back-off, not synchronisation: waits for the peer to come back. Frames queued
              // meanwhile still age out through the drop-oldest bound.
              Thread.sleep(backoff);
              backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
