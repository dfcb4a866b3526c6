package org.openbcs.ledger.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.openbcs.common.Invariants;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.rocks.BatchEncoder;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB holding world state, history and the commit marker, in column families {@code state},
 * {@code history} and {@code default} (metadata).
 */
public final class StateDb implements AutoCloseable {
  public static final String DIR = "state";
  public static final byte[] STATE_CF = "state".getBytes(StandardCharsets.UTF_8);
  public static final byte[] HISTORY_CF = "history".getBytes(StandardCharsets.UTF_8);
  static final byte[] SAVEPOINT_KEY = "savepoint".getBytes(StandardCharsets.UTF_8);
  static final byte[] CHANNEL_KEY = "channel".getBytes(StandardCharsets.UTF_8);

  static {
    RocksDB.loadLibrary();
  }

  /** The last block whose state is committed, with its header hash. */
  public record Savepoint(long blockNum, byte[] headerHash) {}

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final BloomFilter bloom;
  private final WriteOptions writeOptions;
  private final ReadOptions readOptions;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private volatile boolean closed;

  private StateDb(DBOptions dbOptions, ColumnFamilyOptions cfOptions, BloomFilter bloom, RocksDB db,
      List<ColumnFamilyHandle> handles) {
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.bloom = bloom;
    this.db = db;
    this.handles = handles;
    // The WAL is on but not synced per batch: the block file is fsynced before the batch is written,
    // so a batch lost in a power failure is replayed from the block store on open (the marker lags).
    // A process crash loses nothing, since the WAL is in the OS page cache.
    this.writeOptions = new WriteOptions().setSync(false);
    this.readOptions = new ReadOptions();
  }

  public static StateDb open(Path dir) {
    return open(dir, false);
  }

