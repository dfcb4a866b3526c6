package org.openbcs.chaincode.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.hyperledger.fabric.protos.peer.ChaincodeSupportGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.chaincode.testing.TestCerts;
import org.openbcs.transport.GrpcTransport;

/** The chaincode listener's TLS is mutual: a chaincode without a trusted client cert is refused. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChaincodeListenerTlsTest {

  @Test
  void clientCertificateIsRequired(@TempDir Path dir) throws Exception {
    TestCerts.Issued ca = TestCerts.selfSigned("tlsca.org1", true);
    TestCerts.Issued server = TestCerts.issue(ca, "peer0.org1");
    TestCerts.Issued client = TestCerts.issue(ca, "chaincode.org1");
    ca.write(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    server.write(dir.resolve("server.crt"), dir.resolve("server.key"));
    client.write(dir.resolve("client.crt"), dir.resolve("client.key"));

    try (ChaincodeSupport support = new ChaincodeSupport()) {
      InetSocketAddress addr =
          support.listen("127.0.0.1", 0, GrpcTransport.TlsFiles.fabricLayout(dir));

      ManagedChannel mutual =
          GrpcTransport.channel("127.0.0.1", addr.getPort(), dir.resolve("ca.crt"),
              dir.resolve("client.crt"), dir.resolve("client.key"));
      try {
        BlockingQueue<ChaincodeMessage> inbox = new ArrayBlockingQueue<>(8);
        StreamObserver<ChaincodeMessage> out = ChaincodeSupportGrpc.newStub(mutual).register(collect(inbox, null));
        out.onNext(register("tls:1"));
        assertThat(inbox.poll(20, TimeUnit.SECONDS).getType()).isEqualTo(ChaincodeMessage.Type.REGISTERED);
        assertThat(inbox.poll(20, TimeUnit.SECONDS).getType()).isEqualTo(ChaincodeMessage.Type.READY);
        assertThat(support.awaitRegistered("tls:1", Duration.ofSeconds(5))).isTrue();
        out.onCompleted();
      } finally {
        mutual.shutdownNow();
      }

      ManagedChannel anonymous =
          GrpcTransport.channel("127.0.0.1", addr.getPort(), dir.resolve("ca.crt"), null, null);
      try {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        StreamObserver<ChaincodeMessage> out =
            ChaincodeSupportGrpc.newStub(anonymous).register(collect(new ArrayBlockingQueue<>(8), failure));
        out.onNext(register("anon:1"));
        assertThat(failure.get(20, TimeUnit.SECONDS)).isNotNull();
        assertThat(support.isRegistered("anon:1")).isFalse();
      } finally {
        anonymous.shutdownNow();
      }
    }
  }

  private static ChaincodeMessage register(String id) {
    return ChaincodeMessage.newBuilder()
        .setType(ChaincodeMessage.Type.REGISTER)
        .setPayload(ChaincodeID.newBuilder().setName(id).build().toByteString())
        .build();
  }

  private static StreamObserver<ChaincodeMessage> collect(
      BlockingQueue<ChaincodeMessage> inbox, CompletableFuture<Throwable> failure) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ChaincodeMessage m) {
        inbox.add(m);
      }

      @Override
      public void onError(Throwable t) {
        if (failure != null) {
          failure.complete(t);
        }
      }

      @Override
      public void onCompleted() {}
    };
  }
}
