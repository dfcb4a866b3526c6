package org.openbcs.peer.server;

import org.openbcs.transport.InsistentClientCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.peer.EndorserGrpc;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Role;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererConfig;
import org.openbcs.ordering.server.OrdererServer;
import org.openbcs.transport.GrpcTransport;

/**
 * The peer's listener with real TLS on 127.0.0.1: application clients connect server-auth only,
 * nodes present certificates from a channel organisation's TLS CA, and a certificate from any
 * other CA fails the handshake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerServerTlsTest {
  private static final String CHANNEL = "mychannel";

  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  private final List<ManagedChannel> opened = new ArrayList<>();
  private OrdererServer orderer;
  private PeerServer peer;
  private Path peerTls;
  private Path org2PeerTls;
  private Path rogueTls;

  @BeforeAll
  void start(@TempDir Path root) throws Exception {
    TimeSource time = TimeSource.SYSTEM;
    OrgCa org1 = OrgCa.create(root.resolve("orgs/org1"), "Org1MSP", "org1.example.com", suite, time);
    OrgCa org2 = OrgCa.create(root.resolve("orgs/org2"), "Org2MSP", "org2.example.com", suite, time);
    OrgCa ordererOrg = OrgCa.create(root.resolve("orgs/orderer"), "OrdererMSP", "example.com", suite, time);
    OrgCa rogue = OrgCa.create(root.resolve("orgs/rogue"), "RogueMSP", "rogue.example.com", suite, time);
    Path peerDir = org1.issue("peer0", Role.PEER, List.of("localhost"), root.resolve("peer0.org1"));
    peerTls = peerDir.resolve("tls");
    org2PeerTls = org2.issue("peer0", Role.PEER, List.of("localhost"), root.resolve("peer0.org2")).resolve("tls");
    rogueTls = rogue.issue("peer0", Role.PEER, List.of("localhost"), root.resolve("peer0.rogue")).resolve("tls");
    Path ordererDir = ordererOrg.issue("orderer", Role.ORDERER, List.of("localhost"), root.resolve("orderer"));

    ChannelConfig config =
        new ChannelConfig(
            CHANNEL,
            List.of(
                new ChannelConfig.OrgSpec("Org1MSP", MspDirectory.load(org1.orgMspDir(), "Org1MSP"), List.of()),
                new ChannelConfig.OrgSpec("Org2MSP", MspDirectory.load(org2.orgMspDir(), "Org2MSP"), List.of())),
            List.of(new ChannelConfig.OrgSpec("OrdererMSP", MspDirectory.load(ordererOrg.orgMspDir(), "OrdererMSP"), List.of())),
            "solo",
            new ChannelConfig.BatchSettings(10, 1024 * 1024, 512 * 1024, Duration.ofMillis(100)),
            List.of("localhost:7050"),
            suite.name());
    Path genesis = root.resolve("genesis.block");
    Files.write(genesis, config.genesisBlock(suite).toByteArray());

    orderer =
        OrdererServer.start(
            new OrdererConfig(
                root.resolve("orderer-data"), "127.0.0.1", 0, ordererDir.resolve("msp"), "OrdererMSP",
                ordererDir.resolve("tls"), List.of(genesis), suite.name()));
    peer =
        PeerServer.start(
            new PeerConfig(
                root.resolve("peer-data"), "127.0.0.1", 0, 0, peerDir.resolve("msp"), "Org1MSP", peerTls,
                List.of("localhost:" + orderer.port()), ordererDir.resolve("tls/ca.crt"), Map.of(), null,
                List.of(genesis)));
  }

  @AfterAll
  void stop() throws Exception {
    for (ManagedChannel ch : opened) {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (peer != null) {
      peer.close();
    }
    if (orderer != null) {
      orderer.close();
    }
  }

  @Test
  void acceptsAServerAuthOnlyApplicationClient() {
    assertServed(track(GrpcTransport.channel("localhost", peer.port(), peerTls.resolve("ca.crt"), null, null)));
  }

  @Test
  void acceptsClientCertificatesFromTheChannelOrgsTlsCas() throws Exception {
    // Another organisation's peer, as the gateway's remote endorsement connects.
    assertServed(
        track(
            GrpcTransport.channel(
                "localhost", peer.port(), peerTls.resolve("ca.crt"),
                org2PeerTls.resolve("server.crt"), org2PeerTls.resolve("server.key"))));
    // Own organisation, presented even though the server's CA list would let the client hold back.
    assertServed(track(InsistentClientCertificate.channel(peer.port(), peerTls.resolve("ca.crt"), peerTls, suite)));
  }

  @Test
  void refusesAClientCertificateFromAnUnknownCa() throws Exception {
    ManagedChannel rogue = track(InsistentClientCertificate.channel(peer.port(), peerTls.resolve("ca.crt"), rogueTls, suite));
    assertThatThrownBy(() -> processEmptyProposal(rogue))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
  }

  /** The call reached the endorser, which answered (refusing the empty proposal) over TLS. */
  private static void assertServed(ManagedChannel channel) {
    ProposalResponse response = processEmptyProposal(channel);
    assertThat(response.getResponse().getStatus()).isGreaterThanOrEqualTo(400);
    assertThat(response.getResponse().getMessage()).isNotBlank();
  }

  private static ProposalResponse processEmptyProposal(ManagedChannel channel) {
    return EndorserGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .processProposal(SignedProposal.getDefaultInstance());
  }

  private ManagedChannel track(ManagedChannel channel) {
    opened.add(channel);
    return channel;
  }
}
