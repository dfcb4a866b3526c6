package org.openbcs.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Role;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.node.network.NetworkLayout.PeerOrg;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.channel.ChannelConfig.BatchSettings;
import org.openbcs.ordering.channel.ChannelConfig.OrgSpec;

/**
 * A local network of real processes (one orderer, one peer per organisation) under one data
 * directory: creates crypto material and the channel's genesis block once, starts and stops the
 * node processes, and remembers their pids so {@code bcs down} and a later {@code bcs up} find
 * them.
 */
public final class LocalNetwork {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final NetworkLayout layout;
  private final String classpath;
  private final Consumer<String> progress;

  public LocalNetwork(NetworkLayout layout, String classpath, Consumer<String> progress) {
    this.layout = layout;
    this.classpath = classpath;
    this.progress = progress;
  }

  public NetworkLayout layout() {
    return layout;
  }

  /** The classpath of an installed OpenBCS tree: the node jar and its libraries. */
  public static String classpathOf(Path bcsHome) {
    Path target = bcsHome.resolve("node").resolve("target");
    return target.resolve("openbcs-node.jar") + java.io.File.pathSeparator + target.resolve("lib") + "/*";
  }

  public boolean initialised() {
    return Files.isRegularFile(layout.file()) && Files.isRegularFile(layout.genesisBlock());
  }

  /** Creates crypto material for every organisation and the genesis block of the channel. */
  public void init() {
    CryptoSuite suite = CryptoSuites.byName(layout.cryptoSuite());
    TimeSource time = TimeSource.SYSTEM;
    try {
      progress.accept("creating crypto material in " + layout.cryptoDir());
      OrgCa ordererCa =
          OrgCa.create(
              layout.ordererOrgDir(), NetworkLayout.ORDERER_MSP, NetworkLayout.ORDERER_DOMAIN, suite, time);
      for (int i = 0; i < layout.ordererPorts().size(); i++) {
        ordererCa.issue(
            layout.ordererName(i), Role.ORDERER, List.of(layout.ordererName(i)), layout.ordererDir(i));
      }
      ordererCa.issue(
          "Admin@" + NetworkLayout.ORDERER_DOMAIN,
          Role.ADMIN,
          List.of(),
          layout.ordererOrgDir().resolve("users").resolve("Admin@" + NetworkLayout.ORDERER_DOMAIN));
      List<OrgSpec> appOrgs = new ArrayList<>();
      StringBuilder tlsRoots = new StringBuilder();
      tlsRoots.append(Files.readString(layout.ordererDir().resolve("tls").resolve("ca.crt")));
      for (PeerOrg org : layout.peerOrgs()) {
        OrgCa ca = OrgCa.create(layout.peerOrgDir(org), org.mspId(), org.domain(), suite, time);
        ca.issue(org.peerName(), Role.PEER, List.of(org.peerName()), layout.peerDir(org));
        ca.issue("Admin@" + org.domain(), Role.ADMIN, List.of(), layout.userDir(org, "Admin"));
        ca.issue("User1@" + org.domain(), Role.CLIENT, List.of(), layout.userDir(org, "User1"));
        appOrgs.add(
            new OrgSpec(
                org.mspId(),
                MspDirectory.load(ca.orgMspDir(), org.mspId()),
                List.of(layout.host() + ":" + org.peerPort())));
        tlsRoots.append(Files.readString(layout.peerDir(org).resolve("tls").resolve("ca.crt")));
      }
      Files.writeString(layout.tlsRootsBundle(), tlsRoots.toString(), StandardCharsets.US_ASCII);

      progress.accept("creating channel '" + layout.channelId() + "' genesis block");
      ChannelConfig config =
          new ChannelConfig(
              layout.channelId(),
              appOrgs,
              List.of(
                  new OrgSpec(
                      NetworkLayout.ORDERER_MSP,
                      MspDirectory.load(ordererCa.orgMspDir(), NetworkLayout.ORDERER_MSP),
                      List.of())),
              layout.consensus(),
              new BatchSettings(500, 10 * 1024 * 1024, 2 * 1024 * 1024, Duration.ofMillis(200)),
              layout.ordererEndpoints(),
              layout.cryptoSuite(),
              consenters());
      Block genesis = config.genesisBlock(suite);
      Files.createDirectories(layout.genesisBlock().getParent());
      Files.write(layout.genesisBlock(), genesis.toByteArray());
      layout.save();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot initialise network in " + layout.dataDir(), e);
    }
  }

