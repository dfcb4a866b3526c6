package org.openbcs.ledger.blockstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.rocks.BatchEncoder;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB index of a block store: number -> (segment, offset, length, header hash), header hash ->
 * number, tx id -> (block, tx index) of its first occurrence, and the indexed height.
 *
 * <p>Index writes are not synced: the block files are fsynced first and are the source of truth, so
 * an index that lags after a power loss is caught up from the files on open. That keeps the commit
 * path at one fsync per block.
 */
public final class BlockIndex implements AutoCloseable {
  static final byte BLOCK = 'b';
  static final byte HASH = 'h';
  static final byte TX = 't';
  static final byte[] HEIGHT_KEY = {'m', 'h'};

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final BloomFilter bloom;
  private final WriteOptions writeOptions;
  private final RocksDB db;

  private BlockIndex(Options options, BloomFilter bloom, RocksDB db) {
    this.options = options;
    this.bloom = bloom;
    this.db = db;
    this.writeOptions = new WriteOptions().setSync(false);
  }

  public static BlockIndex open(Path dir) {
    // Every commit looks up all of its tx ids, which are almost always absent: a bloom filter answers
    // most of those without reading an SST block.
    BloomFilter bloom = new BloomFilter(10);
    Options options = new Options().setCreateIfMissing(true).setMaxBackgroundJobs(2)
        .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom));
    try {
      return new BlockIndex(options, bloom, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException e) {
      options.close();
      bloom.close();
      throw new LedgerException("cannot open block index " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The underlying database, for the verifier and tamper tests. */
  public RocksDB db() {
    return db;
  }

  public long height() {
    byte[] v = get(HEIGHT_KEY);
    return v == null ? 0 : ByteBuffer.wrap(v).getLong();
  }

  public Optional<IndexedBlock> block(long number) {
    byte[] v = get(blockKey(number));
    return v == null ? Optional.empty() : Optional.of(decodeBlock(number, v));
  }

  public Optional<Long> numberByHash(byte[] headerHash) {
    byte[] v = get(hashKey(headerHash));
    return v == null ? Optional.empty() : Optional.of(ByteBuffer.wrap(v).getLong());
  }

  public Optional<TxLocation> tx(String txId) {
    byte[] v = get(txKey(txId));
    if (v == null) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    return Optional.of(new TxLocation(b.getLong(), b.getInt()));
  }

  /**
   * Indexes one block and advances the height, atomically. Empty tx ids (malformed envelopes) are
   * skipped; a tx id already indexed keeps its first occurrence.
   */
  public void put(IndexedBlock block, List<String> txIds) {
    put(block, txIds, true);
  }

  /**
   * As {@link #put(IndexedBlock, List)}; with {@code checkExisting} false the caller guarantees no tx
   * id is indexed yet (it looked them up with {@link #existingTxIds}), saving a read per transaction.
   */
  public void put(IndexedBlock block, List<String> txIds, boolean checkExisting) {
    BatchEncoder batch = new BatchEncoder(128 + txIds.size() * 96);
    batch.put(0, blockKey(block.number()), encodeBlock(block));
    batch.put(0, hashKey(block.headerHash()), ByteBuffer.allocate(8).putLong(block.number()).array());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < txIds.size(); i++) {
      String txId = txIds.get(i);
      if (txId.isEmpty() || !seen.add(txId)) {
        continue;
      }
      byte[] key = txKey(txId);
      if (!checkExisting || get(key) == null) {
        batch.put(0, key, ByteBuffer.allocate(12).putLong(block.number()).putInt(i).array());
      }
    }
    batch.put(0, HEIGHT_KEY, ByteBuffer.allocate(8).putLong(block.number() + 1).array());
    // One JNI crossing for the whole block instead of one per transaction.
    try (WriteBatch wb = new WriteBatch(batch.toBytes())) {
      db.write(writeOptions, wb);
    } catch (RocksDBException e) {
      throw new LedgerException("block " + block.number() + ": cannot write block index: " + e.getMessage(), e);
    }
  }

  /** Which of {@code txIds} are already indexed, in one read. */
  public Set<String> existingTxIds(List<String> txIds) {
    List<byte[]> keys = new ArrayList<>(txIds.size());
    for (String id : txIds) {
      keys.add(txKey(id));
    }
    try {
      List<byte[]> values = db.multiGetAsList(keys);
      Set<String> existing = new HashSet<>();
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i) != null) {
          existing.add(txIds.get(i));
        }
      }
      return existing;
    } catch (RocksDBException e) {
      throw new LedgerException("cannot read block index: " + e.getMessage(), e);
    }
  }

  private byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new LedgerException("cannot read block index: " + e.getMessage(), e);
    }
  }

  public static byte[] blockKey(long number) {
    return ByteBuffer.allocate(9).put(BLOCK).putLong(number).array();
  }

  public static byte[] hashKey(byte[] hash) {
    byte[] k = new byte[hash.length + 1];
    k[0] = HASH;
    System.arraycopy(hash, 0, k, 1, hash.length);
    return k;
  }

  public static byte[] txKey(String txId) {
    byte[] id = txId.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[id.length + 1];
    k[0] = TX;
    System.arraycopy(id, 0, k, 1, id.length);
    return k;
  }

  public static byte[] encodeBlock(IndexedBlock block) {
    RecordLocation loc = block.location();
    return ByteBuffer.allocate(16 + block.headerHash().length)
        .putInt(loc.segment())
        .putLong(loc.offset())
        .putInt(loc.payloadLength())
        .put(block.headerHash())
        .array();
  }

  public static IndexedBlock decodeBlock(long number, byte[] v) {
    if (v.length < 16) {
      throw new LedgerException("block " + number + ": index entry is " + v.length + " bytes, too short");
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    RecordLocation loc = new RecordLocation(b.getInt(), b.getLong(), b.getInt());
    return new IndexedBlock(number, loc, Arrays.copyOfRange(v, 16, v.length));
  }

  @Override
  public void close() {
    db.close();
    writeOptions.close();
    options.close();
    bloom.close();
  }
}
