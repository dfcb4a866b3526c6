package org.openbcs.ledger.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openbcs.ledger.TestBlocks.endorserTx;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.Invariants.InvariantViolation;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.BlockStore;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ledger.StatePage;
import org.openbcs.ledger.TestBlocks;
import org.openbcs.ledger.TestBlocks.Rw;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.ledger.Version;

class SimulatorAndReplayTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void simulatorRecordsReadsRangesAndSortedWritesOnASnapshot() throws Exception {
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      TestBlocks.Chain chain = new TestBlocks.Chain(suite);
      ledger.commit(chain.next(TestBlocks.configTx("g")), new byte[1]);
      ledger.commit(chain.next(endorserTx("t1", Rw.of().write("cc", "a", "1").write("cc", "b", "2")
          .write("cc", "c", "3").build())), new byte[1]);
      TxReadWriteSet rwset;
      try (TxSimulator sim = ledger.newSimulator("sim1")) {
        // A commit after the simulator started must not be visible to it.
        ledger.commit(chain.next(endorserTx("t2", Rw.of().write("cc", "a", "changed").build())), new byte[1]);
        assertThat(sim.getState("cc", "a")).isEqualTo(utf8("1"));
        assertThat(sim.getState("cc", "missing")).isNull();
        StatePage page = sim.getStateRange("cc", "a", "", 2, "");
        assertThat(page.bookmark()).isEqualTo("c");
        sim.putState("zz", "w2", utf8("x"));
        sim.putState("zz", "w1", utf8("y"));
        sim.deleteState("cc", "b");
        rwset = sim.readWriteSet();
      }
      assertThat(rwset.getDataModel()).isEqualTo(TxReadWriteSet.DataModel.KV);
      assertThat(rwset.getNsRwsetList()).extracting(NsReadWriteSet::getNamespace).containsExactly("cc", "zz");
      KVRWSet cc = KVRWSet.parseFrom(rwset.getNsRwset(0).getRwset());
      assertThat(cc.getReadsList()).extracting(r -> r.getKey()).containsExactly("a", "missing");
      assertThat(cc.getReads(0).getVersion().getBlockNum()).isEqualTo(1);
      assertThat(cc.getReads(1).hasVersion()).isFalse();
      assertThat(cc.getRangeQueriesInfo(0).getItrExhausted()).isFalse();
      assertThat(cc.getRangeQueriesInfo(0).getEndKey()).isEqualTo("b");
      assertThat(cc.getRangeQueriesInfo(0).getRawReads().getKvReadsCount()).isEqualTo(2);
      assertThat(cc.getWrites(0).getIsDelete()).isTrue();
      KVRWSet zz = KVRWSet.parseFrom(rwset.getNsRwset(1).getRwset());
      assertThat(zz.getWritesList()).extracting(w -> w.getKey()).containsExactly("w1", "w2");

