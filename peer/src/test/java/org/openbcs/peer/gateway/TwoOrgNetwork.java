package org.openbcs.peer.gateway;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Identity;
import org.hyperledger.fabric.client.identity.Signer;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.openbcs.common.net.LoopbackPorts;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Role;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererConfig;
import org.openbcs.ordering.server.OrdererServer;
import org.openbcs.peer.server.PeerConfig;
import org.openbcs.peer.server.PeerServer;

/**
 * An in-process network on 127.0.0.1 with TLS: a solo orderer (OrdererMSP) and one peer for each
 * of Org1MSP and Org2MSP on channel {@value #CHANNEL}, material issued by OrgCa. Clients are the
 * unmodified Fabric Gateway client.
 */
final class TwoOrgNetwork implements AutoCloseable {
  static final String CHANNEL = "mychannel";
  static final List<String> ORGS = List.of("Org1MSP", "Org2MSP");
  /** The sample contract package built by the samples module (jar + lib/). */
  static final Path SAMPLE_PACKAGE = Path.of("..", "samples", "asset-transfer", "target").toAbsolutePath().normalize();

  private final Path root;
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  private final TimeSource time = TimeSource.SYSTEM;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<ManagedChannel> clientChannels = new ArrayList<>();
  final OrdererServer orderer;
  final List<PeerServer> peers = new ArrayList<>();
  private final List<PeerConfig> peerConfigs = new ArrayList<>();
  private final Path tlsBundle;

  TwoOrgNetwork(Path root) throws IOException {
    this.root = root;
    List<ChannelConfig.OrgSpec> appOrgs = new ArrayList<>();
    StringBuilder bundle = new StringBuilder();
    for (int i = 0; i < ORGS.size(); i++) {
      String msp = ORGS.get(i);
      String domain = "org" + (i + 1) + ".example.com";
      OrgCa ca = OrgCa.create(orgDir(msp), msp, domain, suite, time);
      ca.issue("peer0." + domain, Role.PEER, List.of("peer0." + domain), peerDir(msp));
      ca.issue("User1@" + domain, Role.CLIENT, List.of(), userDir(msp));
      appOrgs.add(new ChannelConfig.OrgSpec(msp, MspDirectory.load(ca.orgMspDir(), msp), List.of()));
      bundle.append(Files.readString(peerDir(msp).resolve("tls").resolve("ca.crt")));
    }
    OrgCa ordererCa = OrgCa.create(orgDir("OrdererMSP"), "OrdererMSP", "example.com", suite, time);
    Path ordererDir = root.resolve("orderer");
    ordererCa.issue("orderer.example.com", Role.ORDERER, List.of("orderer.example.com"), ordererDir);
    bundle.append(Files.readString(ordererDir.resolve("tls").resolve("ca.crt")));
    tlsBundle = root.resolve("tls-roots.pem");
    Files.writeString(tlsBundle, bundle.toString());
    // Peers present their TLS certificate to the orderer: it must trust every org's TLS CA.
    Files.writeString(ordererDir.resolve("tls").resolve("ca.crt"), bundle.toString(), StandardOpenOption.TRUNCATE_EXISTING);

    ChannelConfig config =
        new ChannelConfig(
            CHANNEL,
            appOrgs,
            List.of(new ChannelConfig.OrgSpec("OrdererMSP", MspDirectory.load(ordererCa.orgMspDir(), "OrdererMSP"), List.of())),
            "solo",
            new ChannelConfig.BatchSettings(50, 10 * 1024 * 1024, 2 * 1024 * 1024, Duration.ofMillis(100)),
            List.of("127.0.0.1:7050"),
            CryptoSuites.ECDSA_P256);
    Path genesis = root.resolve("genesis.block");
    Files.write(genesis, config.genesisBlock(suite).toByteArray());

    orderer =
        OrdererServer.start(
            new OrdererConfig(
                root.resolve("orderer-data"), "127.0.0.1", 0, ordererDir.resolve("msp"), "OrdererMSP",
                ordererDir.resolve("tls"), List.of(genesis), CryptoSuites.ECDSA_P256));
    running.add(orderer);

    // Each peer must know the others' addresses up front, so their ports are chosen first.
    int[] ports = freePorts(ORGS.size());
    for (int i = 0; i < ORGS.size(); i++) {
      String msp = ORGS.get(i);
      Map<String, String> remotes = new java.util.LinkedHashMap<>();
      for (int j = 0; j < ORGS.size(); j++) {
        if (j != i) {
          remotes.put(ORGS.get(j), "127.0.0.1:" + ports[j]);
        }
      }
      PeerConfig peerConfig =
          new PeerConfig(
              peerData(msp), "127.0.0.1", ports[i], 0, peerDir(msp).resolve("msp"), msp,
              peerDir(msp).resolve("tls"), List.of("127.0.0.1:" + orderer.port()), tlsBundle, remotes,
              tlsBundle, List.of(genesis));
      peerConfigs.add(peerConfig);
      PeerServer peer = PeerServer.start(peerConfig);
      running.add(peer);
      peers.add(peer);
    }
  }

