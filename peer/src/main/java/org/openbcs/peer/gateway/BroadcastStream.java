package org.openbcs.peer.gateway;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;

/**
 * One long-lived {@code AtomicBroadcast/Broadcast} stream. The orderer answers envelopes in the
 * order it received them, so responses are matched to senders by a FIFO of pending futures;
 * writes are serialised because gRPC stream observers are not thread-safe.
 */
final class BroadcastStream implements StreamObserver<BroadcastResponse> {
  /** Envelopes sent but not yet answered on one stream; beyond this, Submit is refused. */
  static final int MAX_IN_FLIGHT = 10_000;

  private final String address;
  private final ArrayDeque<CompletableFuture<BroadcastResponse>> pending = new ArrayDeque<>();
  private StreamObserver<Envelope> requests;
  private boolean broken;

  private BroadcastStream(String address) {
    this.address = address;
  }

  static BroadcastStream open(String address, AtomicBroadcastGrpc.AtomicBroadcastStub stub) {
    BroadcastStream stream = new BroadcastStream(address);
    // Detached from the caller's gRPC context: the stream outlives the Submit call that opened it,
    // whose cancellation on completion would otherwise cancel the stream too.
    StreamObserver<Envelope> requests;
    Context previous = Context.ROOT.attach();
    try {
      requests = stub.broadcast(stream);
    } finally {
      Context.ROOT.detach(previous);
    }
    synchronized (stream) {
      stream.requests = requests;
    }
    return stream;
  }

  synchronized boolean broken() {
    return broken;
  }

  /** Sends {@code envelope}; the future completes with the orderer's answer to it. */
  synchronized CompletableFuture<BroadcastResponse> send(Envelope envelope) {
    CompletableFuture<BroadcastResponse> answer = new CompletableFuture<>();
    if (broken) {
      answer.completeExceptionally(
          Status.UNAVAILABLE.withDescription("broadcast stream to " + address + " is closed").asException());
      return answer;
    }
    if (pending.size() >= MAX_IN_FLIGHT) {
      answer.completeExceptionally(
          Status.RESOURCE_EXHAUSTED
              .withDescription(MAX_IN_FLIGHT + " transactions already in flight to orderer " + address)
              .asException());
      return answer;
    }
    pending.add(answer);
    requests.onNext(envelope);
    return answer;
  }

  @Override
  public void onNext(BroadcastResponse response) {
    CompletableFuture<BroadcastResponse> answer;
    synchronized (this) {
      answer = pending.poll();
    }
    if (answer != null) {
      answer.complete(response);
    }
  }

  @Override
  public void onError(Throwable t) {
    failAll(Status.fromThrowable(t).augmentDescription("orderer " + address).asException());
  }

  @Override
  public void onCompleted() {
    failAll(Status.UNAVAILABLE.withDescription("orderer " + address + " closed the broadcast stream").asException());
  }

  synchronized void close() {
    if (!broken && requests != null) {
      requests.onCompleted();
    }
    failAll(Status.UNAVAILABLE.withDescription("peer is shutting down").asException());
  }

  private void failAll(Exception cause) {
    List<CompletableFuture<BroadcastResponse>> failed;
    synchronized (this) {
      broken = true;
      failed = new ArrayList<>(pending);
      pending.clear();
    }
    failed.forEach(f -> f.completeExceptionally(cause));
  }
}
