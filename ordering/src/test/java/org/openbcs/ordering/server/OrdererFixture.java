package org.openbcs.ordering.server;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
import org.openbcs.transport.GrpcTransport;

/**
 * Crypto material, genesis block and client helpers for in-process orderer tests: an orderer org
 * and one application org made with the real CA tooling, a client identity, and envelopes signed
 * the way Fabric clients sign them.
 */
final class OrdererFixture {
  static final String CHANNEL = "mychannel";
  static final Duration WAIT = Duration.ofSeconds(20);

  final CryptoSuite suite = CryptoSuites.defaultSuite();
  final Path root;
  final Path ordererDir;
  final Path genesisFile;
  final ChannelConfig channelConfig;
  final SigningIdentity client;
  final SigningIdentity stranger;
  final SigningIdentity peer;
  private final SecureRandom random = new SecureRandom();

  OrdererFixture(Path root, ChannelConfig.BatchSettings batch) throws IOException {
    this.root = root;
    OrgCa ordererCa = OrgCa.create(root.resolve("orgs/orderer"), "OrdererMSP", "example.com", suite, TimeSource.SYSTEM);
    OrgCa org1 = OrgCa.create(root.resolve("orgs/org1"), "Org1MSP", "org1.example.com", suite, TimeSource.SYSTEM);
    OrgCa other = OrgCa.create(root.resolve("orgs/other"), "OtherMSP", "other.example.com", suite, TimeSource.SYSTEM);
    ordererDir = ordererCa.issue("orderer", Role.ORDERER, List.of("localhost"), root.resolve("orderer"));
    Path userDir = org1.issue("user1", Role.CLIENT, List.of(), root.resolve("user1"));
    Path strangerDir = other.issue("user9", Role.CLIENT, List.of(), root.resolve("user9"));
    client = MspDirectory.loadSigningIdentity(userDir.resolve("msp"), "Org1MSP", suite);
    stranger = MspDirectory.loadSigningIdentity(strangerDir.resolve("msp"), "OtherMSP", suite);
    Path peerDir = org1.issue("peer0", Role.PEER, List.of("localhost"), root.resolve("peer0"));
    peer = MspDirectory.loadSigningIdentity(peerDir.resolve("msp"), "Org1MSP", suite);
    channelConfig =
        new ChannelConfig(
            CHANNEL,
            List.of(new ChannelConfig.OrgSpec("Org1MSP", MspDirectory.load(org1.orgMspDir(), "Org1MSP"), List.of())),
            List.of(new ChannelConfig.OrgSpec("OrdererMSP", MspDirectory.load(ordererCa.orgMspDir(), "OrdererMSP"), List.of())),
            "solo",
            batch,
            List.of("localhost:7050"),
            suite.name());
    genesisFile = root.resolve("genesis.block");
    Files.write(genesisFile, channelConfig.genesisBlock(suite).toByteArray());
  }

  OrdererConfig ordererConfig() {
    return new OrdererConfig(
        root.resolve("data"),
        "127.0.0.1",
        0,
        ordererDir.resolve("msp"),
        "OrdererMSP",
        ordererDir.resolve("tls"),
        List.of(genesisFile),
        suite.name());
  }

  /** A channel as a peer opens it: mutual TLS with Org1 peer0's TLS certificate. */
  ManagedChannel connect(OrdererServer server) {
    return connectWith(server, peerTlsDir());
  }

  /** Mutual TLS presenting {@code tlsDir/server.crt}. */
  ManagedChannel connectWith(OrdererServer server, Path tlsDir) {
    return GrpcTransport.channel(
        "localhost", server.port(), ordererDir.resolve("tls/ca.crt"),
        tlsDir.resolve("server.crt"), tlsDir.resolve("server.key"));
  }

  /** Server-auth-only TLS, as a Fabric SDK client without a client certificate connects. */
  ManagedChannel connectWithoutCertificate(OrdererServer server) {
    return GrpcTransport.channel("localhost", server.port(), ordererDir.resolve("tls/ca.crt"), null, null);
  }

  /** TLS folder of Org1's peer0, issued by Org1's TLS CA. */
  Path peerTlsDir() {
    return root.resolve("peer0/tls");
  }

  /** Fabric's tls_cert_hash of a TLS certificate file: the suite hash of its DER encoding. */
  byte[] tlsCertHash(Path certificateFile) throws Exception {
    return suite.hash(suite.parseCertificate(Files.readAllBytes(certificateFile)).getEncoded());
  }

  Envelope transaction(SigningIdentity signer, String channel, ByteString data) {
    return signed(signer, channel, HeaderType.ENDORSER_TRANSACTION, data);
  }

