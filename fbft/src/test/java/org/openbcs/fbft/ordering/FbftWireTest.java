package org.openbcs.fbft.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The orderer-to-orderer frame and the {@code --consensus-opt fbft.*} parsing. */
class FbftWireTest {
  @Property(tries = 200)
  void framesRoundTrip(@ForAll @StringLength(max = 60) String channel, @ForAll @IntRange(min = 0, max = 100) int from,
      @ForAll byte[] message) {
    byte[] bytes = FbftWire.encode(new FbftWire.Frame(channel, from, message));
    FbftWire.Frame back = FbftWire.decode(bytes).orElseThrow();
    assertThat(back.channelId()).isEqualTo(channel);
    assertThat(back.from()).isEqualTo(from);
    assertThat(back.message()).isEqualTo(message);
  }

  @Property(tries = 200)
  void truncatedOrRandomFramesNeverThrow(@ForAll byte[] junk) {
    // Decoding wire input must return empty or a frame, never throw.
    FbftWire.decode(junk);
    byte[] valid = FbftWire.encode(new FbftWire.Frame("mychannel", 2, junk));
    for (int cut = 0; cut < Math.min(valid.length, 16); cut++) {
      byte[] truncated = Arrays.copyOf(valid, cut);
      if (cut < 2 + "mychannel".length() + 4) {
        assertThat(FbftWire.decode(truncated)).isEmpty();
      }
    }
  }

  @Test
  void optionsParseAndCheckTheirBounds() {
    FbftOptions o = FbftOptions.parse(Map.of(
        FbftOptions.PEER_CERTS, "a.pem, b.pem,c.pem,d.pem",
        FbftOptions.ENDPOINT, "localhost:7050",
        FbftOptions.BASE_TIMEOUT_MS, "800",
        "other.key", "ignored"));
    assertThat(o.peerCerts()).containsExactly(Path.of("a.pem"), Path.of("b.pem"), Path.of("c.pem"), Path.of("d.pem"));
    assertThat(o.selfEndpoint()).contains("localhost:7050");
    assertThat(o.baseTimeoutMillis()).isEqualTo(800);
    assertThat(o.idleBlockIntervalMillis()).isEqualTo(FbftOptions.DEFAULT_IDLE_BLOCK_MILLIS);

    assertThat(FbftOptions.parse(Map.of()).peerCerts()).isEqualTo(List.of());
    assertThatThrownBy(() -> FbftOptions.parse(Map.of(FbftOptions.BASE_TIMEOUT_MS, "soon")))
        .hasMessageContaining("fbft.base-timeout-ms is not a number");
    assertThatThrownBy(() -> FbftOptions.parse(Map.of(FbftOptions.BASE_TIMEOUT_MS, "100", FbftOptions.IDLE_BLOCK_MS, "50")))
        .hasMessageContaining("quarter");
    assertThat(o.retainBlocks()).isEqualTo(FbftOptions.DEFAULT_RETAIN_BLOCKS);
    assertThat(FbftOptions.parse(Map.of(FbftOptions.RETAIN_BLOCKS, "16")).retainBlocks()).isEqualTo(16);
    assertThatThrownBy(() -> FbftOptions.parse(Map.of(FbftOptions.RETAIN_BLOCKS, "0")))
        .hasMessageContaining("fbft.retain-blocks must be positive");
    assertThat(o.batches()).isEqualTo(FbftOptions.DEFAULT_BATCHES);
    assertThat(FbftOptions.parse(Map.of(FbftOptions.BATCHES, "off")).batches()).isFalse();
    assertThat(FbftOptions.parse(Map.of(FbftOptions.BATCHES, " on")).batches()).isTrue();
    assertThatThrownBy(() -> FbftOptions.parse(Map.of(FbftOptions.BATCHES, "yes")))
        .hasMessageContaining("fbft.batches must be on or off");
  }
}
