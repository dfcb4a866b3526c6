package org.openbcs.fbft.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.Role;
import org.openbcs.ordering.channel.ChannelConfig;

class ReplicaSetTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  @TempDir Path root;
  private final List<Path> certFiles = new ArrayList<>();
  private ChannelConfig base;

  @BeforeEach
  void setUp() throws IOException {
    OrgCa ca = OrgCa.create(root.resolve("orderer-org"), "OrdererMSP", "example.com", suite, TimeSource.SYSTEM);
    for (int i = 0; i < 4; i++) {
      Path dir = ca.issue("orderer" + i, Role.ORDERER, List.of("localhost"), root.resolve("orderer" + i));
      try (Stream<Path> s = Files.list(dir.resolve("msp/signcerts"))) {
        certFiles.add(s.findFirst().orElseThrow());
      }
    }
    base = new ChannelConfig("c", List.of(), List.of(), "fbft",
        new ChannelConfig.BatchSettings(10, 1 << 20, 1 << 19, Duration.ofMillis(100)),
        List.of("h0:1", "h1:2", "h2:3", "h3:4"), suite.name());
  }

  private ChannelConfig.ConsenterSpec consenter(int id, int file, int port) throws IOException {
    return new ChannelConfig.ConsenterSpec(id, "127.0.0.1", port, "OrdererMSP",
        ByteString.copyFrom(Files.readAllBytes(certFiles.get(file))), ByteString.EMPTY, ByteString.EMPTY);
  }

  private static FbftOptions options(List<Path> certs) {
    return FbftOptions.parse(certs.isEmpty() ? Map.of()
        : Map.of(FbftOptions.PEER_CERTS, String.join(",", certs.stream().map(Path::toString).toList())));
  }

  @Test
  void theChannelsConsenterSetOrderedByIdIsTheReplicaSet() throws IOException {
    ChannelConfig config = base.withConsenters(List.of(
        consenter(3, 2, 7003), consenter(1, 0, 7001), consenter(4, 3, 7004), consenter(2, 1, 7002)));

    ReplicaSet set = ReplicaSet.of(config, options(List.of()), suite);

    assertThat(set.endpoints()).containsExactly("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003", "127.0.0.1:7004");
    for (int i = 0; i < 4; i++) {
      assertThat(set.certificates().get(i)).isEqualTo(suite.parseCertificate(Files.readAllBytes(certFiles.get(i))));
    }
    // The same list given as the option as well is accepted; a different one is refused.
    assertThat(ReplicaSet.of(config, options(certFiles), suite).certificates()).isEqualTo(set.certificates());
    List<Path> swapped = List.of(certFiles.get(1), certFiles.get(0), certFiles.get(2), certFiles.get(3));
    assertThatThrownBy(() -> ReplicaSet.of(config, options(swapped), suite))
        .hasMessageContaining("differs from the consenter set in the channel configuration");
  }

  @Test
  void withoutAConsenterSetTheOptionMustNameOneCertificatePerEndpoint() {
    ReplicaSet set = ReplicaSet.of(base, options(certFiles), suite);
    assertThat(set.endpoints()).containsExactly("h0:1", "h1:2", "h2:3", "h3:4");

    assertThatThrownBy(() -> ReplicaSet.of(base, options(certFiles.subList(0, 3)), suite))
        .hasMessageContaining("no consenter set")
        .hasMessageContaining("lists 3 certificates");
  }
}
