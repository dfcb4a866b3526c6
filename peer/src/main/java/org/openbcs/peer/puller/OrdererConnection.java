package org.openbcs.peer.puller;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.openbcs.transport.GrpcTransport;

/**
 * One {@code AtomicBroadcast/Deliver} call to one orderer. Responses are pulled with gRPC flow
 * control: at most {@link #MAX_BUFFERED_RESPONSES} are requested ahead of the committer, so a
 * fast orderer cannot fill the peer's memory.
 */
final class OrdererConnection implements AutoCloseable {
  /** Blocks requested from the orderer but not yet committed. */
  static final int MAX_BUFFERED_RESPONSES = 16;

  /** The stream ended; {@code cause} is null when the orderer completed it normally. */
  record Ended(Throwable cause) {}

  private final ManagedChannel grpcChannel;
  /** Holds responses and the one end-of-stream marker. */
  private final BlockingQueue<Object> inbox = new ArrayBlockingQueue<>(MAX_BUFFERED_RESPONSES + 1);
  private volatile ClientCallStreamObserver<Envelope> requests;

  private OrdererConnection(ManagedChannel grpcChannel) {
    this.grpcChannel = grpcChannel;
  }

  static OrdererConnection open(
      String endpoint, Path tlsRoots, Path clientCert, Path clientKey, Envelope seek) {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("orderer endpoint '" + endpoint + "' is not host:port");
    }
    String host = endpoint.substring(0, colon);
    int port = Integer.parseInt(endpoint.substring(colon + 1));
    OrdererConnection conn =
        new OrdererConnection(GrpcTransport.channel(host, port, tlsRoots, clientCert, clientKey));
    AtomicBroadcastGrpc.newStub(conn.grpcChannel).deliver(conn.observer());
    conn.requests.onNext(seek);
    return conn;
  }

  /**
   * The next response or {@link Ended}; null if nothing arrived within the timeout.
   */
  Object next(long timeoutMillis) throws InterruptedException {
    Object item = inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (item instanceof DeliverResponse) {
      requests.request(1);
    }
    return item;
  }

  private ClientResponseObserver<Envelope, DeliverResponse> observer() {
    return new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Envelope> stream) {
        requests = stream;
        stream.disableAutoRequestWithInitial(MAX_BUFFERED_RESPONSES);
      }

      @Override
      public void onNext(DeliverResponse value) {
        // Flow control bounds arrivals to what was requested, so the offer cannot fail.
        inbox.offer(value);
      }

      @Override
      public void onError(Throwable t) {
        inbox.offer(new Ended(t));
      }

      @Override
      public void onCompleted() {
        inbox.offer(new Ended(null));
      }
    };
  }

  @Override
  public void close() {
    ClientCallStreamObserver<Envelope> r = requests;
    if (r != null) {
      r.cancel("peer closing the deliver stream", null);
    }
    grpcChannel.shutdownNow();
  }
}
