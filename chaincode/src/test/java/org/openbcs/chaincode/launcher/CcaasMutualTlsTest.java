package org.openbcs.chaincode.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.hyperledger.fabric.protos.peer.ChaincodeGrpc;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.hyperledger.fabric.protos.peer.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.chaincode.ChaincodeInvocation;
import org.openbcs.chaincode.ChaincodeResult;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.chaincode.testing.FakeTxSimulator;
import org.openbcs.chaincode.testing.FakeWorldState;
import org.openbcs.chaincode.testing.TestCerts;
import org.openbcs.chaincode.testing.TestProposals;
import org.openbcs.common.time.TimeSource;
import org.openbcs.transport.GrpcTransport;

/**
 * A ccaas package with client_auth_required: the launcher presents the package's client pair to a
 * chaincode server that demands one (a minimal in-process server speaking the shim handshake), and
 * without that pair the dial is refused and keeps being retried.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CcaasMutualTlsTest {
  @TempDir Path dir;

  @Test
  void thePackagesClientPairIsPresentedAndRequired() throws Exception {
    TestCerts.Issued serverCa = TestCerts.selfSigned("tlsca.cc", true);
    TestCerts.Issued clientCa = TestCerts.selfSigned("tlsca.peer", true);
    TestCerts.issue(serverCa, "cc.server").write(dir.resolve("server.crt"), dir.resolve("server.key"));
    clientCa.write(dir.resolve("clients.crt"), dir.resolve("clients.key"));
    TestCerts.Issued peerClient = TestCerts.issue(clientCa, "peer0.client");

    Server server = null;
    try (ChaincodeSupport support = new ChaincodeSupport();
        ChaincodeLauncher launcher =
            new ChaincodeLauncher(
                support, LauncherConfig.plaintext("127.0.0.1:1", TestProposals.MSP_ID, dir.resolve("data")), TimeSource.SYSTEM)) {
      // The package id depends on the port, and the server registers with the id: bind first.
      server = GrpcTransport.serverBuilder(
              "127.0.0.1", 0, new GrpcTransport.TlsFiles(dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("clients.crt")), true)
          .addService(new MinimalChaincodeServer(() -> packageId(dir)))
          .build()
          .start();
      int port = server.getPort();
      CcaasConnection mutual = new CcaasConnection("127.0.0.1", port, Duration.ofSeconds(5), true, true,
          serverCa.certPem(), peerClient.certPem(), peerClient.keyPem());
      Path mutualPkg = Files.write(dir.resolve("mutual.tar.gz"), CcaasPackage.build("cc_1", mutual));
      Files.writeString(dir.resolve("expected-id"), CcaasPackage.read(mutualPkg).packageId());

      launcher.connectService("cc", mutualPkg);
      assertThat(launcher.serviceStatus("cc").orElseThrow().connected()).isTrue();
      FakeWorldState world = new FakeWorldState();
      ChaincodeInvocation inv = new TestProposals().invocation("cc", "Ping");
      ChaincodeResult r = support.execute(inv, new FakeTxSimulator(world, inv.txId()), Duration.ofSeconds(10));
      assertThat(r.response().getStatus()).isEqualTo(200);
      assertThat(r.response().getPayload().toStringUtf8()).isEqualTo("pong");

      CcaasConnection serverOnly = new CcaasConnection("127.0.0.1", port, Duration.ofSeconds(5), true, false,
          serverCa.certPem(), "", "");
      Path serverOnlyPkg = Files.write(dir.resolve("server-only.tar.gz"), CcaasPackage.build("cc_2", serverOnly));
      launcher.connectService("cc2", serverOnlyPkg);
      ServiceStatus refused = launcher.serviceStatus("cc2").orElseThrow();
      assertThat(refused.connected()).isFalse();
      assertThat(refused.lastError()).contains("cannot connect to chaincode 'cc2'");
      // The supervisor keeps trying (and keeps being refused) until stopped.
      assertThat(launcher.awaitService("cc2", s -> s.redials() >= 1, Duration.ofSeconds(20))).isTrue();
      assertThat(launcher.serviceStatus("cc2").orElseThrow().connected()).isFalse();
    } finally {
      if (server != null) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static String packageId(Path dir) {
    try {
      return Files.readString(dir.resolve("expected-id"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers with the package id it is given and answers every TRANSACTION with "pong". */
  private static final class MinimalChaincodeServer extends ChaincodeGrpc.ChaincodeImplBase {
    private final Supplier<String> packageId;

    MinimalChaincodeServer(Supplier<String> packageId) {
      this.packageId = packageId;
    }

    @Override
    public StreamObserver<ChaincodeMessage> connect(StreamObserver<ChaincodeMessage> toPeer) {
      toPeer.onNext(
          ChaincodeMessage.newBuilder()
              .setType(ChaincodeMessage.Type.REGISTER)
              .setPayload(ChaincodeID.newBuilder().setName(packageId.get()).build().toByteString())
              .build());
      return new StreamObserver<>() {
        @Override
        public void onNext(ChaincodeMessage m) {
          if (m.getType() == ChaincodeMessage.Type.TRANSACTION) {
            synchronized (toPeer) {
              toPeer.onNext(
                  ChaincodeMessage.newBuilder()
                      .setType(ChaincodeMessage.Type.COMPLETED)
                      .setTxid(m.getTxid())
                      .setChannelId(m.getChannelId())
                      .setPayload(
                          Response.newBuilder()
                              .setStatus(200)
                              .setPayload(ByteString.copyFromUtf8("pong"))
                              .build()
                              .toByteString())
                      .build());
            }
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          toPeer.onCompleted();
        }
      };
    }
  }
}
