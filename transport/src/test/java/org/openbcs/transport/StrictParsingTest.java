package org.openbcs.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.peer.DeliverGrpc;
import org.hyperledger.fabric.protos.peer.DeliverResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Garbage request bytes end the call with INVALID_ARGUMENT and the handler learns the call is over. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StrictParsingTest {
  /** 'n' is the tag of field 13 with wire type 6, which does not exist. */
  private static final byte[] GARBAGE = "not a protobuf".getBytes(StandardCharsets.US_ASCII);

  private final RecordingService service = new RecordingService();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    server =
        GrpcTransport.serverBuilder("127.0.0.1", 0, null, false)
            .addService(StrictParsing.wrap(service.bindService()))
            .build()
            .start();
    channel = GrpcTransport.channel("127.0.0.1", server.getPort(), null, null, null);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void garbageIsAnInvalidArgumentNamingTheMethodTheTypeAndTheParseError() throws Exception {
    RawGrpc.Outcome outcome = call(List.of(GARBAGE));

    assertThat(outcome.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(outcome.status().getDescription())
        .isEqualTo(
            "malformed " + METHOD.getFullMethodName()
                + " request (not a common.Envelope): Protocol message tag had invalid wire type.");
    assertThat(outcome.responses()).isEmpty();
    assertThat(service.received).isEmpty();
  }

  @Test
  void aStreamingHandlerIsToldTheCallIsOverSoItReleasesItsStream() throws Exception {
    RawGrpc.Outcome outcome = call(List.of(GARBAGE));

    assertThat(outcome.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // Without the notice a Deliver handler would wait for requests of a closed call forever.
    assertThat(service.ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.completedNormally).isFalse();
  }

  @Test
  void messagesBeforeTheGarbageAreServedAndNothingAfterIt() throws Exception {
    byte[] valid = Envelope.newBuilder().setPayload(com.google.protobuf.ByteString.copyFromUtf8("p")).build().toByteArray();
    RawGrpc.Outcome outcome = call(List.of(valid, GARBAGE, valid));

    assertThat(outcome.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(outcome.responses()).hasSize(1);
    assertThat(service.received).hasSize(1);
  }

  @Test
  void validRequestsPassThroughUntouched() throws Exception {
    Envelope envelope = Envelope.newBuilder().setPayload(com.google.protobuf.ByteString.copyFromUtf8("p")).build();
    RawGrpc.Outcome outcome = call(List.of(envelope.toByteArray(), envelope.toByteArray()));

    assertThat(outcome.status().getCode()).isEqualTo(Status.Code.OK);
    assertThat(outcome.responses()).hasSize(2);
    assertThat(service.received).containsExactly(envelope, envelope);
    assertThat(service.completedNormally).isTrue();
  }

  private static final MethodDescriptor<Envelope, DeliverResponse> METHOD = DeliverGrpc.getDeliverMethod();

  private RawGrpc.Outcome call(List<byte[]> requests) throws Exception {
    return RawGrpc.call(channel, METHOD, requests, java.time.Duration.ofSeconds(10));
  }


  /** Answers each envelope with one response; records how the call ended. */
  private static final class RecordingService extends DeliverGrpc.DeliverImplBase {
    final List<Envelope> received = new CopyOnWriteArrayList<>();
    final CountDownLatch ended = new CountDownLatch(1);
    volatile boolean completedNormally;

    @Override
    public StreamObserver<Envelope> deliver(StreamObserver<DeliverResponse> out) {
      ((ServerCallStreamObserver<DeliverResponse>) out).setOnCancelHandler(ended::countDown);
      return new StreamObserver<>() {
        @Override
        public void onNext(Envelope value) {
          received.add(value);
          out.onNext(DeliverResponse.getDefaultInstance());
        }

        @Override
        public void onError(Throwable t) {
          ended.countDown();
        }

        @Override
        public void onCompleted() {
          completedNormally = true;
          out.onCompleted();
          ended.countDown();
        }
      };
    }
  }
}
