package org.openbcs.fbft.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openbcs.ordering.server.OrdererServer;

/**
 * Every orderer of an FBFT channel stops and starts again on its data directory, one after the
 * other as `bcs down` / `bcs up` do: the channel must order again. (It did not: a full restart
 * left the replicas in rounds no one could finish.)
 */
class FbftFullRestartNetworkTest {
  private static final long BASE_TIMEOUT_MILLIS = 1000;
  private static final long IDLE_BLOCK_MILLIS = 50;

  @TempDir Path root;
  private final OrdererServer[] servers = new OrdererServer[FbftNetworkFixture.ORDERERS];
  private final ManagedChannel[] channels = new ManagedChannel[FbftNetworkFixture.ORDERERS];

  @AfterEach
  void stop() {
    FbftNetworkFixture.closeAll(servers, channels);
  }

  @ParameterizedTest(name = "fbft.batches={0}")
  @ValueSource(strings = {"off", "on"})
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theChannelOrdersAgainAfterEveryOrdererRestarted(String batches) throws Exception {
    FbftNetworkFixture net = new FbftNetworkFixture(root, BASE_TIMEOUT_MILLIS, IDLE_BLOCK_MILLIS,
        java.util.Map.of(FbftOptions.BATCHES, batches));
    for (int i = 0; i < servers.length; i++) {
      servers[i] = net.start(i);
      channels[i] = net.connect(i);
    }
    List<String> sent = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      String tx = "before-" + k;
      assertThat(FbftNetworkFixture.broadcast(channels[k % 4], net.transaction(tx))).isEqualTo(Status.SUCCESS);
      sent.add(tx);
    }
    net.awaitAllHold(servers, channels, List.of(0, 1, 2, 3), sent);

    for (int i = 0; i < servers.length; i++) {
      channels[i].shutdownNow();
      servers[i].close();
      servers[i] = null;
    }
    // Started one at a time, each once the previous one listens (as `bcs up` does).
    for (int i = 0; i < servers.length; i++) {
      servers[i] = net.start(i);
      channels[i] = net.connect(i);
    }
    for (int k = 0; k < 4; k++) {
      String tx = "after-" + k;
      assertThat(FbftNetworkFixture.broadcast(channels[k], net.transaction(tx))).isEqualTo(Status.SUCCESS);
      sent.add(tx);
    }
    net.awaitAllHold(servers, channels, List.of(0, 1, 2, 3), sent);
    net.assertSameChains(servers, channels, List.of(0, 1, 2, 3));
  }
}
