package org.openbcs.peer.committer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.peer.channel.PeerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures validation (cold signature cache: 600 ECDSA verifications per block) and commit of
 * 200-transaction blocks; logs the figures. Asserts only correctness, never speed (shared CI).
 */
@Timeout(300)
class CommitThroughputTest {
  private static final Logger log = LoggerFactory.getLogger(CommitThroughputTest.class);
  static final int BLOCKS = 5;
  static final int TXS_PER_BLOCK = 200;

  @TempDir Path dir;

  @Test
  void validateAndCommitTwoHundredTransactionBlocks() {
    try (TestNetwork net = new TestNetwork(dir.resolve("crypto"), "Org1MSP", "Org2MSP")) {
      TxFactory txs = new TxFactory(net.suite);
      net.define("basic", "AND('Org1MSP.peer','Org2MSP.peer')");
      PeerChannel channel = net.openChannel(dir.resolve("ledger"));
      BlockCommitter committer = new BlockCommitter(channel);
      Block tip = net.config.genesisBlock(net.suite);
      committer.commit(tip);
      long validateNanos = 0;
      long commitNanos = 0;
      long warmValidateNanos = 0;
      for (int b = 0; b < BLOCKS; b++) {
        List<Envelope> envelopes = new ArrayList<>();
        for (int i = 0; i < TXS_PER_BLOCK; i++) {
          envelopes.add(
              txs.tx(net.clients.get("Org1MSP"), "basic")
                  .endorsedBy(net.peers.get("Org1MSP"), net.peers.get("Org2MSP"))
                  .writes("b" + b + "k" + i, "v")
                  .build());
        }
        Block block = txs.nextBlock(tip, envelopes);
        long t0 = System.nanoTime();
        byte[] pre = committer.validate(block); // cold: every signature verified once
        long t1 = System.nanoTime();
        committer.validate(block); // warm: structural checks + cache hits only
        long warm = System.nanoTime() - t1;
        warmValidateNanos += warm;
        t1 = System.nanoTime();
        byte[] codes = committer.commit(block).validationCodes(); // warm: signatures cached
        long t2 = System.nanoTime();
        assertThat(pre).containsOnly(0);
        assertThat(codes).containsOnly(0);
        validateNanos += t1 - t0;
        commitNanos += t2 - t1;
        tip = block;
      }
      int txTotal = BLOCKS * TXS_PER_BLOCK;
      log.info(
          "measured {} blocks x {} txs on {} cores, verifier threads {}: cold validation {} ms/block"
              + " ({} tx/s, {} signatures/s); warm validation {} ms/block; warm validate+commit {} ms/block"
              + " ({} tx/s)",
          BLOCKS,
          TXS_PER_BLOCK,
          Runtime.getRuntime().availableProcessors(),
          net.verifier.threads(),
          validateNanos / BLOCKS / 1_000_000,
          txTotal * 1_000_000_000L / Math.max(1, validateNanos),
          3L * txTotal * 1_000_000_000L / Math.max(1, validateNanos),
          warmValidateNanos / BLOCKS / 1_000_000,
          commitNanos / BLOCKS / 1_000_000,
          txTotal * 1_000_000_000L / Math.max(1, commitNanos));
      assertThat(channel.ledger().blocks().height()).isEqualTo(BLOCKS + 1);
    }
  }
}
