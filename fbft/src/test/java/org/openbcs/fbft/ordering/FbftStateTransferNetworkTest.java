package org.openbcs.fbft.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.ordering.server.OrdererServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durability of FBFT orderers (spec R3.7, R3.8), on four in-process orderers with TLS: a crash
 * between the WAL's commit record and the Fabric block write loses no block, and a replica stopped
 * for longer than its peers retain FBFT blocks catches up by state transfer. Chains are compared
 * block for block (header and data).
 */
class FbftStateTransferNetworkTest {
  private static final Logger log = LoggerFactory.getLogger(FbftStateTransferNetworkTest.class);
  private static final long BASE_TIMEOUT_MILLIS = 1000;
  private static final long IDLE_BLOCK_MILLIS = 40;
  private static final int RETAIN_BLOCKS = 16;

  @TempDir Path root;
  private final OrdererServer[] servers = new OrdererServer[FbftNetworkFixture.ORDERERS];
  private final ManagedChannel[] channels = new ManagedChannel[FbftNetworkFixture.ORDERERS];
  private final List<String> sent = new ArrayList<>();
  private FbftNetworkFixture net;

  @AfterEach
  void stop() {
    FbftNetworkFixture.closeAll(servers, channels);
    if (net != null) {
      for (int i = 0; i < servers.length; i++) {
        FbftConsenter.CRASH_BEFORE_NEXT_WRITE.remove(net.stateDir(i));
        FbftConsenter.CRASH_AFTER_NEXT_WRITE.remove(net.stateDir(i));
      }
    }
  }

