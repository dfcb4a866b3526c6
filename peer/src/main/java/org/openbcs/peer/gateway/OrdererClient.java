package org.openbcs.peer.gateway;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.openbcs.transport.GrpcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends transactions to the ordering service. Keeps one Broadcast stream per orderer, opened
 * lazily and re-opened after it breaks; a broken stream moves the client on to the next orderer.
 * An envelope in flight when a stream breaks is failed, not resent: the caller decides (a resend
 * would at worst be marked DUPLICATE_TXID at commit).
 */
public final class OrdererClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrdererClient.class);

  private final List<Endpoint> endpoints;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final BroadcastStream[] streams;
  private int current;
  private boolean closed;

  public OrdererClient(List<String> endpoints, Path tlsRoots, Path clientCert, Path clientKey) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one orderer endpoint is required");
    }
    this.endpoints = endpoints.stream().map(Endpoint::parse).toList();
    for (Endpoint e : this.endpoints) {
      channels.add(GrpcTransport.channel(e.host(), e.port(), tlsRoots, clientCert, clientKey));
    }
    this.streams = new BroadcastStream[this.endpoints.size()];
  }

  public CompletableFuture<BroadcastResponse> broadcast(Envelope envelope) {
    return stream().send(envelope);
  }

  private synchronized BroadcastStream stream() {
    if (closed) {
      throw new IllegalStateException("orderer client is closed");
    }
    BroadcastStream stream = streams[current];
    if (stream != null && stream.broken()) {
      log.info("broadcast stream to orderer {} broke, moving on", endpoints.get(current));
      streams[current] = null;
      current = (current + 1) % endpoints.size();
      stream = streams[current];
      if (stream != null && stream.broken()) {
        streams[current] = null;
        stream = null;
      }
    }
    if (stream == null) {
      // Retry the connection now rather than after the channel's exponential reconnect backoff.
      channels.get(current).resetConnectBackoff();
      stream =
          BroadcastStream.open(
              endpoints.get(current).toString(), AtomicBroadcastGrpc.newStub(channels.get(current)));
      streams[current] = stream;
    }
    return stream;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      for (BroadcastStream s : streams) {
        if (s != null) {
          s.close();
        }
      }
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
