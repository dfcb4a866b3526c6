package org.openbcs.peer.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
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

  private static String deadEndpoint() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
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
  void spreadsEnvelopesRoundRobinOverHealthyOrderers() throws Exception {
    ScriptedOrderer a = new ScriptedOrderer();
    ScriptedOrderer b = new ScriptedOrderer();
    ScriptedOrderer c = new ScriptedOrderer();
    client = new OrdererClient(List.of(start(a), start(b), start(c)), null, null, null, nanos::get);

    for (int i = 0; i < 30; i++) {
      assertThat(send(i).getStatus()).isEqualTo(Status.SUCCESS);
    }

    assertThat(a.received).hasSize(10);
    assertThat(b.received).hasSize(10);
    assertThat(c.received).hasSize(10);
  }

  @Test
  void aDeadOrdererCostsOneAttemptThenIsSkippedUntilItsBackOffEnds() throws Exception {
    ScriptedOrderer a = new ScriptedOrderer();
    ScriptedOrderer c = new ScriptedOrderer();
    client = new OrdererClient(List.of(start(a), deadEndpoint(), start(c)), null, null, null, nanos::get);

    for (int i = 0; i < 30; i++) {
      assertThat(send(i).getStatus()).as("envelope %d", i).isEqualTo(Status.SUCCESS);
    }
    // Every envelope was ordered exactly once, and none was lost to the dead orderer.
    assertThat(a.received.size() + c.received.size()).isEqualTo(30);
    List<Integer> order = client.attemptOrder();
    assertThat(order.get(2)).as("the dead orderer is tried last while it backs off").isEqualTo(1);

    nanos.addAndGet(OrdererClient.MAX_BACKOFF_NANOS);
    List<List<Integer>> orders = List.of(client.attemptOrder(), client.attemptOrder(), client.attemptOrder());
    assertThat(orders).as("after its back-off the orderer is in the rotation again")
        .anySatisfy(o -> assertThat(o.get(0)).isEqualTo(1));
  }

  @Test
  void anUnavailableOrdererIsBypassedAndARefusalIsFinal() throws Exception {
    ScriptedOrderer busy = new ScriptedOrderer();
    busy.answer.set(Status.SERVICE_UNAVAILABLE);
    ScriptedOrderer ok = new ScriptedOrderer();
    client = new OrdererClient(List.of(start(busy), start(ok)), null, null, null, nanos::get);

    for (int i = 0; i < 10; i++) {
      assertThat(send(i).getStatus()).isEqualTo(Status.SUCCESS);
    }
    assertThat(ok.received).hasSize(10);
    assertThat(busy.received).as("one attempt, then back-off").hasSize(1);

    ok.answer.set(Status.BAD_REQUEST);
    nanos.addAndGet(OrdererClient.MAX_BACKOFF_NANOS);
    busy.answer.set(Status.SUCCESS);
    int okBefore = ok.received.size();
    int busyBefore = busy.received.size();
    BroadcastResponse first = send(100);
    BroadcastResponse second = send(101);
    // One of the two went to the refusing orderer first; its BAD_REQUEST is the answer, not retried.
    assertThat(List.of(first.getStatus(), second.getStatus())).containsExactlyInAnyOrder(Status.SUCCESS, Status.BAD_REQUEST);
    assertThat(ok.received.size() - okBefore + busy.received.size() - busyBefore).isEqualTo(2);
  }

  @Test
  void whenEveryOrdererFailsTheLastAnswerIsReturned() throws Exception {
    ScriptedOrderer busy = new ScriptedOrderer();
    busy.answer.set(Status.SERVICE_UNAVAILABLE);
    client = new OrdererClient(List.of(start(busy), deadEndpoint()), null, null, null, nanos::get);

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
