package org.openbcs.ordering.solo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.common.time.TimeSource;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.spi.ChainSupport;
import org.openbcs.ordering.spi.OrderingException;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SoloConsenterTest {
  /**
   * A chain that records written batches; writes can be held on a latch to fill the consenter's
   * queue (fault injection: a slow disk).
   */
  private static final class RecordingChain implements ChainSupport {
    final BlockingQueue<List<Envelope>> written = new LinkedBlockingQueue<>();
    final CountDownLatch writesAllowed;
    private final ChannelConfig config;
    private long height = 1;

    RecordingChain(ChannelConfig.BatchSettings batch, boolean holdWrites) {
      this.config = new ChannelConfig("c1", List.of(), List.of(), "solo", batch, List.of(), "ecdsa-p256");
      this.writesAllowed = new CountDownLatch(holdWrites ? 1 : 0);
    }

    @Override public String channelId() { return "c1"; }
    @Override public ChannelConfig config() { return config; }
    @Override public long configSequence() { return 0; }
    @Override public TimeSource time() { return TimeSource.SYSTEM; }
    @Override public synchronized long height() { return height; }

    @Override
    public synchronized Block createNextBlock(List<Envelope> batch) {
      BlockData.Builder data = BlockData.newBuilder();
      batch.forEach(e -> data.addData(e.toByteString()));
      return Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(height)).setData(data).build();
    }

    @Override
    public Block writeBlock(Block block) {
      try {
        writesAllowed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
      synchronized (this) {
        height++;
      }
      written.add(block.getData().getDataList().stream().map(SoloConsenterTest::parse).toList());
      return block;
    }

    @Override
    public Block writeBlock(Block block, com.google.protobuf.ByteString consenterMetadata) {
      throw new UnsupportedOperationException("solo records no consenter metadata");
    }

    @Override
    public com.google.protobuf.ByteString lastConsenterMetadata() {
      return com.google.protobuf.ByteString.EMPTY;
    }

    @Override
    public org.hyperledger.fabric.protos.common.BlockHeader lastHeader() {
      throw new UnsupportedOperationException("solo does not read the tip header");
    }
  }

  private static Envelope parse(ByteString b) {
    try {
      return Envelope.parseFrom(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Envelope env(int i) {
    return Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("m" + i)).build();
  }

  @Test
  void cutsFullBatchesAndTimesOutPartialOnes() throws Exception {
    RecordingChain chain =
        new RecordingChain(new ChannelConfig.BatchSettings(2, 1 << 20, 1 << 19, Duration.ofMillis(100)), false);
    SoloConsenter solo = new SoloConsenter(chain);
    solo.start();
    try {
      for (int i = 0; i < 3; i++) {
        solo.order(env(i), 0);
      }
      assertThat(chain.written.poll(10, TimeUnit.SECONDS)).containsExactly(env(0), env(1));
      // The third message waits for the 100 ms batch timer.
      assertThat(chain.written.poll(10, TimeUnit.SECONDS)).containsExactly(env(2));
    } finally {
      solo.halt();
    }
  }

  @Test
  void fullQueueAndHaltAnswerServiceUnavailable() throws Exception {
    RecordingChain chain =
        new RecordingChain(new ChannelConfig.BatchSettings(1, 1 << 20, 1 << 19, Duration.ofSeconds(1)), true);
    SoloConsenter solo = new SoloConsenter(chain);
    solo.start();
    try {
      // The thread takes one message and blocks writing it; then the queue fills up.
      solo.order(env(-1), 0);
      int accepted = 0;
      OrderingException refused = null;
      for (int i = 0; i <= SoloConsenter.QUEUE_CAPACITY_MAX + 1 && refused == null; i++) {
        try {
          solo.order(env(i), 0);
          accepted++;
        } catch (OrderingException e) {
          refused = e;
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.status()).isEqualTo(Status.SERVICE_UNAVAILABLE);
      assertThat(refused.getMessage()).contains("overloaded");
      assertThat(accepted).isBetween(SoloConsenter.QUEUE_CAPACITY_MAX - 1, SoloConsenter.QUEUE_CAPACITY_MAX);
    } finally {
      chain.writesAllowed.countDown();
      solo.halt();
    }
    assertThatThrownBy(() -> solo.order(env(0), 0))
        .isInstanceOfSatisfying(OrderingException.class, e -> assertThat(e.status()).isEqualTo(Status.SERVICE_UNAVAILABLE))
        .hasMessageContaining("halted");
  }
}