  /** Stops a peer and starts it again on the same port and data directory. */
  PeerServer restartPeer(String msp) {
    int i = ORGS.indexOf(msp);
    PeerServer old = peers.get(i);
    running.remove(old);
    old.close();
    PeerServer fresh = PeerServer.start(peerConfigs.get(i));
    running.add(fresh);
    peers.set(i, fresh);
    return fresh;
  }

  Path orgDir(String msp) {
    return root.resolve("orgs").resolve(msp);
  }

  Path peerDir(String msp) {
    return orgDir(msp).resolve("peer0");
  }

  Path userDir(String msp) {
    return orgDir(msp).resolve("user1");
  }

  PeerServer peer(String msp) {
    return peers.get(ORGS.indexOf(msp));
  }

  /** Installs the sample package on every peer; returns its package id. */
  String installSample(String label) {
    String packageId = null;
    for (PeerServer peer : peers) {
      packageId = peer.installedChaincodes().install(label, SAMPLE_PACKAGE);
    }
    return packageId;
  }

  /** Waits (bounded) until every peer runs the package; JVM start is slow on a loaded machine. */
  void awaitChaincodeEverywhere(String packageId, Duration timeout) throws InterruptedException {
    for (PeerServer peer : peers) {
      if (!peer.awaitChaincode(packageId, timeout)) {
        throw new IllegalStateException(
            "chaincode " + packageId + " did not start on " + peer.mspId() + " within " + timeout
                + "; chaincode logs:\n" + chaincodeLogs(peer.mspId()));
      }
    }
  }

  Path peerData(String msp) {
    return root.resolve("peer-data-" + msp);
  }

  private String chaincodeLogs(String msp) {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.walk(peerData(msp))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        String log = Files.readString(f);
        text.append("== ").append(f).append('\n').append(log.substring(Math.max(0, log.length() - 3000)));
      }
    } catch (IOException e) {
      text.append("(cannot read logs: ").append(e).append(')');
    }
    return text.toString();
  }

  /** A gRPC channel to a peer, trusting the TLS CA bundle, as an application would open it. */
  ManagedChannel clientChannel(String msp) throws IOException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                peer(msp).port(),
                TlsChannelCredentials.newBuilder().trustManager(tlsBundle.toFile()).build())
            .build();
    clientChannels.add(channel);
    return channel;
  }

  Identity clientIdentity(String msp) throws Exception {
    try (Stream<Path> certs = Files.list(userDir(msp).resolve("msp").resolve("signcerts"))) {
      Path cert = certs.findFirst().orElseThrow();
      return new X509Identity(msp, Identities.readX509Certificate(Files.readString(cert)));
    }
  }

  Signer clientSigner(String msp) throws Exception {
    try (Stream<Path> keys = Files.list(userDir(msp).resolve("msp").resolve("keystore"))) {
      Path key = keys.findFirst().orElseThrow();
      return Signers.newPrivateKeySigner(Identities.readPrivateKey(Files.readString(key)));
    }
  }

  Gateway.Builder gateway(String msp, Signer signer) throws Exception {
    return Gateway.newInstance()
        .identity(clientIdentity(msp))
        .signer(signer)
        .connection(clientChannel(msp))
        .evaluateOptions(o -> o.withDeadlineAfter(60, TimeUnit.SECONDS))
        .endorseOptions(o -> o.withDeadlineAfter(120, TimeUnit.SECONDS))
        .submitOptions(o -> o.withDeadlineAfter(30, TimeUnit.SECONDS))
        .commitStatusOptions(o -> o.withDeadlineAfter(60, TimeUnit.SECONDS));
  }

  Gateway gateway(String msp) throws Exception {
    return gateway(msp, clientSigner(msp)).connect();
  }

  private static int[] freePorts(int n) {
    int[] ports = new int[n];
    for (int i = 0; i < n; i++) {
      ports[i] = LoopbackPorts.reserve("127.0.0.1");
    }
    return ports;
  }

  @Override
  public void close() {
    for (ManagedChannel c : clientChannels) {
      c.shutdownNow();
    }
    // Stop everything even if one part fails to stop; the first failure is reported.
    RuntimeException first = null;
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("cannot stop " + running.get(i), e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
