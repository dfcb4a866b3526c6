package org.openbcs.ledger.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ledger.BlockStore;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.TestBlocks;

class FileBlockStoreTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  @TempDir Path dir;

  @Test
  void appendsReadsAndIndexesAcrossReopen() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    Block b0 = chain.next(TestBlocks.configTx("genesis"));
    Block b1 = chain.next(TestBlocks.simpleTxs("a", 3));
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      store.append(b0);
      store.append(b1);
      assertThat(store.height()).isEqualTo(2);
      assertThat(store.blockByNumber(1)).contains(b1);
      assertThat(store.blockByNumber(2)).isEmpty();
    }
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      assertThat(store.height()).isEqualTo(2);
      assertThat(store.blockByNumber(0)).contains(b0);
      byte[] h1 = BlockHashing.headerHash(suite, b1.getHeader());
      assertThat(store.blockByHash(h1)).contains(b1);
      assertThat(store.info().currentBlockHash()).isEqualTo(h1);
      assertThat(store.info().previousBlockHash()).isEqualTo(BlockHashing.headerHash(suite, b0.getHeader()));
      assertThat(store.blockNumberOfTx("a2")).contains(1L);
      assertThat(store.blockNumberOfTx("genesis")).contains(0L);
      assertThat(store.blockNumberOfTx("nope")).isEmpty();
    }
  }

  @Test
  void recentBlocksServedFromMemoryEqualWhatTheFileHolds() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    int count = FileBlockStore.RECENT_BLOCKS * 2 + 3;
    List<Block> appended = new java.util.ArrayList<>();
    appended.add(chain.next(TestBlocks.configTx("genesis")));
    for (int n = 1; n < count; n++) {
      appended.add(chain.next(TestBlocks.simpleTxs("b" + n, 2)));
    }
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      for (Block b : appended) {
        store.append(b);
      }
      // Old blocks come from the file, the last RECENT_BLOCKS from memory: all must be the same.
      for (int n = 0; n < count; n++) {
        assertThat(store.blockByNumber(n)).as("block %d", n).contains(appended.get(n));
      }
      assertThat(store.blockByNumber(count)).isEmpty();
    }
    try (BlockStore reopened = Ledgers.openBlockStore(dir, suite)) {
      for (int n = count - FileBlockStore.RECENT_BLOCKS; n < count; n++) {
        assertThat(reopened.blockByNumber(n)).as("block %d from the file", n).contains(appended.get(n));
      }
    }
  }

  @Test
  void padsMetadataToFiveSlots() {
    Block b0 = TestBlocks.unchained(0, new byte[0], List.of(TestBlocks.configTx("g")), suite);
    Block bare = b0.toBuilder().clearMetadata().build();
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      store.append(bare);
      assertThat(store.blockByNumber(0).orElseThrow().getMetadata().getMetadataCount()).isEqualTo(5);
    }
  }

  @Test
  void rejectsBlocksThatDoNotFollowAndStaysUsable() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    Block b0 = chain.next(TestBlocks.configTx("genesis"));
    Block b1 = chain.next(TestBlocks.simpleTxs("a", 2));
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      store.append(b0);
      assertThatThrownBy(() -> store.append(b0))
          .isInstanceOf(LedgerException.class).hasMessage("block 0: expected block number 1 (the store's height)");
      Block wrongNumber = b1.toBuilder().setHeader(b1.getHeader().toBuilder().setNumber(5)).build();
      assertThatThrownBy(() -> store.append(wrongNumber)).hasMessageStartingWith("block 5: expected block number 1");
      Block wrongPrev = b1.toBuilder()
          .setHeader(b1.getHeader().toBuilder().setPreviousHash(ByteString.copyFrom(new byte[32]))).build();
      assertThatThrownBy(() -> store.append(wrongPrev)).hasMessageStartingWith("block 1: previous_hash mismatch");
      Block wrongData = b1.toBuilder()
          .setHeader(b1.getHeader().toBuilder().setDataHash(ByteString.copyFrom(new byte[32]))).build();
      assertThatThrownBy(() -> store.append(wrongData))
          .hasMessageStartingWith("block 1: data_hash mismatch (stored 0000000000000000.., computed ");
      assertThatThrownBy(() -> store.appendSerialized(new byte[] {(byte) 0xff, 1, 2}))
          .isInstanceOf(LedgerException.class).hasMessageContaining("malformed block bytes");
      Block noHeader = Block.newBuilder().build();
      assertThatThrownBy(() -> store.append(noHeader)).hasMessageContaining("missing header");
      assertThat(store.height()).isEqualTo(1);
      store.appendSerialized(b1.toByteArray());
      assertThat(store.blockByNumber(1)).contains(b1);
    }
  }

  @Test
  void rejectsOversizedBlocks() {
    ByteString huge = ByteString.copyFrom(new byte[SegmentRecord.MAX_BLOCK_BYTES + 1]);
    Block big = TestBlocks.unchained(0, new byte[0], List.of(huge), suite);
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      assertThatThrownBy(() -> store.append(big))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("block 0: serialized size")
          .hasMessageContaining("exceeds the limit of 104857600 bytes");
      store.append(TestBlocks.unchained(0, new byte[0], List.of(TestBlocks.configTx("g")), suite));
      assertThat(store.height()).isEqualTo(1);
    }
  }

  @Test
  void rollsSegmentsAndRebuildsAMissingIndex() throws Exception {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (FileBlockStore store = FileBlockStore.open(dir, suite, 4096)) {
      for (int i = 0; i < 20; i++) {
        store.append(chain.next(TestBlocks.simpleTxs("b" + i + "-", 5)));
      }
    }
    assertThat(SegmentFiles.segmentNumbers(dir.resolve("blocks")).size()).isGreaterThan(3);
    TestBlocks.deleteRecursively(dir.resolve("index"));
    try (FileBlockStore store = FileBlockStore.open(dir, suite, 4096)) {
      assertThat(store.height()).isEqualTo(20);
      assertThat(store.blockNumberOfTx("b13-4")).contains(13L);
      assertThat(store.blockByNumber(19).orElseThrow().getHeader().getNumber()).isEqualTo(19);
      store.append(chain.next(TestBlocks.simpleTxs("c", 1)));
      assertThat(store.height()).isEqualTo(21);
    }
  }

  @Test
  void readOfAMalformedStoredRecordNamesTheBlock() {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (FileBlockStore store = FileBlockStore.open(dir, suite)) {
      store.append(chain.next(TestBlocks.configTx("g")));
    }
    // A record whose checksum is fine but whose payload is not a Block: only a writer bug or a
    // deliberate forgery produces it.
    try (SegmentFiles files = SegmentFiles.open(dir.resolve("blocks"), SegmentFiles.DEFAULT_ROLL_BYTES)) {
      files.append(1, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    }
    assertThatThrownBy(() -> FileBlockStore.open(dir, suite))
        .isInstanceOf(LedgerException.class)
        .hasMessageStartingWith("block 1: stored record is not a valid common.Block");
  }

  @Test
  @Timeout(10)
  void awaitHeightWakesOnAppend() throws Exception {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      assertThat(store.awaitHeight(0, 1)).isFalse();
      CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
        try {
          return store.awaitHeight(1, 30_000);
        } catch (InterruptedException e) {
          throw new RuntimeException(e);
        }
      });
      store.append(chain.next(TestBlocks.configTx("g")));
      assertThat(waiter.isDone()).isFalse();
      long start = System.nanoTime();
      store.append(chain.next(TestBlocks.simpleTxs("x", 1)));
      assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    }
  }

  @Test
  void negativeBlockNumberIsRejected() {
    Block b = TestBlocks.unchained(0, new byte[0], List.of(TestBlocks.configTx("g")), suite);
    Block neg = b.toBuilder().setHeader(BlockHeader.newBuilder(b.getHeader()).setNumber(-1)).build();
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      assertThatThrownBy(() -> store.append(neg)).isInstanceOf(LedgerException.class).hasMessageContaining("block -1");
      store.append(b);
      assertThat(store.height()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(30)
  void anInterruptedReaderDoesNotBreakReadsOfOtherThreads() throws Exception {
    TestBlocks.Chain chain = new TestBlocks.Chain(suite);
    Block b0 = chain.next(TestBlocks.configTx("genesis"));
    Block b1 = chain.next(TestBlocks.simpleTxs("i", 2));
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      store.append(b0);
      store.append(b1);
    }
    try (BlockStore store = Ledgers.openBlockStore(dir, suite)) {
      // An interrupted read closes a shared FileChannel for every thread (ClosedByInterruptException).
      CompletableFuture<Void> interrupted =
          CompletableFuture.runAsync(() -> {
            Thread.currentThread().interrupt();
            try {
              store.blockByNumber(0);
            } catch (RuntimeException expected) {
              // the interrupted reader may fail; the point is what happens to the others
            } finally {
              Thread.interrupted();
            }
          });
      interrupted.get(10, TimeUnit.SECONDS);
      assertThat(CompletableFuture.supplyAsync(() -> store.blockByNumber(1)).get(10, TimeUnit.SECONDS)).contains(b1);
      assertThat(store.blockByNumber(0)).contains(b0);
    }
  }
}
