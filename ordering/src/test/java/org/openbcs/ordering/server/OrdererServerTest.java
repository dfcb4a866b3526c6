package org.openbcs.ordering.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbcs.ordering.server.SeekRangeTest.newest;
import static org.openbcs.ordering.server.SeekRangeTest.oldest;
import static org.openbcs.ordering.server.SeekRangeTest.specified;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.LastConfig;
import org.hyperledger.fabric.protos.common.Metadata;
import org.hyperledger.fabric.protos.common.MetadataSignature;
import org.hyperledger.fabric.protos.common.OrdererBlockMetadata;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekInfo.SeekBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.time.TimeSource;
import org.openbcs.identity.Identity;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ordering.block.BlockWriter;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererFixture.BroadcastClient;
import org.openbcs.ordering.server.OrdererFixture.Delivered;
import org.openbcs.transport.GrpcTransport;

/** An in-process orderer over TLS on 127.0.0.1:0, driven by plain gRPC clients. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrdererServerTest {
  private static final int MAX_COUNT = 3;
  private static final int ABSOLUTE_MAX_BYTES = 16 * 1024;

  private OrdererFixture fx;
  private OrdererServer server;
  private ManagedChannel channel;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    fx =
        new OrdererFixture(
            tmp,
            new ChannelConfig.BatchSettings(MAX_COUNT, ABSOLUTE_MAX_BYTES, 8 * 1024, Duration.ofMillis(200)));
    server = OrdererServer.start(fx.ordererConfig());
    channel = fx.connect(server);
  }

  @AfterAll
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
      assertThat(server.state()).isEqualTo("CLOSED");
    }
  }

  @Test
  void broadcastEnvelopesComeBackInSignedChainedBlocks() throws Exception {
    List<Envelope> sent = new ArrayList<>();
    try (BroadcastClient b = new BroadcastClient(channel)) {
      for (int i = 0; i < 7; i++) {
        Envelope env = fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("tx-" + i));
        sent.add(env);
        assertThat(b.send(env).getStatus()).isEqualTo(Status.SUCCESS);
      }
    }
    // Follow the chain from genesis until all seven are in; other tests' envelopes may share blocks.
    BlockingQueue<DeliverResponse> got = new LinkedBlockingQueue<>();
    StreamObserver<Envelope> requests = AtomicBroadcastGrpc.newStub(channel).deliver(collectInto(got));
    requests.onNext(
        fx.seek(fx.client, OrdererFixture.CHANNEL, oldest(), specified(Long.MAX_VALUE), SeekBehavior.BLOCK_UNTIL_READY));
    List<Block> blocks = new ArrayList<>();
    List<Envelope> received = new ArrayList<>();
    while (received.size() < sent.size()) {
      DeliverResponse r = got.poll(OrdererFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r).as("block within %s", OrdererFixture.WAIT).isNotNull();
      assertThat(r.hasBlock()).as("no status while streaming").isTrue();
      blocks.add(r.getBlock());
      for (ByteString data : r.getBlock().getData().getDataList()) {
        Envelope e = Envelope.parseFrom(data);
        if (sent.contains(e)) {
          received.add(e);
        }
      }
    }
    requests.onError(new RuntimeException("client done"));
    assertThat(received).containsExactlyElementsOf(sent);
    // 7 messages at most 3 per block: at least three blocks after genesis.
    assertThat(blocks.size()).isGreaterThanOrEqualTo(4);

    MspManager ordererMsps =
        MspManager.of(List.of(fx.channelConfig.ordererOrgs().get(0).msp()), fx.suite, TimeSource.SYSTEM);
    for (int i = 0; i < blocks.size(); i++) {
      Block block = blocks.get(i);
      assertThat(block.getHeader().getNumber()).isEqualTo(i);
      assertThat(block.getHeader().getDataHash().toByteArray()).isEqualTo(BlockHashing.dataHash(fx.suite, block.getData()));
      assertThat(block.getMetadata().getMetadataCount()).isEqualTo(5);
      assertThat(block.getData().getDataCount()).isBetween(1, MAX_COUNT);
      if (i == 0) {
        continue;
      }
      Block previous = blocks.get(i - 1);
      assertThat(block.getHeader().getPreviousHash().toByteArray())
          .isEqualTo(BlockHashing.headerHash(fx.suite, previous.getHeader()));
      assertOrdererSigned(block, ordererMsps);
    }
  }

  private void assertOrdererSigned(Block block, MspManager ordererMsps) throws Exception {
    Metadata md = Metadata.parseFrom(block.getMetadata().getMetadata(BlockMetadataIndex.SIGNATURES_VALUE));
    assertThat(OrdererBlockMetadata.parseFrom(md.getValue()).getLastConfig().getIndex()).isZero();
    assertThat(md.getSignaturesCount()).isEqualTo(1);
    MetadataSignature sig = md.getSignatures(0);
    SignatureHeader sh = SignatureHeader.parseFrom(sig.getSignatureHeader());
    assertThat(sh.getNonce().size()).isEqualTo(BlockWriter.NONCE_BYTES);
    Identity orderer = ordererMsps.deserialize(sh.getCreator().toByteArray());
    assertThat(orderer.mspId()).isEqualTo("OrdererMSP");
    byte[] signed = BlockWriter.signedBytes(md.getValue(), sig.getSignatureHeader(), block.getHeader());
    assertThat(fx.suite.verify(orderer.publicKey(), signed, sig.getSignature().toByteArray())).isTrue();
    // Flip one header byte: the signature must no longer verify.
    byte[] tampered = BlockWriter.signedBytes(
        md.getValue(), sig.getSignatureHeader(), block.getHeader().toBuilder().setNumber(block.getHeader().getNumber() + 1).build());
    assertThat(fx.suite.verify(orderer.publicKey(), tampered, sig.getSignature().toByteArray())).isFalse();
    Metadata lastConfig = Metadata.parseFrom(block.getMetadata().getMetadata(BlockMetadataIndex.LAST_CONFIG_VALUE));
    assertThat(LastConfig.parseFrom(lastConfig.getValue()).getIndex()).isZero();
  }

  @Test
  void badSignatureIsForbiddenAndTheStreamKeepsServing() throws Exception {
    Envelope good = fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("good"));
    byte[] sig = good.getSignature().toByteArray();
    sig[sig.length - 1] ^= 0x01;
    Envelope forged = good.toBuilder().setSignature(ByteString.copyFrom(sig)).build();
    try (BroadcastClient b = new BroadcastClient(channel)) {
      BroadcastResponse refused = b.send(forged);
      assertThat(refused.getStatus()).isEqualTo(Status.FORBIDDEN);
      assertThat(refused.getInfo()).contains("signature does not verify");
      BroadcastResponse stranger =
          b.send(fx.transaction(fx.stranger, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("x")));
      assertThat(stranger.getStatus()).isEqualTo(Status.FORBIDDEN);
      assertThat(stranger.getInfo()).startsWith("creator is not valid");
      assertThat(b.send(good).getStatus()).isEqualTo(Status.SUCCESS);
    }
  }

  @Test
  void malformedUnknownOversizedAndConfigUpdatesAreRefused() throws Exception {
    try (BroadcastClient b = new BroadcastClient(channel)) {
      BroadcastResponse malformed =
          b.send(Envelope.newBuilder().setPayload(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x02})).build());
      assertThat(malformed.getStatus()).isEqualTo(Status.BAD_REQUEST);
      assertThat(malformed.getInfo()).startsWith("malformed envelope payload");

      BroadcastResponse unknown = b.send(fx.transaction(fx.client, "nochannel", ByteString.copyFromUtf8("x")));
      assertThat(unknown.getStatus()).isEqualTo(Status.NOT_FOUND);
      assertThat(unknown.getInfo()).isEqualTo("channel 'nochannel' not found");

      Envelope big = fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFrom(new byte[ABSOLUTE_MAX_BYTES]));
      BroadcastResponse oversized = b.send(big);
      assertThat(oversized.getStatus()).isEqualTo(Status.BAD_REQUEST);
      assertThat(oversized.getInfo())
          .isEqualTo("message payload is " + big.getPayload().size() + " bytes and exceeds maximum allowed "
              + ABSOLUTE_MAX_BYTES + " bytes");

      BroadcastResponse update =
          b.send(fx.signed(fx.client, OrdererFixture.CHANNEL, HeaderType.CONFIG_UPDATE, ByteString.EMPTY));
      assertThat(update.getStatus()).isEqualTo(Status.BAD_REQUEST);
      assertThat(update.getInfo()).isEqualTo("config updates not supported yet");

      // Nothing above reached the consenter; a good envelope still does.
      assertThat(b.send(fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("ok"))).getStatus())
          .isEqualTo(Status.SUCCESS);
    }
  }

  @Test
  void deliverFollowsTheChainAsBlocksAreWritten() throws Exception {
    BlockingQueue<DeliverResponse> got = new LinkedBlockingQueue<>();
    StreamObserver<Envelope> requests =
        AtomicBroadcastGrpc.newStub(channel)
            .deliver(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DeliverResponse value) {
                    got.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    // Like a gateway client: from the current height to Long.MAX_VALUE, waiting for blocks. (A
    // next_commit start would race with the broadcast below: it resolves when served.)
    long from = server.height(OrdererFixture.CHANNEL);
    requests.onNext(
        fx.seek(fx.client, OrdererFixture.CHANNEL, specified(from), specified(Long.MAX_VALUE), SeekBehavior.BLOCK_UNTIL_READY));
    List<Envelope> sent = new ArrayList<>();
    try (BroadcastClient b = new BroadcastClient(channel)) {
      for (int i = 0; i < MAX_COUNT; i++) {
        Envelope env = fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("follow-" + i));
        sent.add(env);
        assertThat(b.send(env).getStatus()).isEqualTo(Status.SUCCESS);
      }
    }
    List<Envelope> received = new ArrayList<>();
    while (received.size() < sent.size()) {
      DeliverResponse r = got.poll(OrdererFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r).as("block within %s", OrdererFixture.WAIT).isNotNull();
      assertThat(r.hasBlock()).as("no status while streaming").isTrue();
      for (ByteString data : r.getBlock().getData().getDataList()) {
        Envelope e = Envelope.parseFrom(data);
        if (sent.contains(e)) {
          received.add(e);
        }
      }
    }
    assertThat(received).containsExactlyElementsOf(sent);
    requests.onError(new RuntimeException("client done"));
  }

  @Test
  void oneDeliverStreamServesRequestsOneAfterTheOther() throws Exception {
    BlockingQueue<DeliverResponse> got = new LinkedBlockingQueue<>();
    StreamObserver<Envelope> requests = AtomicBroadcastGrpc.newStub(channel).deliver(collectInto(got));
    requests.onNext(fx.seek(fx.client, OrdererFixture.CHANNEL, oldest(), oldest(), SeekBehavior.BLOCK_UNTIL_READY));
    requests.onNext(fx.seek(fx.client, OrdererFixture.CHANNEL, specified(0), specified(0), SeekBehavior.FAIL_IF_NOT_READY));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      DeliverResponse r = got.poll(OrdererFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r).isNotNull();
      seen.add(r.hasBlock() ? "block " + r.getBlock().getHeader().getNumber() : r.getStatus().name());
    }
    assertThat(seen).containsExactly("block 0", "SUCCESS", "block 0", "SUCCESS");
    requests.onCompleted();
  }

  @Test
  void deliverRequestsOutsideTheTimeWindowAreRefused() throws Exception {
    SeekInfo info = SeekInfo.newBuilder().setStart(oldest()).setStop(oldest()).build();
    long stale = System.currentTimeMillis() - Duration.ofMinutes(16).toMillis();
    Delivered d =
        OrdererFixture.deliver(
            channel,
            fx.signedAt(fx.client, OrdererFixture.CHANNEL, HeaderType.DELIVER_SEEK_INFO, info.toByteString(), stale));
    assertThat(d.status()).isEqualTo(Status.BAD_REQUEST);
    assertThat(d.blocks()).isEmpty();
  }

  private static StreamObserver<DeliverResponse> collectInto(BlockingQueue<DeliverResponse> got) {
    return new StreamObserver<>() {
      @Override
      public void onNext(DeliverResponse value) {
        got.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  @Test
  void peersOfOtherOrgsConnectWithMutualTls() throws Exception {
    // Org1's peer presents its TLS certificate, issued by Org1's TLS CA, not the orderer's.
    Path peerTls = fx.root.resolve("peer0/tls");
    ManagedChannel mtls =
        GrpcTransport.channel(
            "localhost", server.port(), fx.ordererDir.resolve("tls/ca.crt"),
            peerTls.resolve("server.crt"), peerTls.resolve("server.key"));
    try {
      Delivered d =
          OrdererFixture.deliver(mtls, fx.seek(fx.peer, OrdererFixture.CHANNEL, oldest(), oldest(), SeekBehavior.BLOCK_UNTIL_READY));
      assertThat(d.status()).isEqualTo(Status.SUCCESS);
      assertThat(d.blocks()).hasSize(1);
    } finally {
      mtls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void peersMayReadButNotWrite() throws Exception {
    try (BroadcastClient b = new BroadcastClient(channel)) {
      BroadcastResponse r = b.send(fx.transaction(fx.peer, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("p")));
      assertThat(r.getStatus()).isEqualTo(Status.FORBIDDEN);
      assertThat(r.getInfo()).contains("'Writers' sub-policies");
    }
    Delivered d =
        OrdererFixture.deliver(channel, fx.seek(fx.peer, OrdererFixture.CHANNEL, oldest(), oldest(), SeekBehavior.BLOCK_UNTIL_READY));
    assertThat(d.status()).isEqualTo(Status.SUCCESS);
    assertThat(d.blocks()).hasSize(1);
  }

  @Test
  void deliverRefusalsCarryFabricStatuses() throws Exception {
    long height = server.height(OrdererFixture.CHANNEL);
    Delivered notReady =
        OrdererFixture.deliver(
            channel,
            fx.seek(fx.client, OrdererFixture.CHANNEL, specified(height + 100), specified(height + 100), SeekBehavior.FAIL_IF_NOT_READY));
    assertThat(notReady.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(notReady.blocks()).isEmpty();

    Delivered unknown =
        OrdererFixture.deliver(channel, fx.seek(fx.client, "nochannel", oldest(), newest(), SeekBehavior.BLOCK_UNTIL_READY));
    assertThat(unknown.status()).isEqualTo(Status.NOT_FOUND);

    Delivered stranger =
        OrdererFixture.deliver(channel, fx.seek(fx.stranger, OrdererFixture.CHANNEL, oldest(), newest(), SeekBehavior.BLOCK_UNTIL_READY));
    assertThat(stranger.status()).isEqualTo(Status.FORBIDDEN);
    assertThat(stranger.blocks()).isEmpty();

    Delivered backwards =
        OrdererFixture.deliver(channel, fx.seek(fx.client, OrdererFixture.CHANNEL, specified(1), specified(0), SeekBehavior.BLOCK_UNTIL_READY));
    assertThat(backwards.status()).isEqualTo(Status.BAD_REQUEST);

    Delivered genesisOnly =
        OrdererFixture.deliver(channel, fx.seek(fx.client, OrdererFixture.CHANNEL, oldest(), oldest(), SeekBehavior.FAIL_IF_NOT_READY));
    assertThat(genesisOnly.status()).isEqualTo(Status.SUCCESS);
    assertThat(genesisOnly.blocks()).singleElement().satisfies(b -> assertThat(b.getHeader().getNumber()).isZero());
  }
}
