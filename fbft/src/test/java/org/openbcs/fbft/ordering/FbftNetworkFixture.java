package org.openbcs.fbft.ordering;

import org.openbcs.common.net.LoopbackPorts;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;
import org.openbcs.common.bytes.Hex;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Role;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererConfig;
import org.openbcs.ordering.server.OrdererServer;
import org.openbcs.ordering.solo.SoloConsenterFactory;
import org.openbcs.ordering.spi.ConsenterRegistry;
import org.openbcs.transport.GrpcTransport;

/**
 * Four orderers of one orderer org, made with the real CA tooling, and a channel whose consensus
 * type is "fbft"; helpers to start/stop them, Broadcast, and read their chains through Deliver.
 */
final class FbftNetworkFixture {
  static final String CHANNEL = "fbftchannel";
  static final int ORDERERS = 4;
  static final Duration WAIT = Duration.ofSeconds(30);

  final CryptoSuite suite = CryptoSuites.defaultSuite();
  final Path root;
  final List<Path> nodeDirs = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  final List<Path> signCerts = new ArrayList<>();
  final Path genesisFile;
  final SigningIdentity client;
  final Map<String, String> options;
  private final SecureRandom random = new SecureRandom();

  FbftNetworkFixture(Path root, long baseTimeoutMillis, long idleBlockMillis) throws IOException {
    this(root, baseTimeoutMillis, idleBlockMillis, Map.of());
  }

