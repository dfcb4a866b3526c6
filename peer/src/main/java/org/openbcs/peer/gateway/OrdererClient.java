package org.openbcs.peer.gateway;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.openbcs.transport.GrpcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends transactions to the ordering service: to this client's preferred orderer while it is
 * healthy, else to the next healthy one.
 *
 * <p>Why one preferred orderer and not round-robin: with FBFT an orderer proposes only its own
 * mempool, so spreading one peer's envelopes over all orderers makes every round's block a quarter
 * of the size, and every block costs each peer a signature check, a commit and an fsync, and each
 * orderer a block write: measured, round-robin halved FBFT throughput (benchmarks, session 3).
 * Different peers prefer different orderers ({@code preferenceKey}), so with several peers more
 * than one mempool is used. The real fix is forwarding mempools to the next leader (FBFT spec §10).
 *
 * <p>An orderer that fails (its stream breaks, or it answers SERVICE_UNAVAILABLE or
 * INTERNAL_SERVER_ERROR) is put in exponential back-off and the envelope goes to the next orderer,
 * so a dead orderer costs the first few submits one failed attempt each, not every n-th submit
 * forever. Orderers in back-off are still tried, last, when every other one failed. Answers that
 * judge the envelope itself (BAD_REQUEST, FORBIDDEN, ...) are final: another orderer would judge
 * the same bytes the same way. A resend after a broken stream may order the envelope twice; the
 * second copy is marked DUPLICATE_TXID at commit.
 */
public final class OrdererClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrdererClient.class);

  /** Back-off after an orderer's first failure; doubles per consecutive failure. */
  static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** Longest back-off, so a restarted orderer is used again within this. */
  static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(8);

  private final List<Link> links;
  private final int preferred;
  private final LongSupplier nanoClock;
  private volatile boolean closed;

  /**
   * @param preferenceKey chooses the preferred orderer (e.g. the peer's MSP id), so that peers of
   *     different organisations spread over the orderers
   */
  public OrdererClient(
      List<String> endpoints, Path tlsRoots, Path clientCert, Path clientKey, String preferenceKey) {
    this(endpoints, tlsRoots, clientCert, clientKey, System::nanoTime,
        Math.floorMod(preferenceKey.hashCode(), Math.max(1, endpoints.size())));
  }

  OrdererClient(
      List<String> endpoints,
      Path tlsRoots,
      Path clientCert,
      Path clientKey,
      LongSupplier nanoClock,
      int preferred) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one orderer endpoint is required");
    }
    if (preferred < 0 || preferred >= endpoints.size()) {
      throw new IllegalArgumentException("preferred orderer " + preferred + " of " + endpoints.size());
    }
    this.preferred = preferred;
    this.nanoClock = nanoClock;
    List<Link> built = new ArrayList<>();
    for (String address : endpoints) {
      Endpoint e = Endpoint.parse(address);
      built.add(new Link(e, GrpcTransport.channel(e.host(), e.port(), tlsRoots, clientCert, clientKey)));
    }
    this.links = List.copyOf(built);
  }

  /** Orders {@code envelope}; the future completes with the first final answer of an orderer. */
  public CompletableFuture<BroadcastResponse> broadcast(Envelope envelope) {
    if (closed) {
      throw new IllegalStateException("orderer client is closed");
    }
    CompletableFuture<BroadcastResponse> result = new CompletableFuture<>();
    attempt(envelope, attemptOrder(), 0, result, null);
    return result;
  }

  /**
   * Healthy orderers first, starting at the preferred one; then those in back-off, the one whose
   * back-off ends soonest first.
   */
  List<Integer> attemptOrder() {
    int n = links.size();
    int start = preferred;
    long now = nanoClock.getAsLong();
    List<Integer> healthy = new ArrayList<>(n);
    List<Integer> backingOff = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      (links.get(i).usable(now) ? healthy : backingOff).add(i);
    }
    backingOff.sort(Comparator.comparingLong(i -> links.get(i).retryAt()));
    healthy.addAll(backingOff);
    return healthy;
  }

  private void attempt(
      Envelope envelope,
      List<Integer> order,
      int position,
      CompletableFuture<BroadcastResponse> result,
      Outcome lastFailure) {
    if (position == order.size()) {
      if (lastFailure.response() != null) {
        result.complete(lastFailure.response());
      } else {
        result.completeExceptionally(lastFailure.failure());
      }
      return;
    }
    Link link = links.get(order.get(position));
    link.stream()
        .send(envelope)
        .whenComplete(
            (response, failure) -> {
              if (failure == null && !retryable(response.getStatus())) {
                link.succeeded();
                result.complete(response);
                return;
              }
              long backoff = link.failed(nanoClock.getAsLong());
              Outcome outcome = new Outcome(response, failure);
              log.info(
                  "orderer {} failed ({}), backing off {} ms{}",
                  link.endpoint,
                  outcome.describe(),
                  TimeUnit.NANOSECONDS.toMillis(backoff),
                  position + 1 < order.size() ? ", trying the next orderer" : "");
              if (closed) {
                result.completeExceptionally(
                    Status.UNAVAILABLE.withDescription("peer is shutting down").asException());
                return;
              }
              attempt(envelope, order, position + 1, result, outcome);
            });
  }

  private static boolean retryable(org.hyperledger.fabric.protos.common.Status status) {
    return status == org.hyperledger.fabric.protos.common.Status.SERVICE_UNAVAILABLE
        || status == org.hyperledger.fabric.protos.common.Status.INTERNAL_SERVER_ERROR;
  }

  /** Either an orderer's (non-final) answer or the transport failure of one attempt. */
  private record Outcome(BroadcastResponse response, Throwable failure) {
    Outcome {
      if (failure != null) {
        response = null;
      }
    }

    String describe() {
      return response != null
          ? "status " + response.getStatus() + ": " + response.getInfo()
          : Status.fromThrowable(failure).toString();
    }
  }

  /** One orderer: its channel, its lazily (re)opened Broadcast stream and its back-off state. */
  private final class Link {
    final Endpoint endpoint;
    final ManagedChannel channel;
    private BroadcastStream stream;
    private int consecutiveFailures;
    private long retryAt;

    Link(Endpoint endpoint, ManagedChannel channel) {
      this.endpoint = endpoint;
      this.channel = channel;
    }

    synchronized boolean usable(long now) {
      return consecutiveFailures == 0 || now - retryAt >= 0;
    }

    synchronized long retryAt() {
      return retryAt;
    }

    synchronized BroadcastStream stream() {
      if (closed) {
        throw new IllegalStateException("orderer client is closed");
      }
      if (stream == null || stream.broken()) {
        // Retry the connection now rather than after the channel's exponential reconnect backoff:
        // our own back-off already decided that this orderer is worth another attempt.
        channel.resetConnectBackoff();
        stream = BroadcastStream.open(endpoint.toString(), AtomicBroadcastGrpc.newStub(channel));
      }
      return stream;
    }

    synchronized void succeeded() {
      consecutiveFailures = 0;
    }

    /** Records a failure and returns the back-off it starts. */
    synchronized long failed(long now) {
      consecutiveFailures++;
      long backoff = FIRST_BACKOFF_NANOS << Math.min(consecutiveFailures - 1, 16);
      backoff = Math.min(backoff, MAX_BACKOFF_NANOS);
      retryAt = now + backoff;
      return backoff;
    }

    synchronized void close() {
      if (stream != null) {
        stream.close();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Link link : links) {
      link.close();
    }
    for (Link link : links) {
      link.channel.shutdownNow();
    }
    for (Link link : links) {
      try {
        link.channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
