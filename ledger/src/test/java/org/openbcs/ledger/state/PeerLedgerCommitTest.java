package org.openbcs.ledger.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openbcs.ledger.TestBlocks.endorserTx;
import static org.openbcs.ledger.TestBlocks.range;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import org.openbcs.ledger.VersionedValue;

class PeerLedgerCommitTest {
  static final int VALID = TxValidationCode.VALID_VALUE;
  static final int MVCC = TxValidationCode.MVCC_READ_CONFLICT_VALUE;
  static final int PHANTOM = TxValidationCode.PHANTOM_READ_CONFLICT_VALUE;
  static final int DUP = TxValidationCode.DUPLICATE_TXID_VALUE;

  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  @TempDir Path dir;
  PeerLedger ledger;
  TestBlocks.Chain chain;

  @BeforeEach
  void open() {
    ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite);
    chain = new TestBlocks.Chain(suite);
    commit(TestBlocks.configTx("genesis")); // block 0
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  byte[] commit(ByteString... envs) {
    Block b = chain.next(envs);
    return ledger.commit(b, TestBlocks.valid(envs.length)).validationCodes();
  }

  static int[] ints(byte[] codes) {
    int[] out = new int[codes.length];
    for (int i = 0; i < codes.length; i++) {
      out[i] = codes[i] & 0xff;
    }
    return out;
  }

  String value(String key) {
    return ledger.getState("cc", key).map(v -> new String(v.value(), StandardCharsets.UTF_8)).orElse(null);
  }

