package org.openbcs.node.network;

import org.openbcs.common.net.LoopbackPorts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Where everything of a local network lives under one data directory, and on which ports it
 * listens. Persisted as {@code network.properties} so {@code bcs up} restarts the same network and
 * clients find it.
 */
public record NetworkLayout(
    Path dataDir,
    String channelId,
    String host,
    List<Integer> ordererPorts,
    List<PeerOrg> peerOrgs,
    String consensus,
    String cryptoSuite,
    java.util.Map<String, String> consensusOptions) {

  public NetworkLayout {
    consensusOptions = java.util.Map.copyOf(consensusOptions);
  }

  /** The consensus type with the options its orderers get. */
  public ConsensusChoice consensusChoice() {
    return new ConsensusChoice(consensus, consensusOptions);
  }

  /** One peer organisation with its single peer. */
  public record PeerOrg(String mspId, String domain, int peerPort, int chaincodePort) {
    public String peerName() {
      return "peer0." + domain;
    }
  }

  public static final String ORDERER_MSP = "OrdererMSP";
  public static final String ORDERER_DOMAIN = "example.com";

  /** Orderer i listens on base + 10 * i (7050, 7060, ...); peers on base + 1 and base + 2001. */
  private static final int ORDERER_PORT_STRIDE = 10;

  public static NetworkLayout defaults(Path dataDir, String host, int basePort) {
    return defaults(dataDir, host, basePort, "solo", 1);
  }

  /**
   * A two-organisation network with {@code orderers} ordering nodes running {@code consensusText}
   * ("solo": exactly one; "fbft": at least 4 = 3f+1; options as {@link ConsensusChoice} parses them).
   */
  public static NetworkLayout defaults(Path dataDir, String host, int basePort, String consensusText, int orderers) {
    ConsensusChoice choice = ConsensusChoice.parse(consensusText);
    String consensus = choice.type();
    if (consensus.equals("solo") && orderers != 1) {
      throw new IllegalArgumentException("solo ordering runs exactly one orderer, not " + orderers);
    }
    if (consensus.equals("fbft") && orderers < 4) {
      throw new IllegalArgumentException("fbft needs at least 4 orderers (3f+1), not " + orderers);
    }
    if (!consensus.equals("solo") && !consensus.equals("fbft")) {
      throw new IllegalArgumentException("unknown consensus '" + consensus + "' (known: solo, fbft)");
    }
    boolean ephemeral = basePort == 0;
    List<Integer> ordererPorts = new java.util.ArrayList<>();
    for (int i = 0; i < orderers; i++) {
      ordererPorts.add(ephemeral ? LoopbackPorts.reserve(host) : basePort + ORDERER_PORT_STRIDE * i);
    }
    PeerOrg org1 =
        new PeerOrg(
            "Org1MSP",
            "org1.example.com",
            ephemeral ? LoopbackPorts.reserve(host) : basePort + 1,
            ephemeral ? LoopbackPorts.reserve(host) : basePort + 2);
    PeerOrg org2 =
        new PeerOrg(
            "Org2MSP",
            "org2.example.com",
            ephemeral ? LoopbackPorts.reserve(host) : basePort + 2001,
            ephemeral ? LoopbackPorts.reserve(host) : basePort + 2002);
    return new NetworkLayout(
        dataDir.toAbsolutePath().normalize(),
        "mychannel",
        host,
        List.copyOf(ordererPorts),
        List.of(org1, org2),
        consensus,
        "ecdsa-p256",
        choice.options());
  }

  public Path file() {
    return dataDir.resolve("network.properties");
  }

  public Path cryptoDir() {
    return dataDir.resolve("crypto");
  }

  public Path ordererOrgDir() {
    return cryptoDir().resolve("ordererOrganizations").resolve(ORDERER_DOMAIN);
  }

  public Path ordererDir() {
    return ordererDir(0);
  }

  public Path ordererDir(int index) {
    return ordererOrgDir().resolve("orderers").resolve(ordererName(index));
  }

  /** The first orderer's port: where clients and tools that take one orderer go. */
  public int ordererPort() {
    return ordererPorts.get(0);
  }

  public List<String> ordererEndpoints() {
    return ordererPorts.stream().map(p -> host + ":" + p).toList();
  }

  public List<String> ordererNames() {
    return java.util.stream.IntStream.range(0, ordererPorts.size()).mapToObj(this::ordererName).toList();
  }

  /** orderer.example.com, orderer1.example.com, orderer2.example.com, ... */
  public String ordererName(int index) {
    return (index == 0 ? "orderer" : "orderer" + index) + "." + ORDERER_DOMAIN;
  }

  public Path peerOrgDir(PeerOrg org) {
    return cryptoDir().resolve("peerOrganizations").resolve(org.domain());
  }

  public Path peerDir(PeerOrg org) {
    return peerOrgDir(org).resolve("peers").resolve(org.peerName());
  }

  public Path userDir(PeerOrg org, String user) {
    return peerOrgDir(org).resolve("users").resolve(user + "@" + org.domain());
  }

  /** All organisations' TLS CA certificates in one PEM bundle, trusted by every node and client. */
  public Path tlsRootsBundle() {
    return cryptoDir().resolve("tls-roots.pem");
  }

  public Path genesisBlock() {
    return dataDir.resolve("channel-artifacts").resolve(channelId + ".block");
  }

  public Path nodeDataDir(String nodeName) {
    return dataDir.resolve("nodes").resolve(nodeName);
  }

  public Path logFile(String nodeName) {
    return dataDir.resolve("logs").resolve(nodeName + ".log");
  }

  public Path pidFile(String nodeName) {
    return dataDir.resolve("run").resolve(nodeName + ".pid");
  }

  public String ordererName() {
    return ordererName(0);
  }

  public PeerOrg org(String mspId) {
    return peerOrgs.stream()
        .filter(o -> o.mspId().equals(mspId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no organisation " + mspId + " in " + file()));
  }

  public void save() {
    Properties p = new Properties();
    p.setProperty("channel", channelId);
    p.setProperty("host", host);
    p.setProperty("orderer.ports", String.join(",", ordererPorts.stream().map(String::valueOf).toList()));
    p.setProperty("consensus", consensus);
    consensusOptions.forEach((k, v) -> p.setProperty("consensus.opt." + k, v));
    p.setProperty("crypto.suite", cryptoSuite);
    p.setProperty("orgs", Integer.toString(peerOrgs.size()));
    for (int i = 0; i < peerOrgs.size(); i++) {
      PeerOrg o = peerOrgs.get(i);
      p.setProperty("org." + i + ".msp", o.mspId());
      p.setProperty("org." + i + ".domain", o.domain());
      p.setProperty("org." + i + ".peer.port", Integer.toString(o.peerPort()));
      p.setProperty("org." + i + ".chaincode.port", Integer.toString(o.chaincodePort()));
    }
    try {
      Files.createDirectories(dataDir);
      try (OutputStream out = Files.newOutputStream(file())) {
        p.store(out, "OpenBCS local network (written by bcs up)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file(), e);
    }
  }

  public static NetworkLayout load(Path dataDir) {
    Path file = dataDir.resolve("network.properties");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no network in " + dataDir.toAbsolutePath() + " (run ./bcs up first)");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    int n = Integer.parseInt(p.getProperty("orgs"));
    List<PeerOrg> orgs =
        java.util.stream.IntStream.range(0, n)
            .mapToObj(
                i ->
                    new PeerOrg(
                        p.getProperty("org." + i + ".msp"),
                        p.getProperty("org." + i + ".domain"),
                        Integer.parseInt(p.getProperty("org." + i + ".peer.port")),
                        Integer.parseInt(p.getProperty("org." + i + ".chaincode.port"))))
            .toList();
    return new NetworkLayout(
        dataDir.toAbsolutePath().normalize(),
        p.getProperty("channel"),
        p.getProperty("host"),
        java.util.Arrays.stream(p.getProperty("orderer.ports", p.getProperty("orderer.port", "")).split(","))
            .map(String::strip)
            .map(Integer::valueOf)
            .toList(),
        orgs,
        p.getProperty("consensus"),
        p.getProperty("crypto.suite"),
        p.stringPropertyNames().stream().filter(k -> k.startsWith("consensus.opt."))
            .collect(java.util.stream.Collectors.toMap(k -> k.substring("consensus.opt.".length()), p::getProperty)));
  }
}
