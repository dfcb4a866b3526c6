package org.openbcs.fbft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SimCommandTest {

  @Test
  void searchOverSeedsExitsZeroWhenEveryInvariantHolds() {
    int code = new CommandLine(new SimCommand()).execute("--seeds", "5", "--start-seed", "40", "--nodes", "7");
    assertThat(code).isZero();
  }

  @Test
  void messagesPerBlockGrowLinearlyNotQuadratically(@TempDir Path dir) throws Exception {
    List<MessageScaling.Row> rows = MessageScaling.measure(List.of(4, 16));
    MessageScaling.Row small = rows.get(0);
    MessageScaling.Row large = rows.get(1);
    // One proposal to n-1 replicas plus n-1 votes: 2(n-1) per block when all are up.
    assertThat(small.msgsHappy()).isBetween(5.0, 7.5);
    assertThat(large.msgsHappy()).isBetween(29.0, 33.0);
    assertThat(large.msgsHappy() / small.msgsHappy()).isLessThan(6.0); // n grew 4x; n^2 would be 16x
    assertThat(large.msgsHappy()).isLessThan(large.pbft() / 10.0);
    Path png = dir.resolve("plot.png");
    MessageScaling.plot(rows, png);
    assertThat(Files.size(png)).isGreaterThan(1000);
  }

  @Test
  void withBatchesTheLeadersBytesPerBlockDoNotGrowWithThePayload() {
    List<MessageScaling.PayloadRow> rows = MessageScaling.measurePayload(List.of(7));
    MessageScaling.PayloadRow byValue = rows.get(0);
    MessageScaling.PayloadRow batches = rows.get(1);
    assertThat(byValue.batches()).isFalse();
    assertThat(batches.batches()).isTrue();
    // Envelopes 8x larger: by value the leader's upload grows with (n - 1) x payload ...
    double valueGrowth = byValue.bySize().get(1).leaderBytes() / byValue.bySize().get(0).leaderBytes();
    assertThat(valueGrowth).isGreaterThan(3.0);
    // ... with batches it carries references only.
    double batchGrowth = batches.bySize().get(1).leaderBytes() / batches.bySize().get(0).leaderBytes();
    assertThat(batchGrowth).isBetween(0.9, 1.1);
    assertThat(batches.bySize().get(1).leaderBytes()).isLessThan(byValue.bySize().get(1).leaderBytes() / 5);
    // The payload committed per block is about the same in both modes (same load).
    assertThat(batches.bySize().get(1).payloadBytes()).isBetween(
        byValue.bySize().get(1).payloadBytes() * 0.8, byValue.bySize().get(1).payloadBytes() * 1.25);
  }
}
