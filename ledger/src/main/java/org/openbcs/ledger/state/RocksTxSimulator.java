package org.openbcs.ledger.state;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRead;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVWrite;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.QueryReads;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.RangeQueryInfo;
import org.openbcs.common.bytes.Utf8Order;
import org.openbcs.ledger.KeyModification;
import org.openbcs.ledger.StatePage;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.ledger.Version;
import org.openbcs.ledger.VersionedValue;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

/**
 * Simulates one proposal on a RocksDB snapshot taken at creation, so every read sees the same
 * committed block even while the committer moves on. Writes are buffered, never applied.
 */
final class RocksTxSimulator implements TxSimulator {
  private static final class NsRecord {
    final TreeMap<String, KVRead> reads = new TreeMap<>(Utf8Order.COMPARATOR);
    final List<RangeQueryInfo> ranges = new ArrayList<>();
    final TreeMap<String, KVWrite> writes = new TreeMap<>(Utf8Order.COMPARATOR);
  }

  private final StateDb db;
  private final String txId;
  private final Snapshot snapshot;
  private final ReadOptions readOptions;
  private final TreeMap<String, NsRecord> namespaces = new TreeMap<>(Utf8Order.COMPARATOR);
  private boolean closed;

  RocksTxSimulator(StateDb db, String txId) {
    this.db = db;
    this.txId = txId;
    if (db.isClosed()) {
      throw new IllegalStateException("ledger is closed");
    }
    this.snapshot = db.db().getSnapshot();
    this.readOptions = new ReadOptions().setSnapshot(snapshot);
  }

  String txId() {
    return txId;
  }

  private NsRecord ns(String namespace) {
    checkUsable(namespace);
    return namespaces.computeIfAbsent(namespace, n -> new NsRecord());
  }

  private void checkUsable(String namespace) {
    if (closed) {
      throw new IllegalStateException("simulator for tx " + txId + " is closed");
    }
    StateCodec.namespacePrefix(namespace); // rejects U+0000 in namespaces
  }

  @Override
  public byte[] getState(String namespace, String key) {
    NsRecord rec = ns(namespace);
    var value = StateQueries.get(db, readOptions, namespace, key);
    KVRead.Builder read = KVRead.newBuilder().setKey(key);
    value.ifPresent(v -> read.setVersion(toProto(v.version())));
    rec.reads.putIfAbsent(key, read.build());
    return value.map(VersionedValue::value).orElse(null);
  }

  @Override
  public void putState(String namespace, String key, byte[] value) {
    // Fabric's rwset builder records an empty value as a delete.
    boolean delete = value == null || value.length == 0;
    KVWrite.Builder w = KVWrite.newBuilder().setKey(key).setIsDelete(delete);
    if (!delete) {
      w.setValue(ByteString.copyFrom(value));
    }
    ns(namespace).writes.put(key, w.build());
  }

  @Override
  public void deleteState(String namespace, String key) {
    ns(namespace).writes.put(key, KVWrite.newBuilder().setKey(key).setIsDelete(true).build());
  }

  @Override
  public StatePage getStateRange(String namespace, String startKey, String endKey, int pageSize, String bookmark) {
    NsRecord rec = ns(namespace);
    StateQueries.RangeRead read = StateQueries.range(db, readOptions, namespace, startKey, endKey, pageSize, bookmark);
    QueryReads.Builder raw = QueryReads.newBuilder();
    for (VersionedValue v : read.results()) {
      raw.addKvReads(KVRead.newBuilder().setKey(v.key()).setVersion(toProto(v.version())));
    }
    boolean exhausted = read.exhausted();
    String start = bookmark.isEmpty() ? startKey : bookmark;
    // A range that stopped early only vouches for the keys it returned: its end is the last of them.
    String end = exhausted ? endKey : read.results().getLast().key();
    rec.ranges.add(RangeQueryInfo.newBuilder()
        .setStartKey(start)
        .setEndKey(end)
        .setItrExhausted(exhausted)
        .setRawReads(raw)
        .build());
    return new StatePage(read.results(), read.nextKey());
  }

  @Override
  public List<KeyModification> getHistory(String namespace, String key) {
    checkUsable(namespace);
    return StateQueries.history(db, readOptions, namespace, key);
  }

  @Override
  public TxReadWriteSet readWriteSet() {
    TxReadWriteSet.Builder b = TxReadWriteSet.newBuilder().setDataModel(TxReadWriteSet.DataModel.KV);
    for (Map.Entry<String, NsRecord> e : namespaces.entrySet()) {
      NsRecord rec = e.getValue();
      KVRWSet kv = KVRWSet.newBuilder()
          .addAllReads(rec.reads.values())
          .addAllRangeQueriesInfo(rec.ranges)
          .addAllWrites(rec.writes.values())
          .build();
      b.addNsRwset(NsReadWriteSet.newBuilder().setNamespace(e.getKey()).setRwset(kv.toByteString()));
    }
    return b.build();
  }

  private static org.hyperledger.fabric.protos.ledger.rwset.kvrwset.Version toProto(Version v) {
    return org.hyperledger.fabric.protos.ledger.rwset.kvrwset.Version.newBuilder()
        .setBlockNum(v.blockNum())
        .setTxNum(v.txNum())
        .build();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    readOptions.close();
    // After the ledger closed, the snapshot went with the database; releasing it would touch freed memory.
    synchronized (db) {
      if (!db.isClosed()) {
        db.db().releaseSnapshot(snapshot);
      }
    }
  }
}
