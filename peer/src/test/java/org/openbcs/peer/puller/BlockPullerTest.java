package org.openbcs.peer.puller;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.ordering.server.OrdererConfig;
import org.openbcs.ordering.server.OrdererServer;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.committer.BlockCommitter;
import org.openbcs.peer.committer.TestNetwork;
import org.openbcs.peer.committer.TxFactory;
import org.openbcs.transport.GrpcTransport;

/** A real orderer (solo, plaintext gRPC on 127.0.0.1) feeding a real peer ledger through the puller. */
@Timeout(90)
class BlockPullerTest {
  static final long DEADLINE_SECONDS = 30;

  @TempDir Path dir;
  TestNetwork net;
  TxFactory txs;
  PeerChannel channel;
  BlockCommitter committer;
  OrdererServer orderer;
  BlockPuller puller;
  Path genesisFile;
  SigningIdentity client;

  @BeforeEach
  void setUp() throws Exception {
    net = new TestNetwork(dir.resolve("crypto"), "Org1MSP", "Org2MSP");
    txs = new TxFactory(net.suite);
    net.define("basic", "OR('Org1MSP.peer','Org2MSP.peer')");
    Block genesis = net.config.genesisBlock(net.suite);
    genesisFile = dir.resolve("genesis.block");
    Files.write(genesisFile, genesis.toByteArray());
    channel = net.openChannel(dir.resolve("peer-ledger"));
    committer = new BlockCommitter(channel);
    committer.commit(genesis);
    client = net.clients.get("Org1MSP");
  }

  @AfterEach
  void tearDown() {
    if (puller != null) {
      puller.close();
    }
    if (orderer != null) {
      orderer.close();
    }
    net.close();
  }

  private OrdererServer startOrderer(int port) {
    return startOrderer(port, null);
  }

  private OrdererServer startOrderer(int port, Path tlsDir) {
    return OrdererServer.start(
        new OrdererConfig(
            dir.resolve("orderer"),
            "127.0.0.1",
            port,
            net.identityDirs.get("OrdererMSP/orderer0").resolve("msp"),
            "OrdererMSP",
            tlsDir,
            List.of(genesisFile),
            net.suite.name()));
  }

  private BlockPuller startPuller(int port) {
    BlockPuller p =
        new BlockPuller(
            channel, List.of("127.0.0.1:" + port), null, null, null, net.peers.get("Org1MSP"), committer);
    p.start();
    return p;
  }

  /** Broadcasts envelopes on one stream and waits for every SUCCESS. */
  private void broadcast(int port, List<Envelope> envelopes) throws Exception {
    ManagedChannel ch = GrpcTransport.channel("127.0.0.1", port, null, null, null);
    try {
      broadcastOn(ch, envelopes);
    } finally {
      ch.shutdownNow();
    }
  }

