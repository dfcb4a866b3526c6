package org.openbcs.ledger.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.openbcs.ledger.KeyModification;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.VersionedValue;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** Point reads, paginated range scans and history reads over a {@link StateDb} (live or snapshot). */
public final class StateQueries {
  /** Most results one range query returns, paginated or not (Fabric's totalQueryLimit default). */
  public static final int TOTAL_QUERY_LIMIT = 100_000;

  private StateQueries() {}

  /** Results of one range read; {@code nextKey} is the bookmark, "" when the range is exhausted. */
  public record RangeRead(List<VersionedValue> results, String nextKey) {
    public boolean exhausted() {
      return nextKey.isEmpty();
    }
  }

  public static Optional<VersionedValue> get(StateDb db, ReadOptions ro, String namespace, String key) {
    byte[] stored = db.getState(ro, StateCodec.stateKey(namespace, key));
    if (stored == null) {
      return Optional.empty();
    }
    return Optional.of(new VersionedValue(namespace, key, StateCodec.decodeValue(stored),
        StateCodec.decodeVersion(stored)));
  }

  /**
   * {@code [startKey, endKey)} in UTF-8 byte order from {@code bookmark} if non-empty, at most
   * {@code pageSize} results ({@code <= 0}: up to {@link #TOTAL_QUERY_LIMIT}).
   */
  public static RangeRead range(StateDb db, ReadOptions ro, String namespace, String startKey, String endKey,
      int pageSize, String bookmark) {
    String from = bookmark.isEmpty() ? startKey : bookmark;
    int limit = pageSize > 0 ? Math.min(pageSize, TOTAL_QUERY_LIMIT) : TOTAL_QUERY_LIMIT;
    KeyRange range = KeyRange.of(namespace, from, endKey, false);
    int prefixLength = StateCodec.namespacePrefix(namespace).length;
    List<VersionedValue> results = new ArrayList<>();
    try (RocksIterator it = db.stateIterator(ro)) {
      for (it.seek(range.from()); it.isValid() && range.belowEnd(it.key()); it.next()) {
        String key = StateCodec.keyOf(it.key(), prefixLength);
        if (results.size() == limit) {
          return new RangeRead(results, key);
        }
        byte[] stored = it.value();
        results.add(new VersionedValue(namespace, key, StateCodec.decodeValue(stored),
            StateCodec.decodeVersion(stored)));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new LedgerException("range scan of namespace " + namespace + " failed: " + e.getMessage(), e);
    }
    return new RangeRead(results, "");
  }

  /** Every write of {@code key}, newest first, including deletes. */
  public static List<KeyModification> history(StateDb db, ReadOptions ro, String namespace, String key) {
    byte[] prefix = StateCodec.historyPrefix(StateCodec.stateKey(namespace, key));
    List<KeyModification> out = new ArrayList<>();
    try (RocksIterator it = db.historyIterator(ro)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        if (k.length != prefix.length + StateCodec.VERSION_BYTES) {
          continue; // a longer key that shares this prefix (composite keys contain 0x00)
        }
        StateCodec.HistoryValue h = StateCodec.decodeHistory(it.value());
        out.add(new KeyModification(h.txId(), h.value(), h.timestampMillis(), h.isDelete(),
            StateCodec.historyVersion(k)));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new LedgerException("history scan of " + namespace + "/" + key + " failed: " + e.getMessage(), e);
    }
    return out;
  }
}
