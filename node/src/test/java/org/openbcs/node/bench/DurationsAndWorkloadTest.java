package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DurationsAndWorkloadTest {
  @Test
  void parsesCommandLineDurations() {
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("10")).isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> Durations.parse("ten seconds")).hasMessageContaining("not a duration");
  }

  @Test
  void parsesWorkloadNames() {
    assertThat(Workload.parse("Transfer")).isEqualTo(Workload.TRANSFER);
    assertThat(Workload.READ.evaluate()).isTrue();
    assertThat(Workload.HOTKEY.defaultKeys()).isLessThan(Workload.TRANSFER.defaultKeys());
    assertThatThrownBy(() -> Workload.parse("delete")).hasMessageContaining("create, read, transfer, hotkey");
  }

  @Property
  void keyIndexIsInRangeAndDeterministic(@ForAll long seed, @ForAll long seq, @ForAll @IntRange(min = 1, max = 100_000) int keys) {
    int k = Workload.keyIndex(seed, seq, keys);
    assertThat(k).isBetween(0, keys - 1).isEqualTo(Workload.keyIndex(seed, seq, keys));
  }

  @Test
  void keyIndexSpreadsOverTheKeys() {
    long distinct = IntStream.range(0, 10_000).map(i -> Workload.keyIndex(1, i, 100)).distinct().count();
    assertThat(distinct).isEqualTo(100);
  }
}
