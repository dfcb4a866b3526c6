package org.openbcs.ledger.blockstore;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.common.Invariants;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ledger.BlockStore;
import org.openbcs.ledger.BlockchainInfo;
import org.openbcs.ledger.LedgerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BlockStore} over {@link SegmentFiles} and a {@link BlockIndex}. Opening recovers: the block
 * at the index's tip is re-verified, records after it are verified (checksum, number, hash chain,
 * data hash) and indexed, a torn tail is truncated, and a broken record followed by intact data fails
 * the open with the block number.
 */
public final class FileBlockStore implements BlockStore {
  private static final Logger log = LoggerFactory.getLogger(FileBlockStore.class);

  /** Sub-directories of a ledger directory. */
  public static final String BLOCKS_DIR = "blocks";

  public static final String INDEX_DIR = "index";

  private record Tip(long height, byte[] hash, byte[] previousHash) {}

  private final CryptoSuite suite;
  private final TimeSource time = TimeSource.SYSTEM;
  private final SegmentFiles files;
  private final BlockIndex index;
  /**
   * The last blocks appended, as the objects that were written: every Deliver stream (the orderer's
   * peers, a peer's event listeners) asks for the block just appended, and serving it from here
   * saves a file read and a parse per stream. Small blocks only, so the cache stays a few MiB.
   */
  static final int RECENT_BLOCKS = 8;
  static final int RECENT_BLOCK_MAX_BYTES = 4 * 1024 * 1024;
  private final java.util.concurrent.ConcurrentHashMap<Long, Block> recent = new java.util.concurrent.ConcurrentHashMap<>();
  private final ReentrantLock heightLock = new ReentrantLock();
  private final Condition heightAdvanced = heightLock.newCondition();
  private volatile Tip tip;
  private volatile boolean closed;

  private FileBlockStore(CryptoSuite suite, SegmentFiles files, BlockIndex index, Tip tip) {
    this.suite = suite;
    this.files = files;
    this.index = index;
    this.tip = tip;
  }

  public static FileBlockStore open(Path ledgerDir, CryptoSuite suite) {
    return open(ledgerDir, suite, SegmentFiles.DEFAULT_ROLL_BYTES);
  }

  public static FileBlockStore open(Path ledgerDir, CryptoSuite suite, long rollBytes) {
    SegmentFiles files = SegmentFiles.open(ledgerDir.resolve(BLOCKS_DIR), rollBytes);
    BlockIndex index;
    try {
      index = BlockIndex.open(ledgerDir.resolve(INDEX_DIR));
    } catch (RuntimeException e) {
      files.close();
      throw e;
    }
    try {
      Tip tip = recover(suite, files, index);
      log.info("opened block store {} at height {}", ledgerDir, tip.height());
      return new FileBlockStore(suite, files, index, tip);
    } catch (RuntimeException | Error e) {
      index.close();
      files.close();
      throw e;
    }
  }

  private static Tip recover(CryptoSuite suite, SegmentFiles files, BlockIndex index) {
    long height = index.height();
    Tip tip = new Tip(0, new byte[0], new byte[0]);
    int segment = 0;
    long offset = 0;
    if (height > 0) {
      long n = height - 1;
      IndexedBlock last =
          index.block(n).orElseThrow(() -> new LedgerException(
              "block " + n + ": missing from the block index although the indexed height is " + height));
      Block block = parse(files.read(last.location(), n), n);
      byte[] hash = BlockHashing.headerHash(suite, block.getHeader());
      if (!Arrays.equals(hash, last.headerHash())) {
        throw new LedgerException("block " + n + ": header hash " + BlockChecks.abbrev(hash)
            + " differs from the indexed hash " + BlockChecks.abbrev(last.headerHash()));
      }
      tip = new Tip(height, hash, block.getHeader().getPreviousHash().toByteArray());
      segment = last.location().segment();
      offset = last.location().end();
      checkIndexedRecords(files, n);
    }
    while (true) {
      ScanStep step = files.readAt(segment, offset);
      switch (step) {
        case ScanStep.EndOfSegment end -> {
          if (segment >= files.lastSegment()) {
            return tip;
          }
          segment++;
          offset = 0;
        }
        case ScanStep.Intact intact -> {
          long n = tip.height();
          if (intact.blockNumber() != n) {
            throw new LedgerException("block " + n + ": record at " + files.describe(intact.location())
                + " holds block " + intact.blockNumber());
          }
          Block block = parse(intact.payload(), n);
          byte[] hash = BlockChecks.checkFollows(suite, block, n, tip.hash());
          index.put(new IndexedBlock(n, intact.location(), hash), EnvelopeHeaders.txIds(block));
          tip = new Tip(n + 1, hash, block.getHeader().getPreviousHash().toByteArray());
          offset = intact.location().end();
          if (n + 1 > height) {
            log.info("block index caught up with block {} from {}", n, files.describe(intact.location()));
          }
        }
        case ScanStep.Broken broken -> {
          if (files.intactRecordAfter(segment, offset)) {
            throw new LedgerException("block " + tip.height() + ": " + broken.reason() + " at "
                + SegmentFiles.fileName(segment) + " offset " + offset
                + ", followed by intact records: the block file is corrupted, not torn; refusing to open");
          }
          log.warn("truncating torn tail of {} at offset {} ({}); height stays {}",
              SegmentFiles.fileName(segment), offset, broken.reason(), tip.height());
          files.truncate(segment, offset);
          return tip;
        }
      }
    }
  }

