package org.openbcs.ordering.blockcutter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.hyperledger.fabric.protos.common.Envelope;
import org.junit.jupiter.api.Test;
import org.openbcs.ordering.channel.ChannelConfig.BatchSettings;

class BlockCutterTest {
  private static final long MS = 1_000_000L;

  /** An envelope of exactly {@code size} serialized bytes (field tag + length + payload). */
  static Envelope envelopeOf(int size) {
    int payload = size - 2;
    if (payload > 127) {
      payload = size - 3;
    }
    Envelope e = Envelope.newBuilder().setPayload(ByteString.copyFrom(new byte[payload])).build();
    assertThat(e.getSerializedSize()).isEqualTo(size);
    return e;
  }

  private static BlockCutter cutter(int count, int preferred, int absolute, long timeoutMs) {
    return new BlockCutter(new BatchSettings(count, absolute, preferred, Duration.ofMillis(timeoutMs)));
  }

  @Test
  void cutsWhenMaxMessageCountReached() {
    BlockCutter c = cutter(3, 10_000, 20_000, 2_000);
    assertThat(c.ordered(envelopeOf(10), 0).batches()).isEmpty();
    assertThat(c.ordered(envelopeOf(10), 0).pending()).isTrue();
    BlockCutter.Result r = c.ordered(envelopeOf(10), 0);
    assertThat(r.batches()).hasSize(1);
    assertThat(r.batches().get(0)).hasSize(3);
    assertThat(r.pending()).isFalse();
    assertThat(c.timeoutDeadlineNanos()).isEmpty();
  }

  @Test
  void messageLargerThanPreferredGoesAloneAfterCuttingPending() {
    BlockCutter c = cutter(10, 100, 1_000, 2_000);
    Envelope small = envelopeOf(20);
    Envelope big = envelopeOf(150);
    c.ordered(small, 0);
    BlockCutter.Result r = c.ordered(big, 0);
    assertThat(r.batches()).containsExactly(List.of(small), List.of(big));
    assertThat(r.pending()).isFalse();
  }

  @Test
  void messageLargerThanPreferredWithNothingPendingIsOneBatch() {
    BlockCutter c = cutter(10, 100, 1_000, 2_000);
    Envelope big = envelopeOf(150);
    assertThat(c.ordered(big, 0).batches()).containsExactly(List.of(big));
  }

  @Test
  void overflowOfPreferredBytesCutsPendingFirst() {
    BlockCutter c = cutter(10, 100, 1_000, 2_000);
    Envelope a = envelopeOf(60);
    Envelope b = envelopeOf(50);
    c.ordered(a, 0);
    BlockCutter.Result r = c.ordered(b, 0);
    assertThat(r.batches()).containsExactly(List.of(a));
    assertThat(r.pending()).isTrue();
    assertThat(c.pendingCount()).isEqualTo(1);
    assertThat(c.pendingBytes()).isEqualTo(50);
  }

  @Test
  void exactlyPreferredBytesStaysPending() {
    BlockCutter c = cutter(10, 100, 1_000, 2_000);
    c.ordered(envelopeOf(50), 0);
    assertThat(c.ordered(envelopeOf(50), 0).batches()).isEmpty();
    assertThat(c.pendingBytes()).isEqualTo(100);
  }

  @Test
  void absoluteMaxBytesAdmission() {
    BlockCutter c = cutter(10, 100, 1_000, 2_000);
    assertThat(c.admits(1_000)).isTrue();
    assertThat(c.admits(1_001)).isFalse();
  }

  @Test
  void timerStartsAtFirstPendingMessageAndCutsOnExpiry() {
    BlockCutter c = cutter(10, 10_000, 20_000, 2_000);
    assertThat(c.cutIfTimedOut(5_000 * MS)).isEmpty();
    c.ordered(envelopeOf(10), 1_000 * MS);
    c.ordered(envelopeOf(10), 2_500 * MS); // does not restart the timer
    assertThat(c.timeoutDeadlineNanos()).hasValue(3_000 * MS);
    assertThat(c.cutIfTimedOut(2_999 * MS)).isEmpty();
    assertThat(c.cutIfTimedOut(3_000 * MS)).hasValueSatisfying(b -> assertThat(b).hasSize(2));
    assertThat(c.timeoutDeadlineNanos()).isEmpty();
    c.ordered(envelopeOf(10), 4_000 * MS);
    assertThat(c.timeoutDeadlineNanos()).hasValue(6_000 * MS);
  }

  @Test
  void rejectsImpossibleSettings() {
    assertThatThrownBy(() -> cutter(0, 10, 10, 1)).hasMessageContaining("max message count");
    assertThatThrownBy(() -> cutter(1, 20, 10, 1))
        .hasMessageContaining("preferred max bytes 20 exceeds absolute max bytes 10");
    assertThatThrownBy(() -> cutter(1, 10, 10, 0)).hasMessageContaining("batch timeout");
  }

  /** Whatever the sizes, batches keep order, lose nothing, and respect count and preferred size. */
  @Property(tries = 200)
  void batchesPreserveOrderAndLimits(
      @ForAll @Size(max = 60) List<@IntRange(min = 1, max = 300) Integer> payloadSizes,
      @ForAll @IntRange(min = 1, max = 8) int maxCount) {
    int preferred = 200;
    BlockCutter c = cutter(maxCount, preferred, 1_000, 2_000);
    List<Envelope> in =
        payloadSizes.stream()
            .map(n -> Envelope.newBuilder().setPayload(ByteString.copyFrom(new byte[n])).build())
            .toList();
    List<Envelope> out = new java.util.ArrayList<>();
    for (Envelope e : in) {
      for (List<Envelope> batch : c.ordered(e, 0).batches()) {
        assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(maxCount);
        int bytes = batch.stream().mapToInt(Envelope::getSerializedSize).sum();
        assertThat(batch.size() == 1 || bytes <= preferred).isTrue();
        out.addAll(batch);
      }
    }
    out.addAll(c.cut());
    assertThat(out).containsExactlyElementsOf(in);
  }
}
