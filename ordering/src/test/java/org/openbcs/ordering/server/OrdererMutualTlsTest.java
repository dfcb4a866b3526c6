package org.openbcs.ordering.server;

import org.openbcs.transport.InsistentClientCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.time.TimeSource;
import org.openbcs.identity.Role;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererFixture.BroadcastClient;
import org.openbcs.ordering.server.OrdererFixture.Delivered;

/**
 * The orderer's listener requires TLS client certificates from a channel organisation's TLS CA
 * (unless configured OPTIONAL), and Deliver requests carrying a {@code tls_cert_hash} must come over
 * the session of that certificate. Real TLS on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrdererMutualTlsTest {
  private OrdererFixture fx;
  private OrdererServer requiring;
  private OrdererServer optional;
  private Path rogueTls;
  private final List<ManagedChannel> opened = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    fx = new OrdererFixture(tmp, new ChannelConfig.BatchSettings(1, 16 * 1024, 8 * 1024, Duration.ofMillis(200)));
    // Same host name, valid certificate, but its TLS CA belongs to no organisation of the channel.
    OrgCa rogue = OrgCa.create(tmp.resolve("orgs/rogue"), "RogueMSP", "rogue.example.com", fx.suite, TimeSource.SYSTEM);
    rogueTls = rogue.issue("peer0", Role.PEER, List.of("localhost"), tmp.resolve("rogue-peer0")).resolve("tls");
    requiring = OrdererServer.start(fx.ordererConfig());
    OrdererConfig c = fx.ordererConfig();
    optional =
        OrdererServer.start(
            new OrdererConfig(
                tmp.resolve("data-optional"), c.host(), 0, c.mspDir(), c.mspId(), c.tlsDir(),
                c.genesisBlocks(), c.cryptoSuite(), OrdererConfig.TlsClientAuth.OPTIONAL));
  }

  @AfterAll
  void stop() throws Exception {
    for (ManagedChannel ch : opened) {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (requiring != null) {
      requiring.close();
    }
    if (optional != null) {
      optional.close();
    }
  }

  @Test
  void requiresAClientCertificateByDefault() {
    assertThat(fx.ordererConfig().clientAuth()).isEqualTo(OrdererConfig.TlsClientAuth.REQUIRE);
    ManagedChannel serverAuthOnly = track(fx.connectWithoutCertificate(requiring));
    assertRefusedAtHandshake(serverAuthOnly);
  }

  @Test
  void servesAClientWithACertificateFromAChannelOrgsTlsCa() throws Exception {
    ManagedChannel peer = track(fx.connect(requiring));
    Delivered genesis = OrdererFixture.deliver(peer, fx.boundSeekOfGenesis(fx.peer, new byte[0]));
    assertThat(genesis.status()).isEqualTo(Status.SUCCESS);
    assertThat(genesis.blocks()).singleElement().satisfies(b -> assertThat(b.getHeader().getNumber()).isZero());
    try (BroadcastClient b = new BroadcastClient(peer)) {
      BroadcastResponse r = b.send(fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("mtls")));
      assertThat(r.getStatus()).isEqualTo(Status.SUCCESS);
    }
  }

  @Test
  void refusesACertificateFromAnUnknownCaEvenWhenCertificatesAreOptional() throws Exception {
    assertRefusedAtHandshake(track(fx.connectWith(requiring, rogueTls)));
    assertRefusedAtHandshake(track(insistent(requiring, rogueTls)));
    assertRefusedAtHandshake(track(insistent(optional, rogueTls)));
    // The same insistent client with a trusted certificate gets through: the CA made the difference.
    Delivered trusted = OrdererFixture.deliver(track(insistent(optional, fx.peerTlsDir())), fx.boundSeekOfGenesis(fx.peer, new byte[0]));
    assertThat(trusted.status()).isEqualTo(Status.SUCCESS);
  }

  private ManagedChannel insistent(OrdererServer server, Path tlsDir) throws java.io.IOException {
    return InsistentClientCertificate.channel(server.port(), fx.ordererDir.resolve("tls/ca.crt"), tlsDir, fx.suite);
  }

  @Test
  void optionalClientAuthServesServerAuthOnlyClients() throws Exception {
    ManagedChannel serverAuthOnly = track(fx.connectWithoutCertificate(optional));
    Delivered genesis = OrdererFixture.deliver(serverAuthOnly, fx.boundSeekOfGenesis(fx.peer, new byte[0]));
    assertThat(genesis.status()).isEqualTo(Status.SUCCESS);
    assertThat(genesis.blocks()).hasSize(1);
  }

  @Test
  void deliverBoundToAnotherCertificateIsRefusedAndTheSessionsOwnIsServed() throws Exception {
    ManagedChannel peer = track(fx.connect(requiring));
    byte[] other = fx.tlsCertHash(rogueTls.resolve("server.crt"));
    Delivered refused = OrdererFixture.deliver(peer, fx.boundSeekOfGenesis(fx.peer, other));
    assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST);
    assertThat(refused.blocks()).isEmpty();

    byte[] own = fx.tlsCertHash(fx.peerTlsDir().resolve("server.crt"));
    Delivered served = OrdererFixture.deliver(peer, fx.boundSeekOfGenesis(fx.peer, own));
    assertThat(served.status()).isEqualTo(Status.SUCCESS);
    assertThat(served.blocks()).hasSize(1);
  }

  @Test
  void deliverBoundToACertificateOverASessionWithoutOneIsRefused() throws Exception {
    ManagedChannel serverAuthOnly = track(fx.connectWithoutCertificate(optional));
    byte[] claimed = fx.tlsCertHash(fx.peerTlsDir().resolve("server.crt"));
    Delivered refused = OrdererFixture.deliver(serverAuthOnly, fx.boundSeekOfGenesis(fx.peer, claimed));
    assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST);
    assertThat(refused.blocks()).isEmpty();
  }

  @Test
  void broadcastIsNotBoundToTheConnectionBecauseGatewaysRelayClientTransactions() throws Exception {
    // A transaction keeps its proposal's channel header: a client's hash names its session with
    // the peer whose gateway relays it here over the peer's own connection (Fabric does the same).
    ManagedChannel gatewayConnection = track(fx.connect(requiring));
    byte[] clientsSession = fx.tlsCertHash(rogueTls.resolve("server.crt"));
    try (BroadcastClient b = new BroadcastClient(gatewayConnection)) {
      assertThat(b.send(boundTransaction("relayed", clientsSession)).getStatus()).isEqualTo(Status.SUCCESS);
    }
  }

  private org.hyperledger.fabric.protos.common.Envelope boundTransaction(String data, byte[] tlsCertHash) {
    return fx.signedBound(
        fx.client, OrdererFixture.CHANNEL, HeaderType.ENDORSER_TRANSACTION, ByteString.copyFromUtf8(data),
        System.currentTimeMillis(), tlsCertHash);
  }

  /** The TLS handshake fails, so the call never reaches the service: gRPC reports UNAVAILABLE. */
  private void assertRefusedAtHandshake(ManagedChannel channel) {
    assertThatThrownBy(() -> OrdererFixture.deliver(channel, fx.boundSeekOfGenesis(fx.peer, new byte[0])))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
  }

  private ManagedChannel track(ManagedChannel channel) {
    opened.add(channel);
    return channel;
  }
}