  /**
   * Checksums every record up to block {@code last} (sequential read, no parsing), so a corrupted
   * middle fails the open instead of surfacing on some later read. The hash chain of the indexed
   * part is left to {@code ledger verify}; the unindexed tail gets the full check in recover.
   */
  private static void checkIndexedRecords(SegmentFiles files, long last) {
    int segment = 0;
    long offset = 0;
    for (long n = 0; n < last; ) {
      ScanStep step = files.readAt(segment, offset);
      switch (step) {
        case ScanStep.Intact intact -> {
          if (intact.blockNumber() != n) {
            throw new LedgerException("block " + n + ": record at " + files.describe(intact.location())
                + " holds block " + intact.blockNumber());
          }
          offset = intact.location().end();
          n++;
        }
        case ScanStep.EndOfSegment end -> {
          if (segment >= files.lastSegment()) {
            throw new LedgerException("block " + n + ": missing, the block files end before the indexed height");
          }
          segment++;
          offset = 0;
        }
        case ScanStep.Broken broken -> throw new LedgerException("block " + n + ": " + broken.reason() + " at "
            + SegmentFiles.fileName(segment) + " offset " + offset + ", below the indexed height; refusing to open");
      }
    }
  }

  private static Block parse(byte[] payload, long number) {
    try {
      return Block.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new LedgerException("block " + number + ": stored record is not a valid common.Block: " + e.getMessage(), e);
    }
  }

  @Override
  public long height() {
    return tip.height();
  }

  @Override
  public BlockchainInfo info() {
    Tip t = tip;
    return new BlockchainInfo(t.height(), t.hash().clone(), t.previousHash().clone());
  }

  @Override
  public void append(Block block) {
    append(block, EnvelopeHeaders.txIds(block), true);
  }

  /**
   * Appends with tx ids the caller already parsed and looked up (one per envelope; "" for envelopes
   * not to index, such as malformed ones or ids {@link #indexedTxIds} found), so the commit path
   * neither parses every envelope twice nor reads the index per transaction.
   */
  public void appendWithNewTxIds(Block block, List<String> newTxIds) {
    append(block, newTxIds, false);
  }

  /**
   * Appends a block whose chain and data hash the caller checked with {@link BlockChecks#checkFollows}
   * (the peer ledger does it before MVCC, off this path): number and previous hash are re-checked
   * against this store's tip and the header hash recomputed, but the 1 MB data hash is not hashed a
   * second time. {@code newTxIds} as in {@link #appendWithNewTxIds}.
   */
  public void appendChecked(Block block, List<String> newTxIds, byte[] headerHash) {
    ensureOpen();
    Block full = BlockChecks.withFullMetadata(block);
    Tip t = tip;
    long number = full.getHeader().getNumber();
    checkShape(full, number, newTxIds);
    if (number != t.height()) {
      throw new LedgerException("block " + number + ": expected block number " + t.height() + " (the store's height)");
    }
    byte[] prev = full.getHeader().getPreviousHash().toByteArray();
    if (!Arrays.equals(prev, t.hash())) {
      throw new LedgerException("block " + number + ": previous_hash mismatch (stored " + BlockChecks.abbrev(prev)
          + ", header hash of block " + (number - 1) + " is " + BlockChecks.abbrev(t.hash()) + ")");
    }
    byte[] hash = BlockHashing.headerHash(suite, full.getHeader());
    Invariants.check(Arrays.equals(hash, headerHash), "block %d: header hash differs from the one its checks computed",
        number);
    write(full, number, hash, newTxIds, false);
  }

