package org.openbcs.ledger.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.TestBlocks;
import org.openbcs.ledger.verify.LedgerVerifier;

/**
 * kill -9 mid-write leaves a partial record after the last fsynced block (and possibly fsynced blocks
 * the index never saw). Reopening must keep every complete block and never accept a broken one; a
 * corrupted record with intact data after it must be named, by open and by verify.
 */
class CrashRecoveryPropertiesTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();

  private record Written(Path dir, List<Block> blocks, List<RecordLocation> locations) {}

  /** {@code indexed} blocks through the store, then {@code unindexed} straight into the files. */
  private Written write(int indexed, int unindexed, int txsPerBlock, int rollBytes) throws Exception {
    Path dir = Files.createTempDirectory("crash");
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    List<Block> blocks = new ArrayList<>();
    List<RecordLocation> locations = new ArrayList<>();
    try (FileBlockStore store = FileBlockStore.open(dir, suite, rollBytes)) {
      for (int i = 0; i < indexed; i++) {
        Block b = chain.next(TestBlocks.simpleTxs("b" + i + "-", txsPerBlock));
        store.append(b);
        blocks.add(b);
        locations.add(store.index().block(i).orElseThrow().location());
      }
    }
    try (SegmentFiles files = SegmentFiles.open(dir.resolve("blocks"), rollBytes)) {
      for (int i = indexed; i < indexed + unindexed; i++) {
        Block b = chain.next(TestBlocks.simpleTxs("b" + i + "-", txsPerBlock));
        locations.add(files.append(i, b.toByteArray()));
        blocks.add(b);
      }
    }
    return new Written(dir, blocks, locations);
  }

  @Property(tries = 15)
  void tornTailNeverLosesACompleteBlock(
      @ForAll @IntRange(min = 1, max = 5) int indexed,
      @ForAll @IntRange(min = 0, max = 3) int unindexed,
      @ForAll @IntRange(min = 1, max = 6) int txs,
      @ForAll @IntRange(min = 512, max = 8192) int rollBytes,
      @ForAll @IntRange(min = 0, max = 100_000) int cutSeed,
      @ForAll boolean garbageAfterCut)
      throws Exception {
    Written w = write(indexed, unindexed, txs, rollBytes);
    try {
      int complete = indexed + unindexed;
      // The record being written when the process died: a random prefix of block `complete`.
      TestBlocks.Chain next = new TestBlocks.Chain(suite, complete,
          BlockHashing.headerHash(suite, w.blocks().getLast().getHeader()));
      Block torn = next.next(TestBlocks.simpleTxs("torn", txs));
      ByteBuffer frame = SegmentRecord.frame(complete, torn.toByteArray());
      int cut = cutSeed % frame.capacity();
      Path last = lastSegment(w.dir());
      try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
        f.seek(f.length());
        f.write(frame.array(), 0, cut);
        if (garbageAfterCut) {
          f.write(new byte[cutSeed % 300]); // zero-filled pages the kernel extended the file with
        }
      }
      try (FileBlockStore store = FileBlockStore.open(w.dir(), suite, rollBytes)) {
        assertThat(store.height()).isEqualTo(complete);
        for (int i = 0; i < complete; i++) {
          assertThat(store.blockByNumber(i)).contains(w.blocks().get(i));
        }
        store.append(torn);
        assertThat(store.height()).isEqualTo(complete + 1);
      }
      try (FileBlockStore store = FileBlockStore.open(w.dir(), suite, rollBytes)) {
        assertThat(store.height()).isEqualTo(complete + 1);
      }
      assertThat(LedgerVerifier.verify(w.dir(), suite).ok()).isTrue();
    } finally {
      TestBlocks.deleteRecursively(w.dir());
    }
  }

  @Property(tries = 12)
  void brokenUnindexedLastRecordIsDroppedNotAccepted(
      @ForAll @IntRange(min = 1, max = 4) int indexed,
      @ForAll @IntRange(min = 1, max = 3) int unindexed,
      @ForAll @IntRange(min = 0, max = 100_000) int flipSeed)
      throws Exception {
    Written w = write(indexed, unindexed, 3, 1 << 20);
    try {
      int lastIdx = indexed + unindexed - 1;
      RecordLocation loc = w.locations().get(lastIdx);
      long recordBytes = SegmentRecord.HEADER_BYTES + loc.payloadLength();
      flip(w.dir(), loc.segment(), loc.offset() + 4 + flipSeed % (recordBytes - 4)); // magic intact: a garbled write
      try (FileBlockStore store = FileBlockStore.open(w.dir(), suite, 1 << 20)) {
        assertThat(store.height()).isEqualTo(lastIdx);
        assertThat(store.blockByNumber(lastIdx - 1)).contains(w.blocks().get(lastIdx - 1));
      }
    } finally {
      TestBlocks.deleteRecursively(w.dir());
    }
  }

  @Property(tries = 12)
  void corruptedMiddleIsNamedByOpenAndVerify(
      @ForAll @IntRange(min = 3, max = 6) int blocks,
      @ForAll @IntRange(min = 0, max = 2) int unindexed,
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed)
      throws Exception {
    Written w = write(blocks - unindexed, unindexed, 2, 4096);
    try {
      int victim = seed % (blocks - 1); // any record but the last
      RecordLocation loc = w.locations().get(victim);
      long recordBytes = SegmentRecord.HEADER_BYTES + loc.payloadLength();
      flip(w.dir(), loc.segment(), loc.offset() + (seed / 7) % recordBytes);
      String expected = "block " + victim + ": ";
      assertThat(LedgerVerifier.verify(w.dir(), suite).summary()).startsWith(expected);
      assertThatThrownBy(() -> FileBlockStore.open(w.dir(), suite, 4096).close())
          .isInstanceOf(LedgerException.class)
          .hasMessageStartingWith(expected);
    } finally {
      TestBlocks.deleteRecursively(w.dir());
    }
  }

  private static Path lastSegment(Path dir) throws Exception {
    List<Integer> segs = SegmentFiles.segmentNumbers(dir.resolve("blocks"));
    return dir.resolve("blocks").resolve(SegmentFiles.fileName(segs.getLast()));
  }

  private static void flip(Path dir, int segment, long offset) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("blocks").resolve(SegmentFiles.fileName(segment)).toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x40);
    }
  }
}
