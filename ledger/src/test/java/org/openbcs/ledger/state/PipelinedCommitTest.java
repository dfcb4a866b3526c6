package org.openbcs.ledger.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openbcs.ledger.TestBlocks.endorserTx;
import static org.openbcs.ledger.TestBlocks.range;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.CommitResult;
import org.openbcs.ledger.KeyModification;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ledger.TestBlocks;
import org.openbcs.ledger.TestBlocks.Rw;
import org.openbcs.ledger.Version;

/**
 * {@code commitAsync}: block n is validated while block n-1 may still be in the writer, so its duplicate
 * and MVCC checks must see n-1's tx ids and writes whether or not they reached RocksDB yet.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelinedCommitTest {
  static final int VALID = TxValidationCode.VALID_VALUE;
  static final int MVCC = TxValidationCode.MVCC_READ_CONFLICT_VALUE;
  static final int PHANTOM = TxValidationCode.PHANTOM_READ_CONFLICT_VALUE;
  static final int DUP = TxValidationCode.DUPLICATE_TXID_VALUE;

  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  @TempDir Path dir;

  /** Blocks whose transactions depend on the block right before them. */
  private List<Block> dependentBlocks() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    List<Block> blocks = new ArrayList<>();
    blocks.add(chain.next(TestBlocks.configTx("genesis")));
    // 1: writes a, b, c
    blocks.add(chain.next(endorserTx("w1", Rw.of().write("cc", "a", "1").write("cc", "b", "1").write("cc", "c", "1").build())));
    // 2: reads of block 1's writes at their new versions pass; a stale read (absent) of a fails
    blocks.add(chain.next(
        endorserTx("r2ok", Rw.of().read("cc", "a", 1, 0).write("cc", "a", "2").build()),
        endorserTx("r2stale", Rw.of().readAbsent("cc", "b").write("cc", "x", "2").build()),
        endorserTx("d2", Rw.of().read("cc", "c", 1, 0).delete("cc", "c").build())));
    // 3: block 2 rewrote a and deleted c; reading them at block 1's versions conflicts; tx id of block 2 repeats
    blocks.add(chain.next(
        endorserTx("r3old", Rw.of().read("cc", "a", 1, 0).write("cc", "y", "3").build()),
        endorserTx("r3new", Rw.of().read("cc", "a", 2, 0).write("cc", "a", "3").build()),
        endorserTx("r3deleted", Rw.of().readAbsent("cc", "c").write("cc", "c", "3").build()),
        endorserTx("r2ok", Rw.of().write("cc", "z", "3").build())));
    // 4: a range query over block 3's writes: the ledger must wait for block 3 before re-running it
    blocks.add(chain.next(
        endorserTx("rq4ok", Rw.of().range("cc", range("a", "b", true, "a", 3, 1)).write("cc", "q", "4").build()),
        endorserTx("rq4stale", Rw.of().range("cc", range("a", "b", true, "a", 2, 0)).write("cc", "p", "4").build())));
    // 5: reads what block 4 wrote
    blocks.add(chain.next(endorserTx("r5", Rw.of().read("cc", "q", 4, 0).readAbsent("cc", "p").write("cc", "q", "5").build())));
    return blocks;
  }

  private static final int[][] EXPECTED = {
    {VALID}, {VALID}, {VALID, MVCC, VALID}, {MVCC, VALID, VALID, DUP}, {VALID, PHANTOM}, {VALID},
  };

  @Test
  void pipelinedCommitsDecideExactlyAsSynchronousOnes() {
    List<Block> blocks = dependentBlocks();
    List<CommitResult> async = new ArrayList<>();
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir.resolve("async"), TestBlocks.CHANNEL, suite)) {
      List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
      for (Block b : blocks) {
        futures.add(ledger.commitAsync(b, TestBlocks.valid(b.getData().getDataCount())));
      }
      for (CompletableFuture<CommitResult> f : futures) {
        async.add(f.join());
      }
      assertThat(ledger.info().height()).isEqualTo(blocks.size());
      assertFinalState(ledger);
    }
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir.resolve("sync"), TestBlocks.CHANNEL, suite)) {
      for (int i = 0; i < blocks.size(); i++) {
        Block b = blocks.get(i);
        CommitResult r = ledger.commit(b, TestBlocks.valid(b.getData().getDataCount()));
        assertThat(PeerLedgerCommitTest.ints(r.validationCodes())).as("sync block %d", i).containsExactly(EXPECTED[i]);
        assertThat(r.validationCodes()).as("block %d", i).isEqualTo(async.get(i).validationCodes());
      }
      assertFinalState(ledger);
    }
  }

  private static void assertFinalState(PeerLedger ledger) {
    assertThat(ledger.getState("cc", "a").orElseThrow().version()).isEqualTo(new Version(3, 1));
    assertThat(new String(ledger.getState("cc", "c").orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("3");
    assertThat(ledger.getState("cc", "x")).isEmpty();
    assertThat(ledger.getState("cc", "y")).isEmpty();
    assertThat(ledger.getState("cc", "z")).isEmpty();
    assertThat(ledger.getState("cc", "p")).isEmpty();
    assertThat(ledger.getState("cc", "q").orElseThrow().version()).isEqualTo(new Version(5, 0));
    assertThat(ledger.getHistory("cc", "c")).extracting(KeyModification::txId).containsExactly("r3deleted", "d2", "w1");
    assertThat(ledger.transaction("r2ok").orElseThrow().blockNum()).isEqualTo(2);
  }

  /** The overlay itself, deterministically: the previous block's writes win over what RocksDB holds. */
  @Test
  void prefetchPrefersThePendingBlocksWritesOverRocksDb() {
    try (StateDb db = StateDb.open(dir.resolve("state"))) {
      BlockUpdates committed = new BlockUpdates(1);
      committed.apply((ParsedTx.Endorser) TxParser.parse(
          endorserTx("w1", Rw.of().write("cc", "a", "1").write("cc", "b", "1").write("cc", "c", "1").build())), 0);
      db.commit(committed, new byte[32]);
      // Block 2 is accepted but not written: it rewrote a and deleted b.
      BlockUpdates pending = new BlockUpdates(2);
      pending.apply((ParsedTx.Endorser) TxParser.parse(
          endorserTx("w2", Rw.of().write("cc", "a", "2").delete("cc", "b").write("cc", "d", "2").build())), 3);
      List<ParsedTx> reads = List.of(TxParser.parse(endorserTx("r3",
          Rw.of().readAbsent("cc", "a").readAbsent("cc", "b").readAbsent("cc", "c").readAbsent("cc", "d").build())));
      MvccValidator mvcc = new MvccValidator(db);
      var withPending = mvcc.prefetch(reads, pending);
      var rocksOnly = mvcc.prefetch(reads);
      assertThat(withPending.get(key("a"))).isEqualTo(new Version(2, 3));
      assertThat(withPending.get(key("b")).blockNum()).as("deleted by the pending block: absent").isEqualTo(-1);
      assertThat(withPending.get(key("c"))).isEqualTo(new Version(1, 0));
      assertThat(withPending.get(key("d"))).isEqualTo(new Version(2, 3));
      assertThat(rocksOnly.get(key("a"))).isEqualTo(new Version(1, 0));
      assertThat(rocksOnly.get(key("b"))).isEqualTo(new Version(1, 0));
      assertThat(rocksOnly.get(key("d")).blockNum()).isEqualTo(-1);
    }
  }

  private static MvccValidator.StateKey key(String k) {
    return new MvccValidator.StateKey(StateCodec.stateKey("cc", k));
  }

  @Test
  void listenersSeeEveryBlockInOrderBeforeItsFutureCompletes() {
    List<Block> blocks = dependentBlocks();
    List<Long> seen = new CopyOnWriteArrayList<>();
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      ledger.addCommitListener(r -> seen.add(r.blockNum()));
      CompletableFuture<CommitResult> last = null;
      for (Block b : blocks.subList(0, 4)) {
        last = ledger.commitAsync(b, TestBlocks.valid(b.getData().getDataCount()));
      }
      assertThat(last.join().blockNum()).isEqualTo(3);
      assertThat(seen).containsExactly(0L, 1L, 2L, 3L);
      // A synchronous commit after pipelined ones waits for them and notifies in order too.
      Block b4 = blocks.get(4);
      ledger.commit(b4, TestBlocks.valid(b4.getData().getDataCount()));
      assertThat(seen).containsExactly(0L, 1L, 2L, 3L, 4L);
    }
  }

  @Test
  void aBlockThatDoesNotFollowTheAcceptedTipIsRejectedAndThePipelineGoesOn() {
    List<Block> blocks = dependentBlocks();
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      ledger.commitAsync(blocks.get(0), TestBlocks.valid(1));
      ledger.commitAsync(blocks.get(1), TestBlocks.valid(1));
      // Block 1 may still be in the writer: number and previous hash are checked against it anyway.
      assertThatThrownBy(() -> ledger.commitAsync(blocks.get(1), TestBlocks.valid(1)))
          .isInstanceOf(LedgerException.class).hasMessage("block 1: expected block number 2 (the store's height)");
      Block wrongParent = TestBlocks.unchained(2, new byte[32], blocks.get(2).getData().getDataList(), suite);
      assertThatThrownBy(() -> ledger.commitAsync(wrongParent, TestBlocks.valid(3)))
          .isInstanceOf(LedgerException.class).hasMessageStartingWith("block 2: previous_hash mismatch");
      CommitResult r = ledger.commitAsync(blocks.get(2), TestBlocks.valid(3)).join();
      assertThat(PeerLedgerCommitTest.ints(r.validationCodes())).containsExactly(EXPECTED[2]);
      assertThat(ledger.info().height()).isEqualTo(3);
    }
  }

  @Test
  void closeFinishesAcceptedBlocksAndReopenSeesThem() {
    List<Block> blocks = dependentBlocks();
    PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite);
    for (Block b : blocks) {
      ledger.commitAsync(b, TestBlocks.valid(b.getData().getDataCount()));
    }
    ledger.close();
    try (PeerLedger reopened = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      assertThat(reopened.info().height()).isEqualTo(blocks.size());
      assertFinalState(reopened);
    }
  }

  @Test
  void outcomesMatchTheStoredBlocksFromTheCacheAndAfterReopen() {
    List<Block> blocks = dependentBlocks();
    List<String> txIds = List.of("w1", "r2ok", "r2stale", "d2", "r3old", "r3new", "r3deleted", "rq4ok", "rq4stale", "r5");
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
      for (Block b : blocks) {
        futures.add(ledger.commitAsync(b, TestBlocks.valid(b.getData().getDataCount())));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      for (String id : txIds) {
        var record = ledger.transaction(id).orElseThrow();
        assertThat(ledger.transactionOutcome(id)).as(id)
            .contains(new org.openbcs.ledger.TxOutcome(record.validationCode(), record.blockNum()));
      }
      // r2ok repeats in block 3 as a duplicate; the first commit is the outcome.
      assertThat(ledger.transactionOutcome("r2ok").orElseThrow().blockNum()).isEqualTo(2);
      assertThat(ledger.transactionOutcome("r3old").orElseThrow().validationCode()).isEqualTo(MVCC);
      assertThat(ledger.transactionOutcome("never")).isEmpty();
    }
    try (PeerLedger reopened = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      for (String id : txIds) {
        var record = reopened.transaction(id).orElseThrow();
        assertThat(reopened.transactionOutcome(id)).as("%s after reopen", id)
            .contains(new org.openbcs.ledger.TxOutcome(record.validationCode(), record.blockNum()));
      }
    }
  }

  @Test
  void aTransactionIsVisibleOnlyOnceItsStateIsWritten() throws Exception {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    int blocksToCommit = 60;
    List<Block> blocks = new ArrayList<>();
    blocks.add(chain.next(TestBlocks.configTx("genesis")));
    for (int n = 1; n <= blocksToCommit; n++) {
      blocks.add(chain.next(endorserTx("tx" + n, Rw.of().write("cc", "k" + n, "v" + n).build())));
    }
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir.resolve("visible"), TestBlocks.CHANNEL, suite)) {
      java.util.concurrent.atomic.AtomicReference<Throwable> seen = new java.util.concurrent.atomic.AtomicReference<>();
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicInteger observed = new java.util.concurrent.atomic.AtomicInteger();
      // A reader racing the writer, as CommitStatus does: a tx it finds must have its state written.
      Thread reader = new Thread(() -> {
        int next = 1;
        while (!done.get() && next <= blocksToCommit && seen.get() == null) {
          try {
            // Both lookups: the full record (block read) and the outcome (recent-codes cache).
            boolean visible = next % 2 == 0
                ? ledger.transaction("tx" + next).isPresent()
                : ledger.transactionOutcome("tx" + next).isPresent();
            if (visible) {
              assertThat(ledger.getState("cc", "k" + next)).as("state of tx%d once it is visible", next).isPresent();
              observed.incrementAndGet();
              next++;
            }
          } catch (Throwable t) {
            seen.set(t);
          }
        }
      });
      reader.start();
      List<CompletableFuture<CommitResult>> futures = new ArrayList<>();
      for (Block b : blocks) {
        futures.add(ledger.commitAsync(b, new byte[b.getData().getDataCount()]));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      reader.join(TimeUnit.SECONDS.toMillis(30));
      done.set(true);
      assertThat(seen.get()).as("reader failure").isNull();
      assertThat(observed.get()).isEqualTo(blocksToCommit);
    }
  }
}