  FbftNetworkFixture(Path root, long baseTimeoutMillis, long idleBlockMillis, Map<String, String> extraOptions)
      throws IOException {
    this.root = root;
    OrgCa ordererCa = OrgCa.create(root.resolve("orgs/orderer"), "OrdererMSP", "example.com", suite, TimeSource.SYSTEM);
    OrgCa org1 = OrgCa.create(root.resolve("orgs/org1"), "Org1MSP", "org1.example.com", suite, TimeSource.SYSTEM);
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < ORDERERS; i++) {
      Path dir = ordererCa.issue("orderer" + i, Role.ORDERER, List.of("localhost"), root.resolve("orderer" + i));
      nodeDirs.add(dir);
      int port = freePort();
      ports.add(port);
      endpoints.add("localhost:" + port);
      try (Stream<Path> s = Files.list(dir.resolve("msp/signcerts"))) {
        signCerts.add(s.findFirst().orElseThrow());
      }
    }
    client = MspDirectory.loadSigningIdentity(
        org1.issue("user1", Role.CLIENT, List.of(), root.resolve("user1")).resolve("msp"), "Org1MSP", suite);
    ChannelConfig config = new ChannelConfig(
        CHANNEL,
        List.of(new ChannelConfig.OrgSpec("Org1MSP", MspDirectory.load(org1.orgMspDir(), "Org1MSP"), List.of())),
        List.of(new ChannelConfig.OrgSpec("OrdererMSP", MspDirectory.load(ordererCa.orgMspDir(), "OrdererMSP"), List.of())),
        FbftConsenterFactory.TYPE,
        new ChannelConfig.BatchSettings(100, 10 * 1024 * 1024, 2 * 1024 * 1024, Duration.ofMillis(200)),
        endpoints,
        suite.name());
    genesisFile = root.resolve("genesis.block");
    Files.write(genesisFile, config.genesisBlock(suite).toByteArray());
    Map<String, String> opts = new java.util.HashMap<>(extraOptions);
    // -Dfbft.batches=on|off runs the network tests in the other payload mode (spec section 9).
    String batches = System.getProperty(FbftOptions.BATCHES);
    if (batches != null) {
      opts.putIfAbsent(FbftOptions.BATCHES, batches);
    }
    opts.put(FbftOptions.PEER_CERTS, String.join(",", signCerts.stream().map(Path::toString).toList()));
    opts.put(FbftOptions.BASE_TIMEOUT_MS, Long.toString(baseTimeoutMillis));
    opts.put(FbftOptions.IDLE_BLOCK_MS, Long.toString(idleBlockMillis));
    options = Map.copyOf(opts);
  }

  /**
   * Channel config must name every endpoint before any node binds, so ports are reserved up front.
   * The window between closing this probe socket and the orderer binding is the only race.
   */
  private static int freePort() {
    return LoopbackPorts.reserve("127.0.0.1");
  }

  OrdererConfig config(int i) {
    Path dir = nodeDirs.get(i);
    // Client certificates optional, so the tests' own Broadcast/Deliver clients connect
    // server-auth only and the FBFT method's per-call mutual-TLS check stays observable; the
    // orderers still present theirs to each other (FBFT frames, state transfer's Deliver).
    return new OrdererConfig(root.resolve("data" + i), "127.0.0.1", ports.get(i), dir.resolve("msp"), "OrdererMSP",
        dir.resolve("tls"), List.of(genesisFile), suite.name(), OrdererConfig.TlsClientAuth.OPTIONAL);
  }

  /** What node's Bcs.main wires for {@code bcs orderer start}: solo plus fbft. */
  OrdererServer start(int i) {
    OrdererConfig c = config(i);
    Map<String, String> opts = new java.util.HashMap<>(options);
    opts.put(FbftOptions.ENDPOINT, "localhost:" + ports.get(i));
    ConsenterRegistry registry =
        ConsenterRegistry.of(List.of(new SoloConsenterFactory(), new FbftConsenterFactory(c, FbftOptions.parse(opts))));
    return OrdererServer.start(c, TimeSource.SYSTEM, registry);
  }

  /** Where orderer {@code i} keeps the channel's FBFT state (WAL, applied height). */
  Path stateDir(int i) {
    return config(i).dataDir().resolve("fbft").resolve(CHANNEL);
  }

  /** The FBFT height orderer {@code i} last applied to its ledger (0 before its first commit). */
  long appliedFbftHeight(int i) {
    Path f = stateDir(i).resolve(FbftConsenter.APPLIED_FILE);
    try {
      return Files.exists(f) ? Long.parseLong(Files.readString(f).strip()) : 0;
    } catch (IOException | NumberFormatException e) {
      // Replaced by rename: it can vanish between the exists check and the read.
      return 0;
    }
  }

  ManagedChannel connect(int i) {
    return GrpcTransport.channel("localhost", ports.get(i), nodeDirs.get(i).resolve("tls/ca.crt"), null, null);
  }

  Envelope transaction(String data) {
    return signed(HeaderType.ENDORSER_TRANSACTION, ByteString.copyFromUtf8(data));
  }

  private Envelope signed(HeaderType type, ByteString data) {
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    byte[] creator = client.serialized();
    byte[] txIdInput = new byte[nonce.length + creator.length];
    System.arraycopy(nonce, 0, txIdInput, 0, nonce.length);
    System.arraycopy(creator, 0, txIdInput, nonce.length, creator.length);
    long now = System.currentTimeMillis();
    ChannelHeader ch = ChannelHeader.newBuilder()
        .setType(type.getNumber())
        .setChannelId(CHANNEL)
        .setTxId(Hex.encode(suite.hash(txIdInput)))
        .setTimestamp(Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000))
        .build();
    SignatureHeader sh = SignatureHeader.newBuilder()
        .setCreator(ByteString.copyFrom(creator)).setNonce(ByteString.copyFrom(nonce)).build();
    byte[] payload = Payload.newBuilder()
        .setHeader(Header.newBuilder().setChannelHeader(ch.toByteString()).setSignatureHeader(sh.toByteString()))
        .setData(data)
        .build()
        .toByteArray();
    return Envelope.newBuilder()
        .setPayload(ByteString.copyFrom(payload))
        .setSignature(ByteString.copyFrom(client.sign(payload)))
        .build();
  }

  /** One Broadcast of one envelope; returns the orderer's status. */
  static Status broadcast(ManagedChannel channel, Envelope env) throws Exception {
    CompletableFuture<BroadcastResponse> response = new CompletableFuture<>();
    StreamObserver<Envelope> requests = AtomicBroadcastGrpc.newStub(channel).broadcast(new StreamObserver<>() {
      @Override
      public void onNext(BroadcastResponse value) {
        response.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        response.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        response.completeExceptionally(new AssertionError("broadcast ended without a response"));
      }
    });
    requests.onNext(env);
    BroadcastResponse r = response.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    requests.onCompleted();
    return r.getStatus();
  }

  /** Blocks 0..last through Deliver. */
  List<Block> blocks(ManagedChannel channel, long last) throws Exception {
    SeekPosition start = SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(0)).build();
    SeekPosition stop = SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(last)).build();
    SeekInfo info = SeekInfo.newBuilder().setStart(start).setStop(stop)
        .setBehavior(SeekInfo.SeekBehavior.BLOCK_UNTIL_READY).build();
    List<Block> blocks = new ArrayList<>();
    CompletableFuture<Status> status = new CompletableFuture<>();
    StreamObserver<Envelope> requests = AtomicBroadcastGrpc.newStub(channel).deliver(new StreamObserver<>() {
      @Override
      public void onNext(DeliverResponse value) {
        if (value.hasBlock()) {
          synchronized (blocks) {
            blocks.add(value.getBlock());
          }
        } else {
          status.complete(value.getStatus());
        }
      }

      @Override
      public void onError(Throwable t) {
        status.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        status.completeExceptionally(new AssertionError("deliver ended without status"));
      }
    });
    requests.onNext(signed(HeaderType.DELIVER_SEEK_INFO, info.toByteString()));
    Status s = status.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    requests.onCompleted();
    if (s != Status.SUCCESS) {
      throw new AssertionError("deliver of blocks 0.." + last + " ended with " + s);
    }
    synchronized (blocks) {
      return List.copyOf(blocks);
    }
  }

  /** The payload strings of every transaction on orderer {@code i}'s chain, block 1 on. */
  List<String> payloads(OrdererServer server, ManagedChannel channel, int i) {
    try {
      List<String> out = new ArrayList<>();
      List<Block> chain = blocks(channel, server.height(CHANNEL) - 1);
      for (Block b : chain.subList(1, chain.size())) {
        for (ByteString env : b.getData().getDataList()) {
          out.add(Payload.parseFrom(Envelope.parseFrom(env).getPayload()).getData().toStringUtf8());
        }
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("cannot read the chain of orderer " + i, e);
    }
  }

  /** Waits until each listed orderer's chain holds exactly {@code txs}, each once. */
  void awaitAllHold(OrdererServer[] servers, ManagedChannel[] channels, List<Integer> nodes, List<String> txs) {
    for (int i : nodes) {
      await("orderer " + i + " holds " + txs.size() + " transactions",
          () -> payloads(servers[i], channels[i], i).size() >= txs.size());
      org.assertj.core.api.Assertions.assertThat(payloads(servers[i], channels[i], i)).as("orderer %d", i)
          .containsExactlyInAnyOrderElementsOf(txs);
    }
  }

  /** Same heights, and block for block the same header and data (signatures are per orderer). */
  void assertSameChains(OrdererServer[] servers, ManagedChannel[] channels, List<Integer> nodes) throws Exception {
    int first = nodes.get(0);
    await("equal heights", () -> nodes.stream().map(i -> servers[i].height(CHANNEL)).distinct().count() == 1);
    long height = servers[first].height(CHANNEL);
    List<Block> reference = blocks(channels[first], height - 1);
    org.assertj.core.api.Assertions.assertThat(reference).hasSize((int) height);
    for (int i : nodes) {
      List<Block> mine = blocks(channels[i], height - 1);
      org.assertj.core.api.Assertions.assertThat(mine).hasSize((int) height);
      for (int h = 0; h < height; h++) {
        org.assertj.core.api.Assertions.assertThat(mine.get(h).getHeader()).as("orderer %d header %d", i, h)
            .isEqualTo(reference.get(h).getHeader());
        org.assertj.core.api.Assertions.assertThat(mine.get(h).getData()).as("orderer %d data %d", i, h)
            .isEqualTo(reference.get(h).getData());
      }
    }
  }

  /** Polls {@code condition} (each poll a real read of node state) until it holds or {@link #WAIT} passes. */
  /** Closes every client channel and orderer of a test; slots already closed are null. */
  static void closeAll(OrdererServer[] servers, ManagedChannel[] channels) {
    for (int i = 0; i < servers.length; i++) {
      if (channels[i] != null) {
        channels[i].shutdownNow();
      }
      if (servers[i] != null) {
        servers[i].close();
      }
    }
  }

  static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
