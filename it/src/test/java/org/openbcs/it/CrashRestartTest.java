package org.openbcs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.protos.common.BlockchainInfo;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 every node under load, start again: nothing committed is lost, both peers agree. */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CrashRestartTest {
  @TempDir Path dir;

  @Test
  void killNineUnderLoadLosesNoCommittedTransaction() throws Exception {
    try (TestNetwork net = TestNetwork.start(dir.resolve("net"))) {
      ConcurrentLinkedQueue<String> committed = new ConcurrentLinkedQueue<>();
      AtomicBoolean running = new AtomicBoolean(true);
      CountDownLatch enoughCommitted = new CountDownLatch(20);
      ExecutorService load = Executors.newFixedThreadPool(4);
      // The client that drives the load stays open across the crash: its connection must recover.
      TestNetwork.Client client = net.client("Org1MSP", "User1");
      try {
        Contract basic = client.gateway().getNetwork(net.layout.channelId()).getContract("basic");
        for (int w = 0; w < 4; w++) {
          int worker = w;
          load.submit(() -> {
            for (int i = 0; running.get(); i++) {
              String id = "crash-" + worker + "-" + i;
              try {
                SubmittedTransaction tx =
                    basic.newProposal("CreateAsset").addArguments(id, "blue", "1", "Ivy", "1").build().endorse().submitAsync();
                if (tx.getStatus().getCode() == TxValidationCode.VALID) {
                  committed.add(id);
                  enoughCommitted.countDown();
                }
              } catch (Exception expectedWhenKilled) {
                // The network dies under this worker; only acknowledged commits count.
              }
            }
          });
        }
        assertThat(enoughCommitted.await(3, TimeUnit.MINUTES)).as("20 transactions committed under load").isTrue();
        net.network.killAll();
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
      } catch (Exception | AssertionError e) {
        client.close();
        throw e;
      }

      net.network.start();

      // The same Gateway connection that was open when every node died reconnects: a submit through
      // it commits. Its gRPC channel may still be in reconnect back-off for a moment, so each failed
      // attempt is a real round trip that is retried, up to a minute.
      try (client) {
        Contract sameClient = client.gateway().getNetwork(net.layout.channelId()).getContract("basic");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        TxValidationCode code = null;
        for (int attempt = 0; code == null; attempt++) {
          try {
            code = sameClient.newProposal("CreateAsset").addArguments("same-client-" + attempt, "red", "1", "Jo", "1")
                .build().endorse().submitAsync().getStatus().getCode();
          } catch (org.hyperledger.fabric.client.EndorseException | org.hyperledger.fabric.client.SubmitException
              | org.hyperledger.fabric.client.CommitStatusException e) {
            assertThat(System.nanoTime()).as("old client reconnects within a minute: %s", e.getMessage()).isLessThan(until);
          }
        }
        assertThat(code).isEqualTo(TxValidationCode.VALID);
      }

      List<String> acknowledged = List.copyOf(committed);
      try (TestNetwork.Client org1 = net.client("Org1MSP", "User1");
          TestNetwork.Client org2 = net.client("Org2MSP", "User1")) {
        Contract basic1 = org1.gateway().getNetwork(net.layout.channelId()).getContract("basic");
        Contract basic2 = org2.gateway().getNetwork(net.layout.channelId()).getContract("basic");
        // Clients reconnect and new transactions commit after the restart.
        var afterRestart =
            basic1.newProposal("CreateAsset").addArguments("after-restart", "red", "1", "Jo", "1").build().endorse().submitAsync();
        var status = afterRestart.getStatus();
        assertThat(status.getCode()).isEqualTo(TxValidationCode.VALID);
        // The commit status comes from Org1's peer; Org2's peer commits the same block on its own
        // schedule (it may still be catching up from the orderer), so wait for its block event.
        try (var blocks = org2.gateway().getNetwork(net.layout.channelId())
            .newBlockEventsRequest().startBlock(status.getBlockNumber()).build().getEvents()) {
          assertThat(blocks.next().getHeader().getNumber()).isEqualTo(status.getBlockNumber());
        }
        basic2.evaluateTransaction("ReadAsset", "after-restart");
        for (String id : acknowledged) {
          assertThat(new String(basic1.evaluateTransaction("ReadAsset", id), StandardCharsets.UTF_8)).contains(id);
          assertThat(new String(basic2.evaluateTransaction("ReadAsset", id), StandardCharsets.UTF_8)).contains(id);
        }
        BlockchainInfo h1 = chainInfo(org1, net);
        BlockchainInfo h2 = chainInfo(org2, net);
        // Both peers pulled up to the same block once the last submitted transaction committed on both.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (h1.getHeight() != h2.getHeight() && System.nanoTime() < deadline) {
          basic2.evaluateTransaction("ReadAsset", "after-restart"); // a round trip, not a sleep
          h1 = chainInfo(org1, net);
          h2 = chainInfo(org2, net);
        }
        assertThat(h2.getHeight()).isEqualTo(h1.getHeight());
        assertThat(h2.getCurrentBlockHash()).isEqualTo(h1.getCurrentBlockHash());
      }
    }
  }

  private static BlockchainInfo chainInfo(TestNetwork.Client client, TestNetwork net) throws Exception {
    return BlockchainInfo.parseFrom(
        client.gateway().getNetwork(net.layout.channelId()).getContract("qscc").evaluateTransaction("GetChainInfo", net.layout.channelId()));
  }
}