  private void broadcastOn(ManagedChannel ch, List<Envelope> envelopes) throws Exception {
    {
      List<BroadcastResponse> responses = new ArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<Envelope> requests =
          AtomicBroadcastGrpc.newStub(ch)
              .broadcast(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(BroadcastResponse value) {
                      synchronized (responses) {
                        responses.add(value);
                      }
                    }

                    @Override
                    public void onError(Throwable t) {
                      done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                      done.complete(null);
                    }
                  });
      envelopes.forEach(requests::onNext);
      requests.onCompleted();
      done.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      assertThat(responses).hasSize(envelopes.size()).allMatch(r -> r.getStatus() == Status.SUCCESS);
    }
  }

  private List<Envelope> transactions(String prefix, int n) {
    List<Envelope> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(txs.tx(client, "basic").endorsedBy(net.peers.get("Org2MSP")).writes(prefix + i, "v" + i).build());
    }
    return out;
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
      // Poll the ledger's own wait primitive rather than sleeping blindly.
      channel.ledger().blocks().awaitHeight(channel.ledger().blocks().height(), 50);
    }
  }

  @Test
  void broadcastTransactionsEndUpCommittedOnThePeer() throws Exception {
    orderer = startOrderer(0);
    puller = startPuller(orderer.port());
    broadcast(orderer.port(), transactions("a", 3));

    // The committer counts a block once the ledger returns; its state is visible a moment earlier.
    await(
        "three writes committed and counted",
        () -> channel.ledger().getState("basic", "a2").isPresent()
            && committer.counters().count(org.hyperledger.fabric.protos.peer.TxValidationCode.VALID) == 4);
    assertThat(channel.ledger().getState("basic", "a0")).isPresent();
    assertThat(channel.ledger().blocks().height()).isEqualTo(orderer.height(TestNetwork.CHANNEL));
    Block b1 = channel.ledger().blocks().blockByNumber(1).orElseThrow();
    assertThat(b1.getMetadata().getMetadata(2).toByteArray()).containsOnly(0);
    assertThat(committer.counters().count(org.hyperledger.fabric.protos.peer.TxValidationCode.VALID))
        .isEqualTo(4);
  }

  @Test
  void pullsOverMutualTlsAsThePeerServerWiresIt() throws Exception {
    Path ordererTls = net.identityDirs.get("OrdererMSP/orderer0").resolve("tls");
    Path peerTls = net.identityDirs.get("Org1MSP/peer0").resolve("tls");
    orderer = startOrderer(0, ordererTls);
    puller =
        new BlockPuller(
            channel,
            List.of("127.0.0.1:" + orderer.port()),
            ordererTls.resolve("ca.crt"),
            peerTls.resolve("server.crt"),
            peerTls.resolve("server.key"),
            net.peers.get("Org1MSP"),
            committer);
    puller.start();
    // Broadcast as the peer's gateway does: the orderer requires a TLS client certificate.
    ManagedChannel ch =
        GrpcTransport.channel(
            "127.0.0.1", orderer.port(), ordererTls.resolve("ca.crt"),
            peerTls.resolve("server.crt"), peerTls.resolve("server.key"));
    try {
      broadcastOn(ch, transactions("tls", 2));
    } finally {
      ch.shutdownNow();
    }
    await("writes over TLS committed", () -> channel.ledger().getState("basic", "tls1").isPresent());
  }

  @Test
  void pullerReconnectsAfterTheOrdererRestartsAndCatchesUp() throws Exception {
    orderer = startOrderer(0);
    int port = orderer.port();
    puller = startPuller(port);
    broadcast(port, transactions("before", 2));
    await("first blocks", () -> channel.ledger().getState("basic", "before1").isPresent());

    orderer.close();
    orderer = startOrderer(port);
    broadcast(port, transactions("after", 2));
    broadcast(port, transactions("later", 2));

    await("blocks after restart", () -> channel.ledger().getState("basic", "later1").isPresent());
    assertThat(channel.ledger().getState("basic", "after0")).isPresent();
    await("same height as the orderer",
        () -> channel.ledger().blocks().height() == orderer.height(TestNetwork.CHANNEL));
  }

  private static Block signedBy(Block block, SigningIdentity signer) {
    com.google.protobuf.ByteString value = com.google.protobuf.ByteString.copyFromUtf8("orderer metadata");
    com.google.protobuf.ByteString sigHeader =
        org.hyperledger.fabric.protos.common.SignatureHeader.newBuilder()
            .setCreator(com.google.protobuf.ByteString.copyFrom(signer.serialized()))
            .setNonce(com.google.protobuf.ByteString.copyFromUtf8("nonce"))
            .build()
            .toByteString();
    byte[] sig = signer.sign(org.openbcs.ordering.block.BlockWriter.signedBytes(value, sigHeader, block.getHeader()));
    org.hyperledger.fabric.protos.common.Metadata md =
        org.hyperledger.fabric.protos.common.Metadata.newBuilder()
            .setValue(value)
            .addSignatures(
                org.hyperledger.fabric.protos.common.MetadataSignature.newBuilder()
                    .setSignatureHeader(sigHeader)
                    .setSignature(com.google.protobuf.ByteString.copyFrom(sig)))
            .build();
    return block.toBuilder().setMetadata(block.getMetadata().toBuilder().setMetadata(0, md.toByteString())).build();
  }

  @Test
  void blocksNotSignedByAnOrdererAreRejected() {
    OrdererBlockVerifier verifier = new OrdererBlockVerifier(channel);
    Block next = txs.nextBlock(channel.ledger().blocks().blockByNumber(0).orElseThrow(), transactions("x", 1));
    var info = channel.ledger().info();
    assertThat(verifier.verify(next, info.height(), info.currentBlockHash()).reason())
        .isEqualTo("block 1 is not signed by an orderer of the channel: no signatures");
    Block peerSigned = signedBy(next, net.peers.get("Org1MSP"));
    assertThat(verifier.verify(peerSigned, info.height(), info.currentBlockHash()).reason())
        .contains("signer of MSP Org1MSP is not an orderer organisation");
    Block ordererSigned = signedBy(next, net.orderer);
    assertThat(verifier.verify(ordererSigned, info.height(), info.currentBlockHash()).accepted()).isTrue();
    assertThat(verifier.verify(next, 5, info.currentBlockHash()).reason())
        .isEqualTo("received block 1, expected block 5");
    Block wrongParent = next.toBuilder().setHeader(next.getHeader().toBuilder().setPreviousHash(com.google.protobuf.ByteString.copyFromUtf8("x"))).build();
    assertThat(verifier.verify(wrongParent, 1, info.currentBlockHash()).reason())
        .contains("previous hash does not match");
  }
}
