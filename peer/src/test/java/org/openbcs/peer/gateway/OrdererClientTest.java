package org.openbcs.peer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import com.google.protobuf.ByteString;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openbcs.common.net.LoopbackPorts;
import org.openbcs.transport.GrpcTransport;

/**
 * The gateway's orderer client against scripted orderers (plaintext gRPC on 127.0.0.1; the fakes
 * inject the faults: a dead orderer, one that is unavailable, one that refuses the envelope).
 */
class OrdererClientTest {
  private final List<Server> servers = new ArrayList<>();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private OrdererClient client;

  /** An orderer that answers every envelope with the status it currently holds. */
  private static final class ScriptedOrderer extends AtomicBroadcastGrpc.AtomicBroadcastImplBase {
    final AtomicReference<Status> answer = new AtomicReference<>(Status.SUCCESS);
    final List<ByteString> received = new CopyOnWriteArrayList<>();

    @Override
    public StreamObserver<Envelope> broadcast(StreamObserver<BroadcastResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(Envelope envelope) {
          received.add(envelope.getPayload());
          out.onNext(BroadcastResponse.newBuilder().setStatus(answer.get()).setInfo("scripted").build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  private String start(ScriptedOrderer orderer) throws IOException {
    Server server = GrpcTransport.serverBuilder("127.0.0.1", 0, null, false).addService(orderer).build().start();
    servers.add(server);
    return "127.0.0.1:" + server.getPort();
  }

  private static String deadEndpoint() {
    return "127.0.0.1:" + LoopbackPorts.reserve("127.0.0.1");
  }

  private static Envelope envelope(int i) {
    return Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("tx-" + i)).setSignature(ByteString.copyFromUtf8("s")).build();
  }

  private BroadcastResponse send(int i) throws InterruptedException, ExecutionException, TimeoutException {
    return client.broadcast(envelope(i)).get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    servers.forEach(Server::shutdownNow);
  }

  @Test
  void everyEnvelopeGoesToThePreferredOrdererWhileItIsHealthy() throws Exception {
    ScriptedOrderer a = new ScriptedOrderer();
    ScriptedOrderer b = new ScriptedOrderer();
    ScriptedOrderer c = new ScriptedOrderer();
    client = new OrdererClient(List.of(start(a), start(b), start(c)), null, null, null, nanos::get, 1);

    for (int i = 0; i < 20; i++) {
      assertThat(send(i).getStatus()).isEqualTo(Status.SUCCESS);
    }

    assertThat(b.received).hasSize(20);
    assertThat(a.received).isEmpty();
    assertThat(c.received).isEmpty();
  }

  @Test
  void aDeadPreferredOrdererCostsOneAttemptThenIsSkippedUntilItsBackOffEnds() throws Exception {
    ScriptedOrderer b = new ScriptedOrderer();
    ScriptedOrderer c = new ScriptedOrderer();
    client = new OrdererClient(List.of(deadEndpoint(), start(b), start(c)), null, null, null, nanos::get, 0);

    for (int i = 0; i < 30; i++) {
      assertThat(send(i).getStatus()).as("envelope %d", i).isEqualTo(Status.SUCCESS);
    }
    // Every envelope was ordered exactly once, by the next orderer, and none was lost.
    assertThat(b.received).hasSize(30);
    assertThat(c.received).isEmpty();
    assertThat(client.attemptOrder()).as("the dead orderer is tried last while it backs off")
        .containsExactly(1, 2, 0);

    nanos.addAndGet(OrdererClient.MAX_BACKOFF_NANOS);
    assertThat(client.attemptOrder()).as("after its back-off the preferred orderer is tried first again")
        .containsExactly(0, 1, 2);
  }

  @Test
  void anUnavailableOrdererIsBypassedAndARefusalIsFinal() throws Exception {
    ScriptedOrderer busy = new ScriptedOrderer();
    busy.answer.set(Status.SERVICE_UNAVAILABLE);
    ScriptedOrderer ok = new ScriptedOrderer();
    client = new OrdererClient(List.of(start(busy), start(ok)), null, null, null, nanos::get, 0);

    for (int i = 0; i < 10; i++) {
      assertThat(send(i).getStatus()).isEqualTo(Status.SUCCESS);
    }
    assertThat(ok.received).hasSize(10);
    assertThat(busy.received).as("one attempt, then back-off").hasSize(1);

    // A refusal of the envelope itself is the answer: the next orderer is not asked.
    busy.answer.set(Status.BAD_REQUEST);
    nanos.addAndGet(OrdererClient.MAX_BACKOFF_NANOS);
    assertThat(send(100).getStatus()).isEqualTo(Status.BAD_REQUEST);
    assertThat(busy.received).hasSize(2);
    assertThat(ok.received).hasSize(10);
  }

  @Test
  void whenEveryOrdererFailsTheLastAnswerIsReturned() throws Exception {
    ScriptedOrderer busy = new ScriptedOrderer();
    busy.answer.set(Status.SERVICE_UNAVAILABLE);
    client = new OrdererClient(List.of(start(busy), deadEndpoint()), null, null, null, nanos::get, 0);

    for (int i = 0; i < 4; i++) {
      try {
        BroadcastResponse r = send(i);
        assertThat(r.getStatus()).isEqualTo(Status.SERVICE_UNAVAILABLE);
      } catch (ExecutionException e) {
        assertThat(io.grpc.Status.fromThrowable(e.getCause()).getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      }
    }
    // Both orderers were tried for every envelope, back-off or not (nothing better was left).
    assertThat(busy.received).hasSize(4);
  }
}