  /**
   * Every orderer as a member of the channel's consenter set (Fabric's {@code Orderers} value):
   * ids from 1 in endpoint order, the signing certificate and the TLS certificate it presents as
   * client and server.
   */
  private List<ChannelConfig.ConsenterSpec> consenters() throws IOException {
    List<ChannelConfig.ConsenterSpec> out = new ArrayList<>();
    for (int i = 0; i < layout.ordererPorts().size(); i++) {
      String endpoint = layout.ordererEndpoints().get(i);
      int colon = endpoint.lastIndexOf(':');
      com.google.protobuf.ByteString identity = com.google.protobuf.ByteString.copyFrom(
          Files.readAllBytes(MspFiles.signingCertificate(layout.ordererDir(i).resolve("msp"))));
      com.google.protobuf.ByteString tls = com.google.protobuf.ByteString.copyFrom(
          Files.readAllBytes(layout.ordererDir(i).resolve("tls").resolve("server.crt")));
      out.add(new ChannelConfig.ConsenterSpec(i + 1, endpoint.substring(0, colon),
          Integer.parseInt(endpoint.substring(colon + 1)), NetworkLayout.ORDERER_MSP, identity, tls, tls));
    }
    return out;
  }

  /** Starts every node that is not already running and waits until each accepts connections. */
  public void start() {
    for (int i = 0; i < layout.ordererPorts().size(); i++) {
      startNode(layout.ordererName(i), ordererArgs(i), layout.ordererPorts().get(i));
    }
    for (PeerOrg org : layout.peerOrgs()) {
      startNode(org.peerName(), peerArgs(org), org.peerPort());
    }
  }

  private List<String> ordererArgs(int index) {
    List<String> args = new ArrayList<>(List.of(
        "orderer",
        "start",
        "--data", layout.nodeDataDir(layout.ordererName(index)).toString(),
        "--listen", layout.ordererEndpoints().get(index),
        "--msp", layout.ordererDir(index).resolve("msp").toString(),
        "--msp-id", NetworkLayout.ORDERER_MSP,
        "--tls", layout.ordererDir(index).resolve("tls").toString(),
        "--genesis", layout.genesisBlock().toString()));
    if (layout.consensus().equals("fbft")) {
      // The replicas and their signing certificates come from the genesis block's consenter set
      // (see consenters()); the endpoint option only cross-checks which one this node is.
      args.addAll(List.of("--consensus-opt", "fbft.endpoint=" + layout.ordererEndpoints().get(index)));
    }
    for (String opt : layout.consensusChoice().ordererOptions()) {
      args.addAll(List.of("--consensus-opt", opt));
    }
    return args;
  }

  private List<String> peerArgs(PeerOrg org) {
    List<String> args = new ArrayList<>(List.of(
        "peer",
        "start",
        "--data", layout.nodeDataDir(org.peerName()).toString(),
        "--listen", layout.host() + ":" + org.peerPort(),
        "--chaincode-listen", layout.host() + ":" + org.chaincodePort(),
        "--msp", layout.peerDir(org).resolve("msp").toString(),
        "--msp-id", org.mspId(),
        "--tls", layout.peerDir(org).resolve("tls").toString(),
        "--orderer-tls-ca", layout.tlsRootsBundle().toString(),
        "--remote-peer-tls-ca", layout.tlsRootsBundle().toString(),
        "--genesis", layout.genesisBlock().toString()));
    for (String orderer : layout.ordererEndpoints()) {
      args.add("--orderer");
      args.add(orderer);
    }
    for (PeerOrg other : layout.peerOrgs()) {
      if (!other.mspId().equals(org.mspId())) {
        args.add("--remote-peer");
        args.add(other.mspId() + "=" + layout.host() + ":" + other.peerPort());
      }
    }
    return args;
  }

