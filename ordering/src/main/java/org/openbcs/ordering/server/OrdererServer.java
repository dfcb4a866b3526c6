package org.openbcs.ordering.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ledger.BlockStore;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ordering.block.BlockWriter;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.solo.SoloConsenterFactory;
import org.openbcs.ordering.spi.ConsenterRegistry;
import org.openbcs.transport.GrpcTransport;
import org.openbcs.transport.StrictParsing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordering node: bootstraps its channels from genesis blocks (or reopens their stores), starts
 * a consenter per channel and serves {@code orderer.AtomicBroadcast} over gRPC with TLS.
 */
public final class OrdererServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrdererServer.class);

  /** How long shutdown lets in-flight calls finish before cancelling them. */
  private static final long SHUTDOWN_GRACE_MILLIS = 5_000;

  private final LifeCycle lifeCycle = new LifeCycle("orderer");
  private final OrdererConfig config;
  private final ChannelRegistry channels;
  private final DeliverStreams deliverStreams;
  private final Server server;

  private OrdererServer(
      OrdererConfig config, ChannelRegistry channels, DeliverStreams deliverStreams, Server server) {
    this.config = config;
    this.channels = channels;
    this.deliverStreams = deliverStreams;
    this.server = server;
  }

  /** The consenters this build ships. */
  public static ConsenterRegistry defaultConsenters() {
    return ConsenterRegistry.of(List.of(new SoloConsenterFactory()));
  }

  /** Starts an orderer with the shipped consenters and the system clock. */
  public static OrdererServer start(OrdererConfig config) {
    return start(config, TimeSource.SYSTEM, defaultConsenters());
  }

  /** Starts an orderer; returns once it accepts connections on {@link #port()}. */
  public static OrdererServer start(
      OrdererConfig config, TimeSource time, ConsenterRegistry consenters) {
    CryptoSuite suite = CryptoSuites.byName(config.cryptoSuite());
    SigningIdentity signer = MspDirectory.loadSigningIdentity(config.mspDir(), config.mspId(), suite);
    Map<String, OrdererChannel> opened = new LinkedHashMap<>();
    try {
      for (Path genesisFile : config.genesisBlocks()) {
        OrdererChannel channel = openChannel(config, genesisFile, suite, signer, time, consenters);
        if (opened.putIfAbsent(channel.channelId(), channel) != null) {
          channel.close();
          throw new IllegalArgumentException(
              "two genesis blocks for channel '" + channel.channelId() + "' (" + genesisFile + ")");
        }
      }
    } catch (RuntimeException e) {
      opened.values().forEach(OrdererChannel::close);
      throw e;
    }
    ChannelRegistry registry = new ChannelRegistry(opened);
    GrpcTransport.TlsFiles tls;
    Server grpc;
    DeliverStreams deliverStreams = new DeliverStreams();
    try {
      tls = tlsFiles(config, opened.values());
      // Every client of an orderer is a node (gateways broadcast, peers pull blocks, orderers run
      // consensus), so by default each must present a certificate from a trusted TLS CA. A
      // plaintext orderer (transport tests) has no certificates to ask for.
      boolean requireClientAuth = tls != null && config.clientAuth() == OrdererConfig.TlsClientAuth.REQUIRE;
      if (tls != null && !requireClientAuth) {
        log.warn("orderer accepts TLS clients without a certificate (client auth {})", config.clientAuth());
      }
      var builder =
          GrpcTransport.serverBuilder(config.host(), config.port(), tls, requireClientAuth)
              .addService(StrictParsing.wrap(new AtomicBroadcastService(registry, deliverStreams, time).bindService()));
      consenters.services().forEach(builder::addService);
      builder.intercept(TlsBinding.captureClientCertificate());
      grpc = builder.build();
    } catch (RuntimeException e) {
      opened.values().forEach(OrdererChannel::close);
      throw e;
    }
    OrdererServer node = new OrdererServer(config, registry, deliverStreams, grpc);
    node.serve(suite, tls == null ? "off" : "client auth " + config.clientAuth());
    return node;
  }

  /** Server TLS material; client certificates must chain to our own or a channel org's TLS CA. */
  private static GrpcTransport.TlsFiles tlsFiles(
      OrdererConfig config, java.util.Collection<OrdererChannel> channels) {
    if (config.tlsDir() == null) {
      log.warn("orderer serves plaintext gRPC: no TLS directory configured");
      return null;
    }
    GrpcTransport.TlsFiles own = GrpcTransport.TlsFiles.fabricLayout(config.tlsDir());
    Path clientRoots =
        ClientTrustBundle.write(
            config.dataDir(),
            own.trustedRoots(),
            channels.stream().map(OrdererChannel::config).toList());
    return new GrpcTransport.TlsFiles(own.certificate(), own.privateKey(), clientRoots);
  }

  private void serve(CryptoSuite suite, String tls) {
    lifeCycle.transition(LifeCycle.State.STARTING);
    try {
      channels.all().forEach(OrdererChannel::start);
      server.start();
    } catch (IOException | RuntimeException e) {
      lifeCycle.transition(LifeCycle.State.FAILED);
      close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "orderer cannot listen on " + config.host() + ":" + config.port(), io);
      }
      throw (RuntimeException) e;
    }
    lifeCycle.transition(LifeCycle.State.RUNNING);
    log.info(
        "orderer {} listening on {}:{} (tls: {}) channels={} suite={}",
        config.mspId(), config.host(), port(), tls, channels.ids(), suite.name());
  }

  private static OrdererChannel openChannel(
      OrdererConfig config,
      Path genesisFile,
      CryptoSuite suite,
      SigningIdentity signer,
      TimeSource time,
      ConsenterRegistry consenters) {
    Block genesis = readGenesis(genesisFile);
    ChannelConfig channelConfig;
    try {
      channelConfig = ChannelConfig.fromBlock(genesis);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(genesisFile + ": " + e.getMessage(), e);
    }
    String id = channelConfig.channelId();
    if (!channelConfig.cryptoSuite().equalsIgnoreCase(suite.name())) {
      throw new IllegalArgumentException(
          "channel '" + id + "' uses crypto suite " + channelConfig.cryptoSuite()
              + " but this orderer runs " + suite.name());
    }
    if (channelConfig.ordererOrgs().stream().noneMatch(o -> o.mspId().equals(signer.mspId()))) {
      // Peers check block signatures against the orderer orgs; ours would never verify.
      throw new IllegalArgumentException(
          "orderer identity of MSP " + signer.mspId() + " is not in an orderer organisation of channel '"
              + id + "'");
    }
    Path storeDir = config.dataDir().resolve("chains").resolve(id);
    BlockStore store = Ledgers.openBlockStore(storeDir, suite);
    try {
      bootstrap(id, store, genesis, suite);
      MspManager msps = MspManager.of(channelConfig.allMsps(), suite, time);
      BlockWriter writer = new BlockWriter(id, store, suite, signer, new SecureRandom());
      return new OrdererChannel(channelConfig, suite, msps, store, writer, time, consenters);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Writes block 0 into an empty store; on restart checks the store holds this very genesis. */
  private static void bootstrap(String channelId, BlockStore store, Block genesis, CryptoSuite suite) {
    if (genesis.getHeader().getNumber() != 0) {
      throw new IllegalArgumentException(
          "genesis block of channel '" + channelId + "' has number " + genesis.getHeader().getNumber());
    }
    if (store.height() == 0) {
      store.append(genesis);
      log.info("channel={} block=0 bootstrapped from genesis", channelId);
      return;
    }
    Block stored = store.blockByNumber(0).orElseThrow();
    byte[] storedHash = BlockHashing.headerHash(suite, stored.getHeader());
    byte[] givenHash = BlockHashing.headerHash(suite, genesis.getHeader());
    if (!Arrays.equals(storedHash, givenHash)) {
      throw new IllegalArgumentException(
          "channel '" + channelId + "': the stored block 0 differs from the given genesis block");
    }
    log.info("channel={} reopened at height {}", channelId, store.height());
  }

  private static Block readGenesis(Path file) {
    try {
      return Block.parseFrom(Files.readAllBytes(file));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + " is not a serialized common.Block: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read genesis block " + file, e);
    }
  }

  /** The bound port (the actual one when configured with port 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public Set<String> channelIds() {
    return channels.ids();
  }

  /** Height of a channel's chain on this orderer; IllegalArgumentException for an unknown channel. */
  public long height(String channelId) {
    try {
      return channels.require(channelId).height();
    } catch (RequestException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  public String state() {
    return lifeCycle.state().name();
  }

  /** Blocks until the server stops (after {@link #close()} from another thread). */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, halts consenters, wakes Deliver streams and closes the stores. */
  @Override
  public void close() {
    if (!lifeCycle.tryTransition(LifeCycle.State.CLOSING)) {
      return;
    }
    log.info("orderer {} shutting down", config.mspId());
    server.shutdown();
    deliverStreams.interruptAll();
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(SHUTDOWN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      for (OrdererChannel c : channels.all()) {
        try {
          c.close();
        } catch (RuntimeException e) {
          log.warn("channel={} close failed: {}", c.channelId(), e.toString());
        }
      }
      lifeCycle.transition(LifeCycle.State.CLOSED);
      log.info("orderer {} stopped", config.mspId());
    }
  }
}
