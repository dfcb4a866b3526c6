package org.openbcs.ledger.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRead;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.RangeQueryInfo;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.openbcs.common.Invariants;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.Version;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Fabric's MVCC check of one transaction against committed state plus the writes of earlier valid
 * transactions of the same block. Per namespace: point reads first (MVCC_READ_CONFLICT), then range
 * queries re-executed (PHANTOM_READ_CONFLICT).
 */
public final class MvccValidator {
  private final StateDb db;

  public MvccValidator(StateDb db) {
    this.db = db;
  }

  /**
   * Committed versions of every key the block's endorser transactions read, fetched in one multi-get:
   * committed state does not change while a block is validated, and one JNI call replaces a thousand.
   */
  public Map<StateKey, Version> prefetch(List<ParsedTx> txs) {
    return prefetch(txs, null);
  }

  /**
   * As {@link #prefetch(List)}, with the latest writes of {@code pendingBlock} (the previous block, accepted
   * but possibly not yet written to RocksDB) taking precedence over what RocksDB holds; null if none.
   */
  public Map<StateKey, Version> prefetch(List<ParsedTx> txs, BlockUpdates pendingBlock) {
    Map<StateKey, Version> versions = new HashMap<>();
    List<byte[]> keys = new ArrayList<>();
    for (ParsedTx tx : txs) {
      if (tx instanceof ParsedTx.Endorser e) {
        for (ParsedTx.NsRwSet ns : e.nsRwSets()) {
          for (KVRead read : ns.rwset().getReadsList()) {
            byte[] key = StateCodec.stateKey(ns.namespace(), read.getKey());
            if (versions.putIfAbsent(new StateKey(key), ABSENT) == null) {
              keys.add(key);
            }
          }
        }
      }
    }
    List<byte[]> stored = db.multiGetState(keys);
    for (int i = 0; i < keys.size(); i++) {
      BlockUpdates.StateWrite pendingWrite = pendingBlock == null ? null : pendingBlock.get(keys.get(i));
      if (pendingWrite != null) {
        versions.put(new StateKey(keys.get(i)), pendingWrite.isDelete() ? ABSENT : pendingWrite.version());
      } else if (stored.get(i) != null) {
        versions.put(new StateKey(keys.get(i)), StateCodec.decodeVersion(stored.get(i)));
      }
    }
    return versions;
  }

  /** A state key as a hash-map key (content equality; ByteBuffer's hashCode is a slow byte loop). */
  public record StateKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof StateKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  /** Marks a prefetched key as absent from committed state. */
  private static final Version ABSENT = new Version(-1, -1);

  /**
   * @param committed from {@link #prefetch} over the block's transactions
   */
  public int validate(ParsedTx.Endorser tx, BlockUpdates updates, Map<StateKey, Version> committed) {
    for (ParsedTx.NsRwSet ns : tx.nsRwSets()) {
      for (KVRead read : ns.rwset().getReadsList()) {
        byte[] key = StateCodec.stateKey(ns.namespace(), read.getKey());
        if (updates.get(key) != null) {
          return TxValidationCode.MVCC_READ_CONFLICT_VALUE;
        }
        Version v = committed.get(new StateKey(key));
        Invariants.check(v != null, "tx %s: read of a key that was not prefetched", tx.txId());
        Version committedVersion = v == ABSENT ? null : v;
        if (!Objects.equals(committedVersion, readVersion(read))) {
          return TxValidationCode.MVCC_READ_CONFLICT_VALUE;
        }
      }
      for (RangeQueryInfo rq : ns.rwset().getRangeQueriesInfoList()) {
        if (!rangeUnchanged(ns.namespace(), rq, updates)) {
          return TxValidationCode.PHANTOM_READ_CONFLICT_VALUE;
        }
      }
    }
    return TxValidationCode.VALID_VALUE;
  }

  private static Version readVersion(KVRead read) {
    return read.hasVersion() ? new Version(read.getVersion().getBlockNum(), read.getVersion().getTxNum()) : null;
  }

  /**
   * Re-runs the range over committed state merged with the block's earlier writes and compares keys
   * and versions with the recorded raw reads. A range that stopped early recorded its last key as an
   * inclusive end, and only that prefix is compared. Merkle-summarised reads are not supported and
   * count as changed.
   */
  private boolean rangeUnchanged(String namespace, RangeQueryInfo rq, BlockUpdates updates) {
    if (!rq.hasRawReads()) {
      return false;
    }
    List<KVRead> expected = rq.getRawReads().getKvReadsList();
    KeyRange range = KeyRange.of(namespace, rq.getStartKey(), rq.getEndKey(), !rq.getItrExhausted());
    int prefixLength = StateCodec.namespacePrefix(namespace).length;
    Iterator<Map.Entry<byte[], BlockUpdates.StateWrite>> pending =
        updates.range(range.from(), range.to(), range.toInclusive()).entrySet().iterator();
    Map.Entry<byte[], BlockUpdates.StateWrite> update = pending.hasNext() ? pending.next() : null;
    int matched = 0;
    try (RocksIterator it = db.stateIterator(null)) {
      it.seek(range.from());
      while (true) {
        byte[] committedKey = it.isValid() && range.belowEnd(it.key()) ? it.key() : null;
        byte[] key;
        Version version;
        if (update != null && (committedKey == null || Arrays.compareUnsigned(update.getKey(), committedKey) <= 0)) {
          if (committedKey != null && Arrays.equals(update.getKey(), committedKey)) {
            it.next();
          }
          key = update.getKey();
          BlockUpdates.StateWrite w = update.getValue();
          update = pending.hasNext() ? pending.next() : null;
          if (w.isDelete()) {
            continue;
          }
          version = w.version();
        } else if (committedKey != null) {
          key = committedKey;
          version = StateCodec.decodeVersion(it.value());
          it.next();
        } else {
          break;
        }
        if (matched == expected.size()) {
          return !rq.getItrExhausted();
        }
        KVRead read = expected.get(matched++);
        if (!read.getKey().equals(StateCodec.keyOf(key, prefixLength)) || !version.equals(readVersion(read))) {
          return false;
        }
      }
      it.status();
    } catch (RocksDBException e) {
      throw new LedgerException("phantom check of namespace " + namespace + " failed: " + e.getMessage(), e);
    }
    return matched == expected.size();
  }
}