      // The simulated tx read a=(1,0), now stale: MVCC conflict. A fresh simulation is valid.
      Block stale = chain.next(TestBlocks.endorserTx("sim1", rwset));
      assertThat(ledger.commit(stale, new byte[1]).validationCodes()[0])
          .isEqualTo((byte) TxValidationCode.MVCC_READ_CONFLICT_VALUE);
      try (TxSimulator sim = ledger.newSimulator("sim2")) {
        sim.getState("cc", "a");
        sim.getStateRange("cc", "", "", 0, "");
        sim.putState("cc", "d", utf8("4"));
        Block fresh = chain.next(TestBlocks.endorserTx("sim2", sim.readWriteSet()));
        assertThat(ledger.commit(fresh, new byte[1]).validationCodes()[0]).isEqualTo((byte) 0);
      }
      assertThat(ledger.getState("cc", "d").orElseThrow().version()).isEqualTo(new Version(4, 0));
    }
  }

  @Test
  void stateLaggingTheBlockStoreIsReplayedOnOpen() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      ledger.commit(chain.next(TestBlocks.configTx("g")), new byte[1]);
      ledger.commit(chain.next(endorserTx("t1", Rw.of().write("cc", "a", "1").build())), new byte[1]);
    }
    // Crash between block write and state commit: the block (with its filter) reaches the store only.
    Block b2 = chain.next(
        endorserTx("t2", Rw.of().write("cc", "a", "2").write("cc", "b", "x").build()),
        endorserTx("t3", Rw.of().write("cc", "c", "never").build()));
    byte[] filter = {0, (byte) TxValidationCode.MVCC_READ_CONFLICT_VALUE};
    Block withFilter = b2.toBuilder().setMetadata(b2.getMetadata().toBuilder()
        .setMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE, ByteString.copyFrom(filter))).build();
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      store.append(withFilter);
    }
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      assertThat(ledger.getState("cc", "a").orElseThrow().version()).isEqualTo(new Version(2, 0));
      assertThat(ledger.getState("cc", "b")).isPresent();
      assertThat(ledger.getState("cc", "c")).isEmpty();
      assertThat(ledger.getHistory("cc", "a")).hasSize(2);
      assertThat(ledger.transaction("t3").orElseThrow().validationCode())
          .isEqualTo(TxValidationCode.MVCC_READ_CONFLICT_VALUE);
      ledger.commit(chain.next(endorserTx("t4", Rw.of().read("cc", "a", 2, 0).write("cc", "a", "3").build())),
          new byte[1]);
      assertThat(ledger.getState("cc", "a").orElseThrow().version()).isEqualTo(new Version(3, 0));
    }
  }

  @Test
  void stateAheadOfTheBlockStoreFailsLoudly() throws Exception {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      ledger.commit(chain.next(TestBlocks.configTx("g")), new byte[1]);
      ledger.commit(chain.next(endorserTx("t1", Rw.of().write("cc", "a", "1").build())), new byte[1]);
    }
    // Lose the block files (and the index that points into them): state now claims block 1.
    TestBlocks.deleteRecursively(dir.resolve("blocks"));
    TestBlocks.deleteRecursively(dir.resolve("index"));
    assertThatThrownBy(() -> Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite))
        .isInstanceOf(InvariantViolation.class)
        .hasMessageContaining("state savepoint at block 1 is ahead of the block store tip -1");
  }

  @Test
  void malformedNamespaceIsRejected() {
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite);
        TxSimulator sim = ledger.newSimulator("x")) {
      assertThatThrownBy(() -> sim.getState("bad\u0000ns", "k")).hasMessageContaining("contains U+0000");
      assertThat(sim.readWriteSet().getNsRwsetList()).isEmpty();
      assertThat(List.of(sim.getHistory("cc", "k"))).hasSize(1);
    }
  }

  @Test
  void useAfterCloseThrowsInsteadOfCrashing() {
    PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite);
    TxSimulator sim = ledger.newSimulator("late");
    ledger.close();
    assertThatThrownBy(() -> sim.getState("cc", "a")).isInstanceOf(IllegalStateException.class);
    sim.close();
    assertThatThrownBy(() -> ledger.getState("cc", "a")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ledger.newSimulator("x")).isInstanceOf(IllegalStateException.class);
    ledger.close();
  }

  @Test
  void blockStoreOnlyDirectoryVerifies() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      store.append(chain.next(TestBlocks.configTx("g")));
      store.append(chain.next(TestBlocks.simpleTxs("o", 3)));
    }
    var report = org.openbcs.ledger.verify.LedgerVerifier.verify(dir, suite);
    assertThat(report.summary()).isEqualTo("ledger OK: 2 blocks, 4 transactions, 0 keys");
    assertThat(report.notes()).contains("no state database: block store only");
  }

  @Test
  void savepointFromAnotherChainFailsTheOpen() throws Exception {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite)) {
      ledger.commit(chain.next(TestBlocks.configTx("g")), new byte[1]);
    }
    try (StateDb state = StateDb.open(dir.resolve(StateDb.DIR))) {
      state.db().put(state.meta(), StateDb.SAVEPOINT_KEY,
          java.nio.ByteBuffer.allocate(8 + 32).putLong(0).put(new byte[32]).array());
    }
    assertThatThrownBy(() -> Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite))
        .isInstanceOf(org.openbcs.ledger.LedgerException.class)
        .hasMessageStartingWith("block 0: the state savepoint records header hash 0000000000000000..")
        .hasMessageEndingWith("state and blocks belong to different chains");
  }
}