  private void startAll() {
    for (int i = 0; i < servers.length; i++) {
      servers[i] = net.start(i);
      channels[i] = net.connect(i);
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void crashAfterTheBlockWriteAndBeforeTheAppliedMarkerWritesNoBlockTwice() throws Exception {
    net = new FbftNetworkFixture(root, BASE_TIMEOUT_MILLIS, IDLE_BLOCK_MILLIS);
    startAll();
    broadcastAndAwait(List.of(0, 1, 2, 3), "warm-up", 4);

    // Orderer 2 writes the next payload block and "crashes" before its applied-height file says so;
    // a restart that trusted the file alone would write that block a second time.
    Path crashing = net.stateDir(2);
    FbftConsenter.CRASH_AFTER_NEXT_WRITE.add(crashing);
    long before = servers[2].height(FbftNetworkFixture.CHANNEL);
    String written = "written-then-crashed";
    assertThat(FbftNetworkFixture.broadcast(channels[0], net.transaction(written))).isEqualTo(Status.SUCCESS);
    sent.add(written);
    FbftNetworkFixture.await("the injected crash at orderer 2", () -> !FbftConsenter.CRASH_AFTER_NEXT_WRITE.contains(crashing));
    awaitAllHold(List.of(0, 1, 3));
    assertThat(servers[2].height(FbftNetworkFixture.CHANNEL)).as("orderer 2 wrote the block before crashing")
        .isEqualTo(before + 1);
    servers[2].close();
    channels[2].shutdownNow();
    servers[2] = net.start(2);
    channels[2] = net.connect(2);

    broadcastAndAwait(List.of(0, 1, 2, 3), "after-restart", 4);
    assertSameChains(List.of(0, 1, 2, 3));
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void crashBetweenWalCommitAndBlockWriteLosesNoBlock() throws Exception {
    net = new FbftNetworkFixture(root, BASE_TIMEOUT_MILLIS, IDLE_BLOCK_MILLIS);
    startAll();
    broadcastAndAwait(List.of(0, 1, 2, 3), "warm-up", 8);
    assertSameChains(List.of(0, 1, 2, 3));

    // Orderer 2 syncs its WAL with the Committed record of the next payload block, then "crashes"
    // before writing that block; it is then restarted on the same data directory.
    Path crashing = net.stateDir(2);
    FbftConsenter.CRASH_BEFORE_NEXT_WRITE.add(crashing);
    long before = servers[2].height(FbftNetworkFixture.CHANNEL);
    String lost = "committed-then-crashed";
    assertThat(FbftNetworkFixture.broadcast(channels[0], net.transaction(lost))).isEqualTo(Status.SUCCESS);
    sent.add(lost);
    FbftNetworkFixture.await("the injected crash at orderer 2", () -> !FbftConsenter.CRASH_BEFORE_NEXT_WRITE.contains(crashing));
    awaitAllHold(List.of(0, 1, 3));
    assertThat(servers[2].height(FbftNetworkFixture.CHANNEL)).as("orderer 2 wrote nothing after the crash")
        .isEqualTo(before);
    servers[2].close();
    channels[2].shutdownNow();
    servers[2] = net.start(2);
    channels[2] = net.connect(2);

    // The restarted replica re-delivers the committed block it never wrote, then keeps going.
    broadcastAndAwait(List.of(0, 1, 2, 3), "after-restart", 6);
    assertSameChains(List.of(0, 1, 2, 3));
    long height = servers[2].height(FbftNetworkFixture.CHANNEL);
    broadcastAndAwait(List.of(0, 1, 2, 3), "still-growing", 2);
    assertThat(servers[2].height(FbftNetworkFixture.CHANNEL)).isGreaterThan(height);
    assertSameChains(List.of(0, 1, 2, 3));
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void replicaStoppedBeyondTheRetainWindowCatchesUpByStateTransfer() throws Exception {
    net = new FbftNetworkFixture(root, BASE_TIMEOUT_MILLIS, IDLE_BLOCK_MILLIS,
        Map.of(FbftOptions.RETAIN_BLOCKS, Integer.toString(RETAIN_BLOCKS)));
    startAll();
    broadcastAndAwait(List.of(0, 1, 2, 3), "phase1", 8);
    assertSameChains(List.of(0, 1, 2, 3));

    servers[3].close();
    channels[3].shutdownNow();
    servers[3] = null;
    long stoppedAt = net.appliedFbftHeight(3);
    // Payload blocks while it is down, then enough (mostly empty) heights that its peers have
    // pruned every FBFT block it could sync from.
    broadcastAndAwait(List.of(0, 1, 2), "while-down", 12);
    long target = stoppedAt + 8L * RETAIN_BLOCKS;
    FbftNetworkFixture.await("peers past fbft height " + target, () -> net.appliedFbftHeight(0) > target);
    long peersAt = net.appliedFbftHeight(0);

    AtomicLong transfers = FbftConsenter.STATE_TRANSFERS.computeIfAbsent(net.stateDir(3), k -> new AtomicLong());
    long transfersBefore = transfers.get();
    long restartedAt = System.nanoTime();
    servers[3] = net.start(3);
    channels[3] = net.connect(3);
    broadcastAndAwait(List.of(0, 1, 2, 3), "after-restart", 6);
    log.info("orderer 3 stopped at fbft height {}, peers at {} with retain window {}: caught up in {} ms",
        stoppedAt, peersAt, RETAIN_BLOCKS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt));
    assertThat(transfers.get()).as("state transfers at orderer 3").isGreaterThan(transfersBefore);
    assertSameChains(List.of(0, 1, 2, 3));
    long height = servers[3].height(FbftNetworkFixture.CHANNEL);
    broadcastAndAwait(List.of(0, 1, 2, 3), "still-growing", 2);
    assertThat(servers[3].height(FbftNetworkFixture.CHANNEL)).isGreaterThan(height);
    assertSameChains(List.of(0, 1, 2, 3));
  }

  /** Broadcasts {@code count} envelopes round-robin over {@code nodes}; waits until they all hold every one sent. */
  private void broadcastAndAwait(List<Integer> nodes, String prefix, int count) throws Exception {
    for (int k = 0; k < count; k++) {
      String tx = prefix + "-" + k;
      assertThat(FbftNetworkFixture.broadcast(channels[nodes.get(k % nodes.size())], net.transaction(tx)))
          .isEqualTo(Status.SUCCESS);
      sent.add(tx);
    }
    awaitAllHold(nodes);
  }

  /** Waits until each listed orderer's chain holds exactly the envelopes sent so far, each once. */
  private void awaitAllHold(List<Integer> nodes) {
    net.awaitAllHold(servers, channels, nodes, sent);
  }

  private void assertSameChains(List<Integer> nodes) throws Exception {
    net.assertSameChains(servers, channels, nodes);
  }

}
