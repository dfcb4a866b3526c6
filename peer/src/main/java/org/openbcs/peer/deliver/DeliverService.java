package org.openbcs.peer.deliver;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.peer.DeliverGrpc;
import org.hyperledger.fabric.protos.peer.DeliverResponse;
import org.openbcs.transport.TlsClientCertificate;
import org.openbcs.common.time.TimeSource;
import org.openbcs.peer.channel.PeerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's {@code protos.Deliver} service: committed blocks (with TRANSACTIONS_FILTER) or
 * filtered blocks from a seek position, following the chain as it grows. Private data is not
 * supported. Each open stream holds one permit of {@link #MAX_CONCURRENT_STREAMS} and one virtual
 * worker thread; {@link #close()} ends them all.
 */
public final class DeliverService extends DeliverGrpc.DeliverImplBase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliverService.class);

  /** Block-event listeners this peer serves at once; more are answered SERVICE_UNAVAILABLE. */
  public static final int MAX_CONCURRENT_STREAMS = 1024;

  private final SeekRequests seekRequests;
  private final Semaphore permits = new Semaphore(MAX_CONCURRENT_STREAMS);
  private final Set<DeliverStream> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** {@code channels} maps a channel id to the joined channel, or null. */
  public DeliverService(Function<String, PeerChannel> channels) {
    this(channels, TimeSource.SYSTEM);
  }

  public DeliverService(Function<String, PeerChannel> channels, TimeSource time) {
    this.seekRequests = new SeekRequests(channels, time);
  }

  @Override
  public StreamObserver<Envelope> deliver(StreamObserver<DeliverResponse> responses) {
    return open(responses, DeliverStream.Mode.BLOCKS);
  }

  @Override
  public StreamObserver<Envelope> deliverFiltered(StreamObserver<DeliverResponse> responses) {
    return open(responses, DeliverStream.Mode.FILTERED);
  }

  @Override
  public StreamObserver<Envelope> deliverWithPrivateData(StreamObserver<DeliverResponse> responses) {
    return rejecting(responses, Status.BAD_REQUEST, "private data is not supported");
  }

  /**
   * Ends every open stream within one wait slice (clients see UNAVAILABLE) and refuses new ones.
   * Workers are signalled, never interrupted (see {@link DeliverStream}).
   */
  @Override
  public void close() {
    closed = true;
    for (DeliverStream s : streams) {
      s.stop();
    }
  }

  /** Open streams, for tests and metrics. */
  public int openStreams() {
    return streams.size();
  }

  private StreamObserver<Envelope> open(
      StreamObserver<DeliverResponse> responses, DeliverStream.Mode mode) {
    if (closed || !permits.tryAcquire()) {
      return rejecting(responses, Status.SERVICE_UNAVAILABLE, "too many deliver streams or peer stopping");
    }
    DeliverStream stream =
        new DeliverStream(
            (ServerCallStreamObserver<DeliverResponse>) responses,
            mode,
            seekRequests,
            TlsClientCertificate.ofCurrentCall());
    streams.add(stream);
    Thread.ofVirtual()
        .name("deliver-" + mode.name().toLowerCase(java.util.Locale.ROOT))
        .start(
            () -> {
              try {
                stream.run();
              } finally {
                streams.remove(stream);
                permits.release();
              }
            });
    return stream;
  }

  /** Answers the first request with {@code status} and ends the call. */
  private static StreamObserver<Envelope> rejecting(
      StreamObserver<DeliverResponse> responses, Status status, String reason) {
    return new StreamObserver<>() {
      private boolean answered;

      @Override
      public void onNext(Envelope value) {
        if (!answered) {
          answered = true;
          log.info("deliver request answered {}: {}", status, reason);
          responses.onNext(DeliverResponse.newBuilder().setStatus(status).build());
          responses.onCompleted();
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        if (!answered) {
          answered = true;
          responses.onCompleted();
        }
      }
    };
  }
}
