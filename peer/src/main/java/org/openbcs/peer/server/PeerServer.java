package org.openbcs.peer.server;

import io.grpc.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.chaincode.launcher.ChaincodeLauncher;
import org.openbcs.chaincode.launcher.ChaincodeTls;
import org.openbcs.chaincode.launcher.LauncherConfig;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.crypto.verify.SignatureVerifiers;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.ClientTrustBundle;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.committer.BlockCommitter;
import org.openbcs.peer.deliver.DeliverService;
import org.openbcs.peer.endorser.ChaincodeExecutor;
import org.openbcs.peer.endorser.Endorser;
import org.openbcs.peer.endorser.EndorserService;
import org.openbcs.peer.endorser.ProposalValidator;
import org.openbcs.peer.endorser.SystemChaincode;
import org.openbcs.peer.gateway.CommitWaiters;
import org.openbcs.peer.gateway.GatewayService;
import org.openbcs.peer.gateway.OrdererClient;
import org.openbcs.peer.gateway.RemoteEndorsers;
import org.openbcs.peer.lifecycle.EagerLaunch;
import org.openbcs.peer.lifecycle.InstalledChaincodes;
import org.openbcs.peer.lifecycle.LedgerChaincodeDefinitions;
import org.openbcs.peer.lifecycle.LifecycleChaincode;
import org.openbcs.peer.lifecycle.PackageActivator;
import org.openbcs.peer.puller.BlockPuller;
import org.openbcs.peer.qscc.QueryChaincode;
import org.openbcs.transport.GrpcTransport;
import org.openbcs.transport.StrictParsing;
import org.openbcs.transport.TlsClientCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running peer: per joined channel a ledger, MSPs, chaincode definitions, a committer and a
 * block puller; one TLS gRPC server with Gateway, Endorser and Deliver; a chaincode listener and
 * launcher for installed packages. {@link #start} returns once both listeners accept connections.
 *
 * <p>TLS: the peer's listener asks for a client certificate but does not require one, because
 * application clients (Fabric Gateway SDK, Caliper) connect server-auth only; a certificate that is
 * presented must chain to this peer's own TLS CA or a TLS CA of an organisation in its channels,
 * else the handshake fails. The peer presents its TLS certificate on its own node-to-node
 * connections (remote endorsers, orderers' Broadcast and Deliver).
 */
public final class PeerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerServer.class);

  /** Fabric's chaincode.executetimeout default. */
  static final Duration CHAINCODE_EXECUTE_TIMEOUT = Duration.ofSeconds(30);
  /** Deadline of one ProcessProposal call to another organisation's peer. */
  static final Duration REMOTE_ENDORSEMENT_TIMEOUT = Duration.ofSeconds(60);

  private final PeerConfig config;
  private final List<AutoCloseable> resources;
  private final Map<String, PeerChannel> channels;
  private final InstalledChaincodes installed;
  private final Server server;
  private final InetSocketAddress chaincodeAddress;
  private final ChaincodeSupport chaincodeSupport;

  private PeerServer(
      PeerConfig config,
      List<AutoCloseable> resources,
      Map<String, PeerChannel> channels,
      InstalledChaincodes installed,
      Server server,
      InetSocketAddress chaincodeAddress,
      ChaincodeSupport chaincodeSupport) {
    this.config = config;
    this.resources = resources;
    this.channels = channels;
    this.installed = installed;
    this.server = server;
    this.chaincodeAddress = chaincodeAddress;
    this.chaincodeSupport = chaincodeSupport;
  }

  public static PeerServer start(PeerConfig config) {
    return start(config, TimeSource.SYSTEM);
  }

  /**
   * The launcher's defaults plus, for profiling, whitespace-separated options from the environment
   * variable {@code BCS_CHAINCODE_JVM_OPTS} (a trailing one wins over a default, as the JVM takes
   * the last occurrence of a flag).
   */
  static List<String> chaincodeJvmOptions() {
    List<String> options = new ArrayList<>(LauncherConfig.DEFAULT_JVM_OPTIONS);
    String extra = System.getenv("BCS_CHAINCODE_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  public static PeerServer start(PeerConfig config, TimeSource time) {
    // Everything opened is closed again, newest first, if a later step fails.
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      return startInto(config, time, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  private static PeerServer startInto(PeerConfig config, TimeSource time, List<AutoCloseable> resources) {
    Path tlsCert = config.tlsDir().resolve("server.crt");
    Path tlsKey = config.tlsDir().resolve("server.key");
    Path tlsCa = config.tlsDir().resolve("ca.crt");
    List<Block> genesisBlocks = config.genesisBlocks().stream().map(PeerServer::readBlock).toList();
    List<ChannelConfig> channelConfigs = genesisBlocks.stream().map(ChannelConfig::fromBlock).toList();
    CryptoSuite suite = CryptoSuites.byName(channelConfigs.getFirst().cryptoSuite());
    SigningIdentity signer = MspDirectory.loadSigningIdentity(config.mspDir(), config.mspId(), suite);
    SignatureVerifier verifier = SignatureVerifiers.create(suite);
    if (verifier instanceof AutoCloseable closeable) {
      resources.add(closeable);
    }

    ChaincodeSupport chaincodeSupport = new ChaincodeSupport(time);
    resources.add(chaincodeSupport);
    InetSocketAddress chaincodeAddress =
        chaincodeSupport.listen(
            config.host(), config.chaincodePort(), new GrpcTransport.TlsFiles(tlsCert, tlsKey, tlsCa));
    LauncherConfig launcherConfig =
        LauncherConfig.plaintext(
                config.host() + ":" + chaincodeAddress.getPort(), config.mspId(), config.dataDir())
            .withTls(new ChaincodeTls(tlsCa, tlsCert, tlsKey))
            .withJvmOptions(chaincodeJvmOptions());
    ChaincodeLauncher launcher = new ChaincodeLauncher(chaincodeSupport, launcherConfig, time);
    resources.add(launcher);
    InstalledChaincodes installed = new InstalledChaincodes(config.dataDir());

    Map<String, PeerChannel> channels = new LinkedHashMap<>();
    CommitWaiters commitWaiters = new CommitWaiters();
    resources.add(commitWaiters);
    List<BlockPuller> pullers = new ArrayList<>();
    for (int i = 0; i < genesisBlocks.size(); i++) {
      Block genesis = genesisBlocks.get(i);
      ChannelConfig channelConfig = channelConfigs.get(i);
      String channelId = channelConfig.channelId();
      if (channels.containsKey(channelId)) {
        throw new IllegalArgumentException("two genesis blocks for channel '" + channelId + "'");
      }
      MspManager msps = MspManager.of(channelConfig.allMsps(), suite, time);
      PeerLedger ledger =
          Ledgers.openPeerLedger(config.dataDir().resolve("ledgers").resolve(channelId), channelId, suite);
      resources.add(ledger);
      if (ledger.blocks().height() == 0) {
        // The genesis block is the trust anchor the operator handed us: stored as is, all VALID.
        ledger.commit(genesis, new byte[genesis.getData().getDataCount()]);
        log.info("channel={} joined from its genesis block", channelId);
      }
      PeerChannel channel =
          new PeerChannel(
              channelId,
              channelConfig,
              msps,
              ledger,
              new LedgerChaincodeDefinitions(ledger, channelConfig, msps),
              suite,
              verifier);
      channels.put(channelId, channel);
      commitWaiters.attach(ledger);
      pullers.add(
          new BlockPuller(
              channel,
              config.ordererEndpoints(),
              config.ordererTlsRoots(),
              tlsCert,
              tlsKey,
              signer,
              new BlockCommitter(channel)));
    }

    QueryChaincode qscc = new QueryChaincode(channels::get);
    Map<String, SystemChaincode> byName = new LinkedHashMap<>();
    for (SystemChaincode sc : List.of(new LifecycleChaincode(), qscc)) {
      byName.put(sc.name(), sc);
    }
    PackageActivator activator = new PackageActivator(installed, launcher);
    ChaincodeExecutor executor =
        new ChaincodeExecutor(byName, chaincodeSupport, activator, CHAINCODE_EXECUTE_TIMEOUT);
    Endorser endorser = new Endorser(new ProposalValidator(channels::get), executor, signer);

    // Node-to-node connections present this peer's TLS certificate, so a server that asks for
    // client certificates (the orderers do) authenticates the peer, as the block puller already does.
    RemoteEndorsers remotes =
        new RemoteEndorsers(config.remotePeers(), config.remotePeersTlsRoots(), tlsCert, tlsKey);
    resources.add(remotes);
    OrdererClient orderers =
        new OrdererClient(config.ordererEndpoints(), config.ordererTlsRoots(), tlsCert, tlsKey, config.mspId());
    resources.add(orderers);
    DeliverService deliver = new DeliverService(channels::get, time);
    resources.add(deliver);

    // The gateway reports its own address in error details; the port is known once started.
    java.util.concurrent.atomic.AtomicReference<String> address = new java.util.concurrent.atomic.AtomicReference<>("");
    GatewayService gateway =
        new GatewayService(
            endorser, address::get, channels::get, remotes, orderers, commitWaiters, REMOTE_ENDORSEMENT_TIMEOUT);
    resources.add(gateway);
    Path clientRoots = ClientTrustBundle.write(config.dataDir(), tlsCa, channelConfigs);
    Server server =
        GrpcTransport.serverBuilder(
                config.host(), config.port(), new GrpcTransport.TlsFiles(tlsCert, tlsKey, clientRoots), false)
            .intercept(TlsClientCertificate.captureClientCertificate())
            .addService(StrictParsing.wrap(new EndorserService(endorser).bindService()))
            .addService(StrictParsing.wrap(deliver.bindService()))
            .addService(StrictParsing.wrap(gateway.bindService()))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the peer listener on " + config.host() + ":" + config.port(), e);
    }
    Server started = server;
    resources.add(() -> stopServer(started));
    address.set(config.host() + ":" + server.getPort());

    for (PeerChannel channel : channels.values()) {
      EagerLaunch eager = new EagerLaunch(channel, activator);
      resources.add(eager);
      eager.schedule();
    }
    for (BlockPuller puller : pullers) {
      resources.add(puller);
      puller.start();
    }
    log.info(
        "peer {} listening on {} (chaincode listener {}:{}), channels {}",
        config.mspId(),
        address.get(),
        config.host(),
        chaincodeAddress.getPort(),
        channels.keySet());
    return new PeerServer(config, resources, channels, installed, server, chaincodeAddress, chaincodeSupport);
  }

  /** The bound gRPC port (the real one when configured with port 0). */
  public int port() {
    return server.getPort();
  }

  public int chaincodePort() {
    return chaincodeAddress.getPort();
  }

  public String mspId() {
    return config.mspId();
  }

  public Set<String> channelIds() {
    return channels.keySet();
  }

  public PeerChannel channel(String channelId) {
    return channels.get(channelId);
  }

  /** The install registry in this peer's data directory. */
  public InstalledChaincodes installedChaincodes() {
    return installed;
  }

  /**
   * Waits until the chaincode process of an installed package has connected (it is started in
   * the background once its definition commits); false if the timeout passes first.
   */
  public boolean awaitChaincode(String packageId, Duration timeout) throws InterruptedException {
    return chaincodeSupport.awaitRegistered(packageId, timeout);
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    closeAll(resources);
    log.info("peer {} stopped", config.mspId());
  }

  private static void stopServer(Server server) throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("error while stopping {}", resources.get(i), e);
      }
    }
    resources.clear();
  }

  private static Block readBlock(Path file) {
    try {
      return Block.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read genesis block " + file, e);
    }
  }
}
