package org.openbcs.ordering.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.openbcs.common.time.TimeSource;

/**
 * {@code orderer.AtomicBroadcast}: Broadcast and Deliver over this orderer's channels. A Deliver
 * stream knows the TLS client certificate of its connection, so seek requests bound to a
 * certificate with a {@code tls_cert_hash} are checked against it ({@link TlsBinding}; the server
 * must be built with {@link TlsBinding#captureClientCertificate()}).
 */
final class AtomicBroadcastService extends AtomicBroadcastGrpc.AtomicBroadcastImplBase {
  private final ChannelRegistry channels;
  private final DeliverStreams deliverStreams;
  private final TimeSource time;

  AtomicBroadcastService(ChannelRegistry channels, DeliverStreams deliverStreams, TimeSource time) {
    this.channels = channels;
    this.deliverStreams = deliverStreams;
    this.time = time;
  }

  @Override
  public StreamObserver<Envelope> broadcast(StreamObserver<BroadcastResponse> responses) {
    // No TLS binding here, as in Fabric: a transaction's channel header is its proposal's, and a
    // gateway relays it over the peer's own connection, so a client's tls_cert_hash names the
    // client's session with the peer, never this one.
    return new BroadcastHandler(channels, responses);
  }

  @Override
  public StreamObserver<Envelope> deliver(StreamObserver<DeliverResponse> responses) {
    if (!deliverStreams.hasRoom()) {
      responses.onError(
          Status.UNAVAILABLE
              .withDescription("orderer serves " + DeliverStreams.STREAMS_MAX + " deliver streams already")
              .asRuntimeException());
      return new DiscardingObserver();
    }
    return new DeliverHandler(channels, responses, deliverStreams, time, TlsBinding.ofCurrentCall());
  }

  /** Swallows the requests of a stream that was refused at open. */
  private static final class DiscardingObserver implements StreamObserver<Envelope> {
    @Override
    public void onNext(Envelope value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