  Envelope signed(SigningIdentity signer, String channel, HeaderType type, ByteString data) {
    return signedAt(signer, channel, type, data, System.currentTimeMillis());
  }

  Envelope signedAt(SigningIdentity signer, String channel, HeaderType type, ByteString data, long now) {
    return signedBound(signer, channel, type, data, now, new byte[0]);
  }

  /** An envelope whose channel header binds it to the TLS client certificate with this hash. */
  Envelope signedBound(
      SigningIdentity signer, String channel, HeaderType type, ByteString data, long now, byte[] tlsCertHash) {
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    byte[] creator = signer.serialized();
    byte[] txIdInput = new byte[nonce.length + creator.length];
    System.arraycopy(nonce, 0, txIdInput, 0, nonce.length);
    System.arraycopy(creator, 0, txIdInput, nonce.length, creator.length);
    ChannelHeader ch =
        ChannelHeader.newBuilder()
            .setType(type.getNumber())
            .setChannelId(channel)
            .setTxId(Hex.encode(suite.hash(txIdInput)))
            .setTimestamp(Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000))
            .setTlsCertHash(ByteString.copyFrom(tlsCertHash))
            .build();
    SignatureHeader sh =
        SignatureHeader.newBuilder().setCreator(ByteString.copyFrom(creator)).setNonce(ByteString.copyFrom(nonce)).build();
    Payload payload =
        Payload.newBuilder()
            .setHeader(Header.newBuilder().setChannelHeader(ch.toByteString()).setSignatureHeader(sh.toByteString()))
            .setData(data)
            .build();
    byte[] payloadBytes = payload.toByteArray();
    return Envelope.newBuilder()
        .setPayload(ByteString.copyFrom(payloadBytes))
        .setSignature(ByteString.copyFrom(signer.sign(payloadBytes)))
        .build();
  }

  Envelope seek(SigningIdentity signer, String channel, SeekPosition start, SeekPosition stop, SeekInfo.SeekBehavior behavior) {
    SeekInfo info = SeekInfo.newBuilder().setStart(start).setStop(stop).setBehavior(behavior).build();
    return signed(signer, channel, HeaderType.DELIVER_SEEK_INFO, info.toByteString());
  }

  /** A seek for block 0 only, bound to the TLS client certificate with this hash. */
  Envelope boundSeekOfGenesis(SigningIdentity signer, byte[] tlsCertHash) {
    SeekPosition genesis =
        SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(0)).build();
    SeekInfo info =
        SeekInfo.newBuilder().setStart(genesis).setStop(genesis).setBehavior(SeekInfo.SeekBehavior.FAIL_IF_NOT_READY).build();
    return signedBound(
        signer, CHANNEL, HeaderType.DELIVER_SEEK_INFO, info.toByteString(), System.currentTimeMillis(), tlsCertHash);
  }

  /** A Broadcast stream whose responses are collected in order. */
  static final class BroadcastClient implements AutoCloseable {
    private final BlockingQueue<BroadcastResponse> responses = new LinkedBlockingQueue<>();
    private final StreamObserver<Envelope> requests;

    BroadcastClient(ManagedChannel channel) {
      requests =
          AtomicBroadcastGrpc.newStub(channel)
              .broadcast(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(BroadcastResponse value) {
                      responses.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
    }

    BroadcastResponse send(Envelope env) throws InterruptedException {
      requests.onNext(env);
      return next();
    }

    BroadcastResponse next() throws InterruptedException {
      BroadcastResponse r = responses.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (r == null) {
        throw new AssertionError("no broadcast response within " + WAIT);
      }
      return r;
    }

    void sendOnly(Envelope env) {
      requests.onNext(env);
    }

    @Override
    public void close() {
      requests.onCompleted();
    }
  }

  /** The outcome of one Deliver request: the blocks streamed and the final status. */
  record Delivered(List<Block> blocks, Status status) {}

  /** Sends one Deliver request on a fresh stream and collects everything until its status. */
  static Delivered deliver(ManagedChannel channel, Envelope request) throws Exception {
    List<Block> blocks = new ArrayList<>();
    CompletableFuture<Status> status = new CompletableFuture<>();
    StreamObserver<Envelope> requests =
        AtomicBroadcastGrpc.newStub(channel)
            .deliver(
                new StreamObserver<>() {
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
                    status.completeExceptionally(new AssertionError("stream ended without status"));
                  }
                });
    requests.onNext(request);
    Status s = status.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    requests.onCompleted();
    synchronized (blocks) {
      return new Delivered(List.copyOf(blocks), s);
    }
  }
}
