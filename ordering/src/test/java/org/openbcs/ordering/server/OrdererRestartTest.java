package org.openbcs.ordering.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openbcs.ordering.server.SeekRangeTest.specified;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.grpc.stub.StreamObserver;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekInfo.SeekBehavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererFixture.BroadcastClient;
import org.openbcs.ordering.server.OrdererFixture.Delivered;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrdererRestartTest {
  @TempDir Path tmp;

  @Test
  void restartOnTheSameDataDirKeepsHeightAndChainsOn() throws Exception {
    // One message per block: each broadcast makes exactly one block.
    OrdererFixture fx =
        new OrdererFixture(tmp, new ChannelConfig.BatchSettings(1, 64 * 1024, 32 * 1024, Duration.ofSeconds(2)));
    Block lastBefore;
    try (OrdererServer first = OrdererServer.start(fx.ordererConfig())) {
      lastBefore = broadcastAndFetch(fx, first, 2, 1);
      assertThat(first.height(OrdererFixture.CHANNEL)).isEqualTo(3);
    }
    try (OrdererServer second = OrdererServer.start(fx.ordererConfig())) {
      assertThat(second.height(OrdererFixture.CHANNEL)).isEqualTo(3);
      Block next = broadcastAndFetch(fx, second, 1, 3);
      assertThat(next.getHeader().getNumber()).isEqualTo(3);
      assertThat(next.getHeader().getPreviousHash().toByteArray())
          .isEqualTo(BlockHashing.headerHash(fx.suite, lastBefore.getHeader()));
    }
  }

  @Test
  void refusesAGenesisBlockThatDiffersFromTheStoredOne() throws Exception {
    OrdererFixture fx =
        new OrdererFixture(tmp, new ChannelConfig.BatchSettings(1, 64 * 1024, 32 * 1024, Duration.ofSeconds(2)));
    try (OrdererServer first = OrdererServer.start(fx.ordererConfig())) {
      assertThat(first.height(OrdererFixture.CHANNEL)).isEqualTo(1);
    }
    ChannelConfig changed =
        new ChannelConfig(
            fx.channelConfig.channelId(),
            fx.channelConfig.applicationOrgs(),
            fx.channelConfig.ordererOrgs(),
            "solo",
            new ChannelConfig.BatchSettings(5, 64 * 1024, 32 * 1024, Duration.ofSeconds(2)),
            List.of(),
            fx.suite.name());
    Files.write(fx.genesisFile, changed.genesisBlock(fx.suite).toByteArray());
    assertThatThrownBy(() -> OrdererServer.start(fx.ordererConfig()))
        .hasMessageContaining("the stored block 0 differs from the given genesis block");
  }

  @Test
  void aTakenPortFailsStartupAndReleasesTheStore() throws Exception {
    OrdererFixture fx =
        new OrdererFixture(tmp, new ChannelConfig.BatchSettings(1, 64 * 1024, 32 * 1024, Duration.ofSeconds(2)));
    try (OrdererServer first = OrdererServer.start(fx.ordererConfig())) {
      OrdererConfig c = fx.ordererConfig();
      OrdererConfig clash =
          new OrdererConfig(tmp.resolve("data2"), c.host(), first.port(), c.mspDir(), c.mspId(), c.tlsDir(), c.genesisBlocks(), c.cryptoSuite());
      assertThatThrownBy(() -> OrdererServer.start(clash))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("orderer cannot listen on 127.0.0.1:" + first.port());
      // The failed node closed its store: a node on that data dir and a free port starts.
      OrdererConfig free =
          new OrdererConfig(tmp.resolve("data2"), c.host(), 0, c.mspDir(), c.mspId(), c.tlsDir(), c.genesisBlocks(), c.cryptoSuite());
      try (OrdererServer second = OrdererServer.start(free)) {
        assertThat(second.height(OrdererFixture.CHANNEL)).isEqualTo(1);
      }
    }
  }

  @Test
  void shutdownEndsFollowingDeliverStreams() throws Exception {
    OrdererFixture fx =
        new OrdererFixture(tmp, new ChannelConfig.BatchSettings(1, 64 * 1024, 32 * 1024, Duration.ofSeconds(2)));
    OrdererServer server = OrdererServer.start(fx.ordererConfig());
    ManagedChannel ch = fx.connect(server);
    try {
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      CountDownLatch genesisSeen = new CountDownLatch(1);
      StreamObserver<Envelope> requests =
          AtomicBroadcastGrpc.newStub(ch)
              .deliver(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(DeliverResponse value) {
                      genesisSeen.countDown();
                    }

                    @Override
                    public void onError(Throwable t) {
                      ended.complete(t);
                    }

                    @Override
                    public void onCompleted() {
                      ended.complete(null);
                    }
                  });
      requests.onNext(
          fx.seek(fx.client, OrdererFixture.CHANNEL, SeekRangeTest.oldest(), specified(Long.MAX_VALUE), SeekBehavior.BLOCK_UNTIL_READY));
      assertThat(genesisSeen.await(OrdererFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      server.close();
      assertThat(server.state()).isEqualTo("CLOSED");
      Throwable t = ended.get(OrdererFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(io.grpc.Status.fromThrowable(t).getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      assertThat(io.grpc.Status.fromThrowable(t).getDescription()).isEqualTo("orderer is shutting down");
    } finally {
      server.close();
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void refusesToSignWithAnIdentityOutsideTheOrdererOrgs() throws Exception {
    OrdererFixture fx =
        new OrdererFixture(tmp, new ChannelConfig.BatchSettings(1, 64 * 1024, 32 * 1024, Duration.ofSeconds(2)));
    OrdererConfig c = fx.ordererConfig();
    OrdererConfig asClient =
        new OrdererConfig(c.dataDir(), c.host(), 0, tmp.resolve("user1/msp"), "Org1MSP", c.tlsDir(), c.genesisBlocks(), c.cryptoSuite());
    assertThatThrownBy(() -> OrdererServer.start(asClient))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("orderer identity of MSP Org1MSP is not in an orderer organisation of channel 'mychannel'");
  }

  /** Broadcasts {@code count} envelopes, then delivers up to block {@code firstNew + count - 1}. */
  private static Block broadcastAndFetch(OrdererFixture fx, OrdererServer server, int count, long firstNew)
      throws Exception {
    ManagedChannel ch = fx.connect(server);
    try {
      try (BroadcastClient b = new BroadcastClient(ch)) {
        for (int i = 0; i < count; i++) {
          assertThat(b.send(fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFromUtf8("r" + i))).getStatus())
              .isEqualTo(Status.SUCCESS);
        }
      }
      long last = firstNew + count - 1;
      Delivered d =
          OrdererFixture.deliver(
              ch, fx.seek(fx.client, OrdererFixture.CHANNEL, specified(last), specified(last), SeekBehavior.BLOCK_UNTIL_READY));
      assertThat(d.status()).isEqualTo(Status.SUCCESS);
      return d.blocks().get(0);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
