package org.openbcs.it;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signer;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.openbcs.node.cli.SampleChaincode;
import org.openbcs.node.network.LocalNetwork;
import org.openbcs.node.network.MspFiles;
import org.openbcs.node.network.NetworkLayout;
import org.openbcs.node.network.NetworkLayout.PeerOrg;
import org.openbcs.transport.GrpcTransport;

/**
 * A network of real processes started exactly as {@code bcs up} starts them (same classes, same
 * command lines), on ephemeral ports in a temporary directory.
 */
final class TestNetwork implements AutoCloseable {
  static final Path PROJECT_ROOT = Path.of("..").toAbsolutePath().normalize();

  final NetworkLayout layout;
  final LocalNetwork network;

  private TestNetwork(NetworkLayout layout) {
    this.layout = layout;
    this.network =
        new LocalNetwork(layout, LocalNetwork.classpathOf(PROJECT_ROOT), msg -> System.out.println("[network] " + msg));
  }

  static TestNetwork start(Path dataDir) {
    return start(NetworkLayout.defaults(dataDir, "127.0.0.1", 0));
  }

  static TestNetwork start(NetworkLayout layout) {
    TestNetwork n = new TestNetwork(layout);
    n.network.init();
    n.network.start();
    n.deploy(SampleChaincode.NAME, "MAJORITY Endorsement");
    return n;
  }

  void deploy(String name, String policy) {
    SampleChaincode.deploy(
        layout, name, "1.0", 1, policy, SampleChaincode.samplePackage(PROJECT_ROOT), msg -> System.out.println("[network] " + msg));
  }

  /** A Gateway connection for a user of an organisation, through that organisation's peer. */
  Client client(String mspId, String user) throws Exception {
    PeerOrg org = layout.org(mspId);
    Path msp = layout.userDir(org, user).resolve("msp");
    return client(mspId, user, Signers.newPrivateKeySigner(Identities.readPrivateKey(Files.readString(MspFiles.privateKey(msp)))));
  }

  Client client(String mspId, String user, Signer signer) throws Exception {
    PeerOrg org = layout.org(mspId);
    Path msp = layout.userDir(org, user).resolve("msp");
    ManagedChannel grpc = GrpcTransport.channel(layout.host(), org.peerPort(), layout.tlsRootsBundle(), null, null);
    Gateway gateway =
        Gateway.newInstance()
            .identity(new X509Identity(mspId, Identities.readX509Certificate(Files.readString(MspFiles.signingCertificate(msp)))))
            .signer(signer)
            .connection(grpc)
            .evaluateOptions(o -> o.withDeadlineAfter(30, TimeUnit.SECONDS))
            .endorseOptions(o -> o.withDeadlineAfter(60, TimeUnit.SECONDS))
            .submitOptions(o -> o.withDeadlineAfter(30, TimeUnit.SECONDS))
            .commitStatusOptions(o -> o.withDeadlineAfter(60, TimeUnit.SECONDS))
            .connect();
    return new Client(gateway, grpc);
  }

  record Client(Gateway gateway, ManagedChannel grpc) implements AutoCloseable {
    @Override
    public void close() {
      gateway.close();
      grpc.shutdownNow();
    }
  }

  @Override
  public void close() {
    network.stop(Duration.ofSeconds(10));
  }
}
