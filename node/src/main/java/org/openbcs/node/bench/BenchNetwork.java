package org.openbcs.node.bench;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.Hash;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.node.cli.SampleChaincode;
import org.openbcs.node.network.LocalNetwork;
import org.openbcs.node.network.MspFiles;
import org.openbcs.node.network.NetworkLayout;
import org.openbcs.node.network.NetworkLayout.PeerOrg;
import org.openbcs.transport.GrpcTransport;

/**
 * The network a benchmark drives: either one it starts (and stops at the end) or a running one it
 * only targets. Also opens the Gateway connections, one per organisation as its User1.
 */
final class BenchNetwork implements AutoCloseable {
  static final String ENDORSEMENT_POLICY = "MAJORITY Endorsement";

  private final LocalNetwork network;
  private final boolean owned;
  private final Path deleteOnClose;
  private final Consumer<String> progress;
  private final List<Connection> connections = new ArrayList<>();

  private BenchNetwork(LocalNetwork network, boolean owned, Path deleteOnClose, Consumer<String> progress) {
    this.network = network;
    this.owned = owned;
    this.deleteOnClose = deleteOnClose;
    this.progress = progress;
  }

  /** A running network in {@code dataDir}; fails if its nodes are not all running. */
  static BenchNetwork target(Path dataDir, Consumer<String> progress) {
    NetworkLayout layout = NetworkLayout.load(dataDir);
    LocalNetwork network = new LocalNetwork(layout, "", progress);
    for (String name : nodeNames(layout)) {
      if (network.runningNode(name).isEmpty()) {
        throw new IllegalStateException(name + " of the network in " + layout.dataDir() + " is not running (start it with ./bcs up --data " + dataDir + ")");
      }
    }
    return new BenchNetwork(network, false, null, progress);
  }

  /**
   * Starts a network in {@code dataDir} (a fresh temporary directory on ephemeral ports when null),
   * with the sample chaincode deployed; it is stopped, and a temporary directory deleted, on close.
   */
  static BenchNetwork start(Path dataDir, Consumer<String> progress) throws IOException {
    return start(dataDir, ConsensusRuns.DEFAULT, progress);
  }

  /**
   * As {@link #start(Path, Consumer)}, with {@code consensus} ordering ({@link
   * ConsensusRuns#orderers} orderers) for a new network; an existing network in {@code dataDir}
   * must already run that consensus.
   */
  static BenchNetwork start(Path dataDir, String consensus, Consumer<String> progress) throws IOException {
    Path dir = dataDir != null ? dataDir
        : Files.createTempDirectory("bcs-bench-" + consensus.replaceAll("[^A-Za-z0-9.=-]", "_") + "-");
    NetworkLayout layout =
        Files.isRegularFile(dir.resolve("network.properties"))
            ? NetworkLayout.load(dir)
            : NetworkLayout.defaults(dir, "127.0.0.1", 0, consensus, ConsensusRuns.orderers(consensus));
    if (!layout.consensusChoice().label().equals(org.openbcs.node.network.ConsensusChoice.parse(consensus).label())) {
      throw new IllegalArgumentException("the network in " + dir + " runs " + layout.consensusChoice().label() + ", not " + consensus
          + "; use another --data directory");
    }
    Path home = bcsHome();
    LocalNetwork network = new LocalNetwork(layout, classpath(home), progress);
    BenchNetwork n = new BenchNetwork(network, true, dataDir == null ? dir : null, progress);
    try {
      if (!network.initialised()) {
        network.init();
      }
      network.start();
      SampleChaincode.deploy(
          layout, SampleChaincode.NAME, "1.0", 1, ENDORSEMENT_POLICY, SampleChaincode.samplePackage(home), progress);
      return n;
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
  }

  static Path bcsHome() {
    return Path.of(System.getProperty("bcs.home", ".")).toAbsolutePath().normalize();
  }

  private static String classpath(Path home) {
    return System.getProperty("bcs.home") != null ? LocalNetwork.classpathOf(home) : System.getProperty("java.class.path");
  }

  NetworkLayout layout() {
    return network.layout();
  }

  static List<String> nodeNames(NetworkLayout layout) {
    List<String> names = new ArrayList<>();
    names.addAll(layout.ordererNames());
    layout.peerOrgs().forEach(o -> names.add(o.peerName()));
    return names;
  }

  /** Every node's live process, by node name (for CPU accounting). */
  Map<String, ProcessHandle> nodeProcesses() {
    Map<String, ProcessHandle> out = new LinkedHashMap<>();
    for (String name : nodeNames(layout())) {
      out.put(name, network.runningNode(name).orElseThrow(() -> new IllegalStateException(name + " is not running")));
    }
    return out;
  }

  /** One contract handle per organisation, each through its own peer's gateway as that org's User1. */
  List<Contract> contracts(String chaincode, ClientSigner signer) throws Exception {
    List<Contract> out = new ArrayList<>();
    for (PeerOrg org : layout().peerOrgs()) {
      Connection c = connect(org, signer);
      connections.add(c);
      out.add(c.gateway().getNetwork(layout().channelId()).getContract(chaincode));
    }
    return out;
  }

  /**
   * How the client signs: {@code FABRIC} is the Gateway client's own signer (what applications
   * use); {@code SUITE} hands the whole message to the node's crypto suite (Hash.NONE, then the
   * suite's SHA-256 + ECDSA), the same signature bytes made by the provider the ceiling measures.
   */
  enum ClientSigner {
    FABRIC,
    SUITE;

    static ClientSigner parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown --client-signer '" + s + "', expected fabric or suite");
      }
    }
  }

  private Connection connect(PeerOrg org, ClientSigner signer) throws Exception {
    Path msp = layout().userDir(org, "User1").resolve("msp");
    String keyPem = Files.readString(MspFiles.privateKey(msp));
    ManagedChannel grpc = GrpcTransport.channel(layout().host(), org.peerPort(), layout().tlsRootsBundle(), null, null);
    Gateway.Builder builder = Gateway.newInstance()
        .identity(new X509Identity(org.mspId(), Identities.readX509Certificate(Files.readString(MspFiles.signingCertificate(msp)))));
    switch (signer) {
      case FABRIC -> builder.signer(Signers.newPrivateKeySigner(Identities.readPrivateKey(keyPem)));
      case SUITE -> {
        CryptoSuite suite = CryptoSuites.byName(layout().cryptoSuite());
        PrivateKey key = suite.decodePrivateKey(keyPem.getBytes(StandardCharsets.US_ASCII));
        builder.hash(Hash.NONE).signer(message -> suite.sign(key, message));
      }
    }
    Gateway gateway =
        builder
            .connection(grpc)
            .evaluateOptions(o -> o.withDeadlineAfter(30, TimeUnit.SECONDS))
            .endorseOptions(o -> o.withDeadlineAfter(60, TimeUnit.SECONDS))
            .submitOptions(o -> o.withDeadlineAfter(30, TimeUnit.SECONDS))
            .commitStatusOptions(o -> o.withDeadlineAfter(60, TimeUnit.SECONDS))
            .connect();
    return new Connection(gateway, grpc);
  }

  private record Connection(Gateway gateway, ManagedChannel grpc) {
    void close() {
      gateway.close();
      grpc.shutdownNow();
    }
  }

  @Override
  public void close() {
    connections.forEach(Connection::close);
    connections.clear();
    if (owned) {
      network.stop(Duration.ofSeconds(10));
    }
    if (deleteOnClose != null) {
      try (Stream<Path> paths = Files.walk(deleteOnClose)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        progress.accept("could not delete " + deleteOnClose + ": " + e.getMessage());
      }
    }
  }
}
