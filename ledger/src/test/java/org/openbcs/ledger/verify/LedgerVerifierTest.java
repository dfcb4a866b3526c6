package org.openbcs.ledger.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbcs.ledger.TestBlocks.endorserTx;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.TestBlocks;
import org.openbcs.ledger.TestBlocks.Rw;
import org.openbcs.ledger.Version;
import org.openbcs.ledger.blockstore.BlockIndex;
import org.openbcs.ledger.blockstore.IndexedBlock;
import org.openbcs.ledger.blockstore.RecordLocation;
import org.openbcs.ledger.blockstore.SegmentRecord;
import org.openbcs.ledger.cli.LedgerCommand;
import org.openbcs.ledger.state.RocksPeerLedger;
import org.openbcs.ledger.state.StateCodec;
import org.rocksdb.RocksDB;
import picocli.CommandLine;

class LedgerVerifierTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  @TempDir Path dir;
  private final RecordLocation[] locations = new RecordLocation[4];

  /** Blocks 0..3: genesis, then three blocks of writes, deletes and an MVCC-invalid tx. */
  @BeforeEach
  void build() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (RocksPeerLedger ledger = RocksPeerLedger.open(dir, TestBlocks.CHANNEL, suite)) {
      ledger.commit(chain.next(TestBlocks.configTx("genesis")), new byte[1]);
      ledger.commit(chain.next(endorserTx("t1", Rw.of().write("cc", "a", "1").write("cc", "b", "1").build()),
          endorserTx("t2", Rw.of().write("cc", "c", "1").build())), new byte[2]);
      ledger.commit(chain.next(endorserTx("t3", Rw.of().read("cc", "a", 1, 0).write("cc", "a", "2").build()),
          endorserTx("t4", Rw.of().read("cc", "a", 1, 0).write("cc", "z", "never").build())), new byte[2]);
      ledger.commit(chain.next(endorserTx("t5", Rw.of().delete("cc", "b").build())), new byte[1]);
      for (int n = 0; n < 4; n++) {
        locations[n] = ledger.blockStore().index().block(n).orElseThrow().location();
      }
    }
  }

  @Test
  void consistentLedgerIsOk() {
    VerifyReport r = LedgerVerifier.verify(dir, suite);
    assertThat(r.summary()).isEqualTo("ledger OK: 4 blocks, 6 transactions, 2 keys");
    assertThat(r.ok()).isTrue();
  }

  @Test
  void flippedByteInABlockPayloadNamesTheBlock() throws Exception {
    flip(locations[2].offset() + SegmentRecord.HEADER_BYTES + 40);
    VerifyReport r = LedgerVerifier.verify(dir, suite);
    assertThat(r.ok()).isFalse();
    assertThat(r.summary()).startsWith("block 2: record checksum mismatch").contains("followed by intact records");
  }

  @Test
  void reframedTamperedBlockIsCaughtByTheDataHash() throws Exception {
    // An attacker who rewrites a record and fixes its checksum still breaks data_hash.
    byte[] payload = readPayload(locations[1]);
    Block b = Block.parseFrom(payload);
    Block forged = b.toBuilder().setData(b.getData().toBuilder().setData(1, endorserTx("t2",
        Rw.of().write("cc", "c", "9").build()))).build();
    byte[] forgedBytes = forged.toByteArray();
    assertThat(forgedBytes.length).isEqualTo(payload.length);
    ByteBuffer frame = SegmentRecord.frame(1, forgedBytes);
    try (RandomAccessFile f = new RandomAccessFile(blockFile().toFile(), "rw")) {
      f.seek(locations[1].offset());
      f.write(frame.array());
    }
    VerifyReport r = LedgerVerifier.verify(dir, suite);
    assertThat(r.summary()).startsWith("block 1: data_hash mismatch (stored ").contains(", computed ");
  }

  @Test
  void tamperedIndexEntryIsNamed() throws Exception {
    try (RocksDB db = RocksDB.open(dir.resolve("index").toString())) {
      IndexedBlock wrong = new IndexedBlock(2, new RecordLocation(0, locations[1].offset(), locations[1].payloadLength()),
          new byte[32]);
      db.put(BlockIndex.blockKey(2), BlockIndex.encodeBlock(wrong));
    }
    assertThat(LedgerVerifier.verify(dir, suite).summary()).startsWith("block 2: index entry (blockfile_000000 offset");
  }

  @Test
  void tamperedTxIndexEntryIsNamed() throws Exception {
    try (RocksDB db = RocksDB.open(dir.resolve("index").toString())) {
      db.put(BlockIndex.txKey("t3"), ByteBuffer.allocate(12).putLong(1).putInt(0).array());
    }
    assertThat(LedgerVerifier.verify(dir, suite).summary())
        .isEqualTo("block 2: index entry of tx t3 points to TxLocation[blockNum=1, txIndex=0],"
            + " the block files say tx 0 of block 2");
  }

  @Test
  void changedStateValueIsNamed() throws Exception {
    try (var state = org.openbcs.ledger.state.StateDb.open(dir.resolve("state"))) {
      state.db().put(state.state(), StateCodec.stateKey("cc", "a"),
          StateCodec.encodeValue(new Version(2, 0), "3".getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(LedgerVerifier.verify(dir, suite).summary())
        .startsWith("state: key cc/a differs from the replay of the blocks (stored version (2,0) value 33, expected"
            + " version (2,0) value 32)");
  }

  @Test
  void injectedAndDeletedStateKeysAreNamed() throws Exception {
    try (var state = org.openbcs.ledger.state.StateDb.open(dir.resolve("state"))) {
      state.db().put(state.state(), StateCodec.stateKey("cc", "b"),
          StateCodec.encodeValue(new Version(1, 0), "1".getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(LedgerVerifier.verify(dir, suite).summary())
        .isEqualTo("state: key cc/b is stored but no valid transaction wrote it");
    try (var state = org.openbcs.ledger.state.StateDb.open(dir.resolve("state"))) {
      state.db().delete(state.state(), StateCodec.stateKey("cc", "b"));
      state.db().delete(state.history(), StateCodec.historyKey(StateCodec.stateKey("cc", "c"), new Version(1, 1)));
    }
    assertThat(LedgerVerifier.verify(dir, suite).summary())
        .isEqualTo("history: key cc/c at Version[blockNum=1, txNum=1] is missing (written by tx t2 value 31)");
  }

  @Test
  void cliPrintsOkOrTheProblemWithExitCodes() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new LedgerCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    assertThat(cl.execute("verify", "--path", dir.toString())).isZero();
    assertThat(out.toString().trim()).isEqualTo("ledger OK: 4 blocks, 6 transactions, 2 keys");
    flip(locations[3].offset() + SegmentRecord.HEADER_BYTES + 5);
    StringWriter out2 = new StringWriter();
    cl.setOut(new PrintWriter(out2));
    assertThat(cl.execute("verify", "--path", dir.toString(), "--suite", "ecdsa-p256")).isEqualTo(1);
    // The last record is corrupt with nothing after it: indistinguishable from a torn write, but the
    // index vouches for block 3, so the audit still fails.
    assertThat(out2.toString().trim()).isEqualTo("index: height 4 but the block files hold 3 blocks");
  }

  @Test
  void openRefusesACorruptedMiddle() throws Exception {
    flip(locations[1].offset() + SegmentRecord.HEADER_BYTES + 10);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RocksPeerLedger.open(dir, TestBlocks.CHANNEL, suite))
        .isInstanceOf(LedgerException.class)
        .hasMessageStartingWith("block 1: record checksum mismatch");
  }

  private Path blockFile() {
    return dir.resolve("blocks").resolve("blockfile_000000");
  }

  private byte[] readPayload(RecordLocation loc) throws Exception {
    byte[] payload = new byte[loc.payloadLength()];
    try (RandomAccessFile f = new RandomAccessFile(blockFile().toFile(), "r")) {
      f.seek(loc.offset() + SegmentRecord.HEADER_BYTES);
      f.readFully(payload);
    }
    return payload;
  }

  private void flip(long offset) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(blockFile().toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x01);
    }
  }
}
