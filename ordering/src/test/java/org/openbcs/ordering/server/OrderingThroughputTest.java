package org.openbcs.ordering.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbcs.ordering.server.SeekRangeTest.oldest;
import static org.openbcs.ordering.server.SeekRangeTest.specified;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekInfo.SeekBehavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererFixture.BroadcastClient;
import org.openbcs.ordering.server.OrdererFixture.Delivered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end solo ordering rate over TLS: one Broadcast stream pipelines signed envelopes, then
 * one Deliver reads every block back. The batch timer is long so blocks are cut by count only. Logs the rate; asserts only completeness and order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OrderingThroughputTest {
  private static final Logger log = LoggerFactory.getLogger(OrderingThroughputTest.class);
  private static final int ENVELOPES = 1_000;
  private static final int BLOCK_TXS = 100;

  @Test
  void pipelinedBroadcastIsOrderedCompletely(@TempDir Path tmp) throws Exception {
    OrdererFixture fx =
        new OrdererFixture(tmp, new ChannelConfig.BatchSettings(BLOCK_TXS, 1 << 20, 1 << 19, Duration.ofSeconds(60)));
    List<Envelope> sent = new ArrayList<>(ENVELOPES);
    for (int i = 0; i < ENVELOPES; i++) {
      sent.add(fx.transaction(fx.client, OrdererFixture.CHANNEL, ByteString.copyFrom(new byte[200])));
    }
    try (OrdererServer server = OrdererServer.start(fx.ordererConfig())) {
      ManagedChannel ch = fx.connect(server);
      try {
        long startNanos = System.nanoTime();
        try (BroadcastClient b = new BroadcastClient(ch)) {
          sent.forEach(b::sendOnly);
          for (int i = 0; i < ENVELOPES; i++) {
            assertThat(b.next().getStatus()).isEqualTo(Status.SUCCESS);
          }
        }
        long lastBlock = ENVELOPES / BLOCK_TXS;
        Delivered d =
            OrdererFixture.deliver(
                ch, fx.seek(fx.client, OrdererFixture.CHANNEL, oldest(), specified(lastBlock), SeekBehavior.BLOCK_UNTIL_READY));
        long elapsedNanos = System.nanoTime() - startNanos;
        assertThat(d.status()).isEqualTo(Status.SUCCESS);
        List<Envelope> received = new ArrayList<>();
        for (Block block : d.blocks().subList(1, d.blocks().size())) {
          for (ByteString data : block.getData().getDataList()) {
            received.add(Envelope.parseFrom(data));
          }
        }
        assertThat(received).containsExactlyElementsOf(sent);
        double seconds = elapsedNanos / 1e9;
        log.info(
            "solo ordering: {} envelopes in {} blocks in {} s = {} tx/s (broadcast to delivered, TLS, one stream)",
            ENVELOPES, lastBlock, String.format("%.2f", seconds), String.format("%.0f", ENVELOPES / seconds));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