  /** Opens read-only (the verifier), which works while a peer holds the database open. */
  public static StateDb open(Path dir, boolean readOnly) {
    BloomFilter bloom = new BloomFilter(10);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions()
        .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom))
        .setWriteBufferSize(32L * 1024 * 1024);
    DBOptions dbOptions = new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2);
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
        new ColumnFamilyDescriptor(STATE_CF, cfOptions),
        new ColumnFamilyDescriptor(HISTORY_CF, cfOptions));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      if (readOnly && !Files.isDirectory(dir)) {
        throw new LedgerException("state database " + dir + " does not exist");
      }
      RocksDB db = readOnly
          ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles)
          : RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      return new StateDb(dbOptions, cfOptions, bloom, db, handles);
    } catch (RocksDBException | RuntimeException e) {
      cfOptions.close();
      dbOptions.close();
      bloom.close();
      if (e instanceof LedgerException le) {
        throw le;
      }
      throw new LedgerException("cannot open state database " + dir + ": " + e.getMessage(), e);
    }
  }

  public RocksDB db() {
    return db;
  }

  public ColumnFamilyHandle meta() {
    return handles.get(0);
  }

  public ColumnFamilyHandle state() {
    return handles.get(1);
  }

  public ColumnFamilyHandle history() {
    return handles.get(2);
  }

  public Optional<Savepoint> savepoint() {
    byte[] v = get(meta(), readOptions, SAVEPOINT_KEY);
    if (v == null) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    return Optional.of(new Savepoint(b.getLong(), Arrays.copyOfRange(v, 8, v.length)));
  }

  public Optional<String> channelId() {
    byte[] v = get(meta(), readOptions, CHANNEL_KEY);
    return v == null ? Optional.empty() : Optional.of(new String(v, StandardCharsets.UTF_8));
  }

  public void setChannelId(String channelId) {
    try {
      db.put(meta(), writeOptions, CHANNEL_KEY, channelId.getBytes(StandardCharsets.UTF_8));
    } catch (RocksDBException e) {
      throw new LedgerException("channel " + channelId + ": cannot record channel id: " + e.getMessage(), e);
    }
  }

  /** The stored state value (version + value) or null. */
  public byte[] getState(ReadOptions ro, byte[] stateKey) {
    return get(state(), ro == null ? readOptions : ro, stateKey);
  }

  public RocksIterator stateIterator(ReadOptions ro) {
    ensureOpen();
    return db.newIterator(state(), ro == null ? readOptions : ro);
  }

  public RocksIterator historyIterator(ReadOptions ro) {
    ensureOpen();
    return db.newIterator(history(), ro == null ? readOptions : ro);
  }

  /**
   * Writes the block's state updates, history and the savepoint in one atomic batch.
   */
  public void commit(BlockUpdates updates, byte[] headerHash) {
    write(updates.blockNum(), encode(updates, headerHash));
  }

  /**
   * The block's state updates, history and savepoint as one serialized WriteBatch, encoded in Java so
   * the thousands of puts cross JNI once; pure CPU work that can overlap the block file's fsync.
   */
  public EncodedBatch encode(BlockUpdates updates, byte[] headerHash) {
    long n = updates.blockNum();
    BatchEncoder batch = new BatchEncoder(updates.encodedSizeHint());
    int stateId = state().getID();
    int historyId = history().getID();
    for (var e : updates.latestUnordered().entrySet()) {
      BlockUpdates.StateWrite w = e.getValue();
      byte[] key = e.getKey().bytes();
      if (w.isDelete()) {
        batch.delete(stateId, key);
      } else {
        batch.putVersioned(stateId, key, w.version().blockNum(), w.version().txNum(), w.value());
      }
    }
    for (BlockUpdates.HistoryWrite h : updates.history()) {
      batch.put(historyId, StateCodec.historyKey(h.stateKey(), h.version()),
          StateCodec.encodeHistory(h.txId(), h.timestampMillis(), h.isDelete(), h.value()));
    }
    batch.put(meta().getID(), SAVEPOINT_KEY, ByteBuffer.allocate(8 + headerHash.length).putLong(n).put(headerHash).array());
    return new EncodedBatch(n, batch.toBytes(), batch.count());
  }

  /** A serialized state batch for block {@code blockNum}. */
  public record EncodedBatch(long blockNum, byte[] bytes, int records) {}

  /** Writes an encoded batch atomically (WAL on, unsynced: see the constructor). */
  public void write(long blockNum, EncodedBatch batch) {
    ensureOpen();
    Invariants.check(batch.blockNum() == blockNum, "state batch of block %d written as block %d", batch.blockNum(),
        blockNum);
    try (WriteBatch wb = new WriteBatch(batch.bytes())) {
      Invariants.check(wb.count() == batch.records(), "block %d: state batch holds %d records, encoded %d", blockNum,
          wb.count(), batch.records());
      db.write(writeOptions, wb);
    } catch (RocksDBException e) {
      throw new LedgerException("block " + blockNum + ": cannot write state batch: " + e.getMessage(), e);
    }
  }

  /** Stored values of {@code stateKeys} (null where absent), in one call. */
  public List<byte[]> multiGetState(List<byte[]> stateKeys) {
    ensureOpen();
    if (stateKeys.isEmpty()) {
      return List.of();
    }
    try {
      return db.multiGetAsList(readOptions, java.util.Collections.nCopies(stateKeys.size(), state()), stateKeys);
    } catch (RocksDBException e) {
      throw new LedgerException("cannot read state database: " + e.getMessage(), e);
    }
  }

  /** Native handles are freed on close; touching them after that would crash the process, not throw. */
  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("state database is closed");
    }
  }

  private byte[] get(ColumnFamilyHandle cf, ReadOptions ro, byte[] key) {
    ensureOpen();
    try {
      return db.get(cf, ro, key);
    } catch (RocksDBException e) {
      throw new LedgerException("cannot read state database: " + e.getMessage(), e);
    }
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    writeOptions.close();
    readOptions.close();
    dbOptions.close();
    cfOptions.close();
    bloom.close();
  }
}