  private void startNode(String name, List<String> bcsArgs, int port) {
    Optional<ProcessHandle> running = runningNode(name);
    if (running.isPresent()) {
      progress.accept(name + " already running (pid " + running.get().pid() + ")");
      return;
    }
    try {
      Files.createDirectories(layout.logFile(name).getParent());
      Files.createDirectories(layout.pidFile(name).getParent());
      Files.createDirectories(layout.nodeDataDir(name));
      List<String> cmd = new ArrayList<>();
      // A session of its own, so the node outlives the terminal that ran `bcs up`.
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        cmd.add("/usr/bin/setsid");
      }
      cmd.add(javaBinary());
      cmd.add("-Xmx" + System.getProperty("bcs.node.heap", "1g"));
      cmd.add("--enable-native-access=ALL-UNNAMED");
      if (Runtime.version().feature() >= 24) {
        cmd.add("--sun-misc-unsafe-memory-access=allow"); // protobuf-java's Unsafe use warns otherwise
      }
      cmd.addAll(extraJvmOptions(name));
      cmd.add("-cp");
      cmd.add(classpath);
      cmd.add("-Dbcs.node.name=" + name);
      cmd.add("org.openbcs.node.cli.Bcs");
      cmd.addAll(bcsArgs);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logFile(name).toFile()));
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      Files.writeString(layout.pidFile(name), Long.toString(p.pid()));
      progress.accept("started " + name + " (pid " + p.pid() + ", log " + layout.logFile(name) + ")");
      awaitPort(name, p, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private void awaitPort(String name, Process p, int port) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + p.exitValue() + " during start; last log lines:\n" + tail(layout.logFile(name), 15));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(layout.host(), port), 200);
        return;
      } catch (IOException notYet) {
        try {
          // Waiting for another process to bind its port: there is no event to wait on.
          p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
      }
    }
    throw new IllegalStateException(
        name + " did not listen on " + layout.host() + ":" + port + " within " + START_TIMEOUT.toSeconds() + " s; last log lines:\n" + tail(layout.logFile(name), 15));
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period); returns how many were stopped. */
  public int stop(Duration grace) {
    List<String> names = new ArrayList<>();
    layout.peerOrgs().forEach(o -> names.add(o.peerName()));
    names.addAll(layout.ordererNames());
    int stopped = 0;
    for (String name : names) {
      Optional<ProcessHandle> h = runningNode(name);
      if (h.isPresent()) {
        stopProcess(h.get(), grace);
        progress.accept("stopped " + name + " (pid " + h.get().pid() + ")");
        stopped++;
      }
      try {
        Files.deleteIfExists(layout.pidFile(name));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return stopped;
  }

  /** Kills every node with SIGKILL at once (crash tests). */
  public void killAll() {
    List<String> names = new ArrayList<>();
    layout.peerOrgs().forEach(o -> names.add(o.peerName()));
    names.addAll(layout.ordererNames());
    for (String name : names) {
      runningNode(name).ifPresent(h -> {
        h.descendants().forEach(ProcessHandle::destroyForcibly);
        h.destroyForcibly();
        h.onExit().join();
      });
    }
  }

  private static void stopProcess(ProcessHandle h, Duration grace) {
    List<ProcessHandle> children = h.descendants().toList();
    h.destroy();
    try {
      h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception timeout) {
      h.destroyForcibly();
      h.onExit().join();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** The live process of a node, if its pid file names one that still runs our node. */
  public Optional<ProcessHandle> runningNode(String name) {
    Path pid = layout.pidFile(name);
    if (!Files.isRegularFile(pid)) {
      return Optional.empty();
    }
    try {
      long id = Long.parseLong(Files.readString(pid).trim());
      return ProcessHandle.of(id)
          .filter(ProcessHandle::isAlive)
          .filter(h -> h.info().commandLine().map(c -> c.contains("bcs.node.name=" + name)).orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Extra JVM options for every node process, for profiling (e.g. {@code
   * -XX:StartFlightRecording=filename=/tmp/{node}.jfr}): system property {@code bcs.node.jvmOpts},
   * else environment variable {@code BCS_NODE_JVM_OPTS}; whitespace-separated, and {@code {node}}
   * is replaced by the node's name so each process gets its own file.
   */
  static List<String> extraJvmOptions(String nodeName) {
    String raw = System.getProperty("bcs.node.jvmOpts", System.getenv("BCS_NODE_JVM_OPTS"));
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(raw.trim().split("\\s+")).map(o -> o.replace("{node}", nodeName)).toList();
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
