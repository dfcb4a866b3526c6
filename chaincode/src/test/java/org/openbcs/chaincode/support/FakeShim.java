package org.openbcs.chaincode.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.hyperledger.fabric.protos.peer.ChaincodeSupportGrpc;
import org.openbcs.transport.GrpcTransport;

/**
 * A scripted chaincode speaking the raw shim protocol, for protocol tests that need exact control
 * over the messages (the real shim hides them behind the contract API).
 */
final class FakeShim implements AutoCloseable {
  /** Messages from the peer not yet consumed by the test. */
  private static final int INBOX_CAPACITY = 1024;

  private final ManagedChannel channel;
  private final BlockingQueue<ChaincodeMessage> inbox = new ArrayBlockingQueue<>(INBOX_CAPACITY);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final StreamObserver<ChaincodeMessage> outbound;

  FakeShim(InetSocketAddress listener) {
    channel = GrpcTransport.channel(listener.getHostString(), listener.getPort(), null, null, null);
    outbound =
        ChaincodeSupportGrpc.newStub(channel)
            .register(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ChaincodeMessage m) {
                    inbox.add(m);
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    ended.countDown();
                  }
                });
  }

  /** Registers and consumes REGISTERED and READY. */
  FakeShim register(String packageId) throws InterruptedException {
    send(
        ChaincodeMessage.newBuilder()
            .setType(ChaincodeMessage.Type.REGISTER)
            .setPayload(ChaincodeID.newBuilder().setName(packageId).build().toByteString())
            .build());
    assertThat(take().getType()).isEqualTo(ChaincodeMessage.Type.REGISTERED);
    assertThat(take().getType()).isEqualTo(ChaincodeMessage.Type.READY);
    return this;
  }

  synchronized void send(ChaincodeMessage m) {
    outbound.onNext(m);
  }

  void request(ChaincodeMessage tx, ChaincodeMessage.Type type, Message payload) {
    send(
        ChaincodeMessage.newBuilder()
            .setType(type)
            .setChannelId(tx.getChannelId())
            .setTxid(tx.getTxid())
            .setPayload(payload.toByteString())
            .build());
  }

  void complete(ChaincodeMessage tx, ByteString responseBytes) {
    send(
        ChaincodeMessage.newBuilder()
            .setType(ChaincodeMessage.Type.COMPLETED)
            .setChannelId(tx.getChannelId())
            .setTxid(tx.getTxid())
            .setPayload(responseBytes)
            .build());
  }

  ChaincodeMessage take() throws InterruptedException {
    ChaincodeMessage m = inbox.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("message from the peer within 10 s").isNotNull();
    return m;
  }

  boolean awaitEnded(Duration d) throws InterruptedException {
    return ended.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Half-closes our side, as a chaincode that exits cleanly would. */
  void hangUp() {
    outbound.onCompleted();
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
