package org.openbcs.ledger.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVWrite;
import org.openbcs.ledger.Version;

/**
 * Writes of the valid transactions of one block, in commit order: the latest write per state key
 * (what earlier transactions of the block are checked against, and what goes to state) and every
 * write for the history index.
 */
public final class BlockUpdates {
  /** A state write; {@code value} null means delete. */
  public record StateWrite(byte[] value, Version version) {
    public boolean isDelete() {
      return value == null;
    }
  }

  /** One history entry. */
  public record HistoryWrite(byte[] stateKey, Version version, String txId, long timestampMillis, boolean isDelete,
      byte[] value) {}

  private final long blockNum;
  // Point lookups (MVCC, the next block's overlay) and the batch need no order: a hash map keeps the
  // per-write cost flat, where a byte-comparing TreeMap was ~6 % of commit CPU. The sorted view that
  // range re-execution needs is built only when a block has range queries.
  private final HashMap<MvccValidator.StateKey, StateWrite> latest = new HashMap<>();
  private TreeMap<byte[], StateWrite> sorted;
  private final List<HistoryWrite> history = new ArrayList<>();
  private int validTxs;
  private int payloadBytes;

  public BlockUpdates(long blockNum) {
    this.blockNum = blockNum;
  }

  public long blockNum() {
    return blockNum;
  }

  /** Records the writes of a valid transaction at index {@code txNum} of the block. */
  public void apply(ParsedTx.Endorser tx, int txNum) {
    Version version = new Version(blockNum, txNum);
    validTxs++;
    for (ParsedTx.NsRwSet ns : tx.nsRwSets()) {
      for (KVWrite w : ns.rwset().getWritesList()) {
        byte[] key = StateCodec.stateKey(ns.namespace(), w.getKey());
        byte[] value = w.getIsDelete() ? null : w.getValue().toByteArray();
        StateWrite write = new StateWrite(value, version);
        latest.put(new MvccValidator.StateKey(key), write);
        if (sorted != null) {
          sorted.put(key, write);
        }
        // state + history record: keys, values, tx id, versions and framing
        payloadBytes += 2 * (key.length + (value == null ? 0 : value.length)) + tx.txId().length() + 96;
        history.add(new HistoryWrite(key, version, tx.txId(), tx.timestampMillis(), w.getIsDelete(),
            value == null ? new byte[0] : value));
      }
    }
  }

  public StateWrite get(byte[] stateKey) {
    return latest.get(new MvccValidator.StateKey(stateKey));
  }

  public NavigableMap<byte[], StateWrite> range(byte[] from, byte[] to, boolean toInclusive) {
    if (Arrays.compareUnsigned(from, to) > 0) {
      return Collections.emptyNavigableMap();
    }
    return Collections.unmodifiableNavigableMap(sorted().subMap(from, true, to, toInclusive));
  }

  /** The latest write per state key, in UTF-8 byte order of the keys. */
  public NavigableMap<byte[], StateWrite> latest() {
    return Collections.unmodifiableNavigableMap(sorted());
  }

  /** The latest write per state key, in no particular order (what the state batch needs). */
  public Map<MvccValidator.StateKey, StateWrite> latestUnordered() {
    return Collections.unmodifiableMap(latest);
  }

  private TreeMap<byte[], StateWrite> sorted() {
    if (sorted == null) {
      sorted = new TreeMap<>(Arrays::compareUnsigned);
      for (Map.Entry<MvccValidator.StateKey, StateWrite> e : latest.entrySet()) {
        sorted.put(e.getKey().bytes(), e.getValue());
      }
    }
    return sorted;
  }

  public List<HistoryWrite> history() {
    return Collections.unmodifiableList(history);
  }

  /** Rough size of the encoded state batch, to size its buffer once. */
  public int encodedSizeHint() {
    return payloadBytes + 256;
  }

  public int validTxs() {
    return validTxs;
  }
}