  /** Which of {@code txIds} some stored block already holds. */
  public java.util.Set<String> indexedTxIds(List<String> txIds) {
    ensureOpen();
    return index.existingTxIds(txIds);
  }

  private void append(Block block, List<String> txIds, boolean checkExisting) {
    ensureOpen();
    Block full = BlockChecks.withFullMetadata(block);
    Tip t = tip;
    long number = full.getHeader().getNumber();
    checkShape(full, number, txIds);
    byte[] hash = BlockChecks.checkFollows(suite, full, t.height(), t.hash());
    write(full, number, hash, txIds, checkExisting);
  }

  /** Size limit and one tx id per envelope. */
  private static void checkShape(Block full, long number, List<String> txIds) {
    BlockChecks.checkSize(full);
    if (txIds.size() != full.getData().getDataCount()) {
      throw new LedgerException("block " + number + ": " + txIds.size() + " tx ids for "
          + full.getData().getDataCount() + " envelopes");
    }
  }

  private void write(Block full, long number, byte[] hash, List<String> txIds, boolean checkExisting) {
    byte[] bytes = full.toByteArray();
    RecordLocation loc = files.append(number, bytes);
    Invariants.check(files.readsBackAs(loc, number, bytes), "block %d re-read from %s differs from the bytes written",
        number, loc);
    index.put(new IndexedBlock(number, loc, hash), txIds, checkExisting);
    if (bytes.length <= RECENT_BLOCK_MAX_BYTES) {
      recent.put(number, full);
    }
    recent.remove(number - RECENT_BLOCKS);
    heightLock.lock();
    try {
      tip = new Tip(number + 1, hash, full.getHeader().getPreviousHash().toByteArray());
      heightAdvanced.signalAll();
    } finally {
      heightLock.unlock();
    }
    log.debug("appended block {} ({} envelopes, {} bytes) at {}", number, txIds.size(), bytes.length,
        files.describe(loc));
  }

  @Override
  public Optional<Block> blockByNumber(long number) {
    ensureOpen();
    if (number < 0 || number >= tip.height()) {
      return Optional.empty();
    }
    Block cached = recent.get(number);
    if (cached != null) {
      return Optional.of(cached);
    }
    IndexedBlock entry = index.block(number).orElseThrow(() ->
        new LedgerException("block " + number + ": missing from the block index below height " + tip.height()));
    Block block = parse(files.read(entry.location(), number), number);
    byte[] hash = BlockHashing.headerHash(suite, block.getHeader());
    if (!Arrays.equals(hash, entry.headerHash())) {
      throw new LedgerException("block " + number + ": header hash " + BlockChecks.abbrev(hash)
          + " differs from the indexed hash " + BlockChecks.abbrev(entry.headerHash()));
    }
    return Optional.of(block);
  }

  @Override
  public Optional<Block> blockByHash(byte[] headerHash) {
    ensureOpen();
    return index.numberByHash(headerHash).flatMap(this::blockByNumber);
  }

  @Override
  public Optional<Long> blockNumberOfTx(String txId) {
    return txLocation(txId).map(TxLocation::blockNum);
  }

  public Optional<TxLocation> txLocation(String txId) {
    ensureOpen();
    return index.tx(txId);
  }

  @Override
  public boolean awaitHeight(long number, long timeoutMillis) throws InterruptedException {
    long deadline = time.monotonicNanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    heightLock.lock();
    try {
      while (tip.height() <= number) {
        long left = deadline - time.monotonicNanos();
        if (left <= 0 || closed) {
          return tip.height() > number;
        }
        heightAdvanced.awaitNanos(left);
      }
      return true;
    } finally {
      heightLock.unlock();
    }
  }

  /** The index, for the verifier and tamper tests. */
  public BlockIndex index() {
    return index;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("block store is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    heightLock.lock();
    try {
      heightAdvanced.signalAll();
    } finally {
      heightLock.unlock();
    }
    index.close();
    files.close();
  }
}