  @Test
  void validWritesAreAppliedWithBlockAndTxVersions() {
    byte[] codes = commit(
        endorserTx("t1", Rw.of().readAbsent("cc", "a").write("cc", "a", "1").build()),
        endorserTx("t2", Rw.of().write("cc", "b", "2").write("other", "a", "x").build()));
    assertThat(ints(codes)).containsExactly(VALID, VALID);
    assertThat(ledger.getState("cc", "a").orElseThrow().version()).isEqualTo(new Version(1, 0));
    assertThat(ledger.getState("cc", "b").orElseThrow().version()).isEqualTo(new Version(1, 1));
    assertThat(ledger.getState("other", "a").orElseThrow().value()).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
    assertThat(ledger.getState("other", "b")).isEmpty();
    Block stored = ledger.blocks().blockByNumber(1).orElseThrow();
    assertThat(stored.getMetadata().getMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE).toByteArray())
        .containsExactly(0, 0);
    assertThat(ledger.transaction("t2").orElseThrow())
        .satisfies(r -> {
          assertThat(r.blockNum()).isEqualTo(1);
          assertThat(r.txIndex()).isEqualTo(1);
          assertThat(r.validationCode()).isEqualTo(VALID);
        });
  }

  @Test
  void readConflictAgainstCommittedState() {
    commit(endorserTx("t1", Rw.of().write("cc", "a", "1").build()));
    byte[] codes = commit(
        endorserTx("stale", Rw.of().read("cc", "a", 0, 0).write("cc", "b", "x").build()),
        endorserTx("absentButPresent", Rw.of().readAbsent("cc", "a").write("cc", "c", "x").build()),
        endorserTx("presentButAbsent", Rw.of().read("cc", "zz", 1, 0).write("cc", "d", "x").build()),
        endorserTx("fresh", Rw.of().read("cc", "a", 1, 0).write("cc", "a", "2").build()));
    assertThat(ints(codes)).containsExactly(MVCC, MVCC, MVCC, VALID);
    assertThat(value("a")).isEqualTo("2");
    assertThat(value("b")).isNull();
    assertThat(ledger.transaction("stale").orElseThrow().validationCode()).isEqualTo(MVCC);
  }

  @Test
  void readConflictAgainstEarlierTxInSameBlock() {
    commit(endorserTx("t1", Rw.of().write("cc", "a", "1").build()));
    byte[] codes = commit(
        endorserTx("w", Rw.of().read("cc", "a", 1, 0).write("cc", "a", "2").build()),
        endorserTx("r", Rw.of().read("cc", "a", 1, 0).write("cc", "b", "x").build()),
        endorserTx("invalidWriter", Rw.of().read("cc", "q", 9, 9).write("cc", "c", "x").build()),
        endorserTx("readsC", Rw.of().readAbsent("cc", "c").write("cc", "d", "x").build()));
    // The invalid tx's write of c must not conflict with the later read of c.
    assertThat(ints(codes)).containsExactly(VALID, MVCC, MVCC, VALID);
  }

  @Test
  void phantomWhenAKeyIsInsertedIntoOrDeletedFromARange() {
    commit(endorserTx("t1", Rw.of().write("cc", "k1", "1").write("cc", "k3", "3").build()));
    var read = range("k0", "k9", true, "k1", 1, 0, "k3", 1, 0);
    byte[] insertCommitted = commit(
        endorserTx("ins", Rw.of().write("cc", "k2", "2").build()),
        endorserTx("rq1", Rw.of().range("cc", read).write("cc", "x", "1").build()));
    assertThat(ints(insertCommitted)).containsExactly(VALID, PHANTOM);

    var read2 = range("k0", "k9", true, "k1", 1, 0, "k2", 2, 0, "k3", 1, 0);
    byte[] unchanged = commit(endorserTx("rq2", Rw.of().range("cc", read2).write("cc", "y", "1").build()));
    assertThat(ints(unchanged)).containsExactly(VALID);

    byte[] deleteInBlock = commit(
        endorserTx("del", Rw.of().delete("cc", "k2").build()),
        endorserTx("rq3", Rw.of().range("cc", read2).build()));
    assertThat(ints(deleteInBlock)).containsExactly(VALID, PHANTOM);

    var read3 = range("k0", "k9", true, "k1", 1, 0, "k3", 1, 0);
    byte[] deletedCommitted = commit(
        endorserTx("rq4", Rw.of().range("cc", read3).build()),
        endorserTx("rq5", Rw.of().range("cc", read2).build()));
    assertThat(ints(deletedCommitted)).containsExactly(VALID, PHANTOM);
  }

  @Test
  void partialRangeOnlyVouchesForTheKeysItReturned() {
    commit(endorserTx("t1", Rw.of().write("cc", "k1", "1").write("cc", "k3", "3").build()));
    // Stopped after k1 (not exhausted): an insert after k1 is not a phantom, one before it is.
    var partial = range("k0", "k1", false, "k1", 1, 0);
    byte[] codes = commit(
        endorserTx("insAfter", Rw.of().write("cc", "k2", "2").build()),
        endorserTx("rq", Rw.of().range("cc", partial).build()),
        endorserTx("insBefore", Rw.of().write("cc", "k0", "0").build()),
        endorserTx("rq2", Rw.of().range("cc", partial).build()));
    assertThat(ints(codes)).containsExactly(VALID, VALID, VALID, PHANTOM);
  }

  @Test
  void duplicateTxIdsInBlockAndAgainstCommitted() {
    commit(endorserTx("t1", Rw.of().write("cc", "a", "1").build()));
    byte[] codes = commit(
        endorserTx("t1", Rw.of().write("cc", "b", "1").build()),
        endorserTx("t2", Rw.of().write("cc", "c", "1").build()),
        endorserTx("t2", Rw.of().write("cc", "d", "1").build()));
    assertThat(ints(codes)).containsExactly(DUP, VALID, DUP);
    assertThat(value("b")).isNull();
    assertThat(value("d")).isNull();
    assertThat(ledger.transaction("t1").orElseThrow().blockNum()).isEqualTo(1);
  }

  @Test
  void preInvalidAndMalformedAndConfigTransactions() {
    ByteString garbage = ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 3});
    Block b = chain.next(
        endorserTx("pre", Rw.of().write("cc", "p", "1").build()),
        garbage,
        TestBlocks.configTx("cfg"),
        endorserTx("ok", Rw.of().write("cc", "o", "1").build()));
    byte[] pre = {(byte) TxValidationCode.ENDORSEMENT_POLICY_FAILURE_VALUE, 0, 0, 0};
    CommitResult r = ledger.commit(b, pre);
    assertThat(ints(r.validationCodes()))
        .containsExactly(TxValidationCode.ENDORSEMENT_POLICY_FAILURE_VALUE, TxValidationCode.BAD_PAYLOAD_VALUE, VALID, VALID);
    assertThat(value("p")).isNull();
    assertThat(value("o")).isEqualTo("1");
  }

  @Test
  void rejectedBlockLeavesLedgerUsable() {
    Block b = chain.next(endorserTx("t1", Rw.of().write("cc", "a", "1").build()));
    assertThatThrownBy(() -> ledger.commit(b, new byte[2])).isInstanceOf(LedgerException.class)
        .hasMessage("block 1: 2 pre-validation codes for 1 envelopes");
    Block tampered = b.toBuilder().setHeader(b.getHeader().toBuilder()
        .setDataHash(ByteString.copyFrom(new byte[32]))).build();
    assertThatThrownBy(() -> ledger.commit(tampered, new byte[1])).isInstanceOf(LedgerException.class)
        .hasMessageStartingWith("block 1: data_hash mismatch");
    assertThat(value("a")).isNull();
    ledger.commit(b, new byte[1]);
    assertThat(value("a")).isEqualTo("1");
  }

  @Test
  void historyIsNewestFirstIncludingDeletes() {
    commit(endorserTx("h1", Rw.of().write("cc", "k", "v1").write("cc", "k\u0000sub", "s").build(), 1000));
    commit(endorserTx("h2", Rw.of().delete("cc", "k").build(), 2000));
    commit(endorserTx("h3", Rw.of().write("cc", "k", "v3").build(), 3000));
    List<KeyModification> h = ledger.getHistory("cc", "k");
    assertThat(h).extracting(KeyModification::txId).containsExactly("h3", "h2", "h1");
    assertThat(h).extracting(KeyModification::isDelete).containsExactly(false, true, false);
    assertThat(h).extracting(KeyModification::timestampMillis).containsExactly(3000L, 2000L, 1000L);
    assertThat(h.get(0).version()).isEqualTo(new Version(3, 0));
    assertThat(new String(h.get(2).value(), StandardCharsets.UTF_8)).isEqualTo("v1");
    assertThat(ledger.getHistory("cc", "k\u0000sub")).extracting(KeyModification::txId).containsExactly("h1");
  }

  @Test
  void paginationFollowsUtf8ByteOrder() {
    // UTF-16 order would put U+FFFF after U+1F600 (a surrogate pair); UTF-8 order puts it before.
    List<String> keys = List.of("\u0000comp\u0000a\u0000", "\u0000comp\u0000b\u0000", "a", "b", "\uFFFF", "\uD83D\uDE00");
    Rw rw = Rw.of();
    keys.forEach(k -> rw.write("cc", k, "v"));
    commit(endorserTx("w", rw.build()));
    List<String> seen = new ArrayList<>();
    String bookmark = "";
    int pages = 0;
    do {
      var page = ledger.getStateRange("cc", "", "", 2, bookmark);
      page.results().forEach(v -> seen.add(v.key()));
      bookmark = page.bookmark();
      pages++;
    } while (!bookmark.isEmpty());
    assertThat(seen).containsExactlyElementsOf(keys);
    assertThat(pages).isEqualTo(3);
    assertThat(ledger.getStateRange("cc", "a", "\uFFFF", 0, "").results())
        .extracting(VersionedValue::key).containsExactly("a", "b");
    assertThat(ledger.getStateRange("cc", "\u0000comp\u0000", "\u0000comp\u0001", 0, "").results())
        .hasSize(2);
    var first = ledger.getStateRange("cc", "a", "", 1, "");
    assertThat(first.bookmark()).isEqualTo("b");
    assertThat(ledger.getStateRange("cc", "a", "", 10, "").bookmark()).isEmpty();
  }

  @Test
  void commitListenersSeeTheResult() {
    List<CommitResult> seen = new ArrayList<>();
    ledger.addCommitListener(seen::add);
    commit(endorserTx("t1", Rw.of().write("cc", "a", "1").build()));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).blockNum()).isEqualTo(1);
  }

  @Test
  void reopenWithAnotherChannelFails() {
    ledger.close();
    assertThatThrownBy(() -> Ledgers.openPeerLedger(dir, "other", suite))
        .isInstanceOf(LedgerException.class).hasMessageContaining("belongs to channel mychannel");
    ledger = Ledgers.openPeerLedger(dir, TestBlocks.CHANNEL, suite);
  }
}
