package org.openbcs.chaincode.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.openbcs.common.bytes.Utf8Order;
import org.openbcs.ledger.KeyModification;
import org.openbcs.ledger.Version;
import org.openbcs.ledger.VersionedValue;

/**
 * Committed state and history for tests, until the real ledger is wired in. Thread-safe; each
 * transaction simulates on a {@link FakeTxSimulator} and is applied with {@link #commit}.
 */
public final class FakeWorldState {
  private final Map<String, TreeMap<String, VersionedValue>> state = new TreeMap<>();
  private final Map<String, List<KeyModification>> history = new TreeMap<>();
  private final AtomicLong blocks = new AtomicLong();

  public synchronized VersionedValue get(String ns, String key) {
    TreeMap<String, VersionedValue> m = state.get(ns);
    return m == null ? null : m.get(key);
  }

  public synchronized List<VersionedValue> range(String ns, String start, String end) {
    TreeMap<String, VersionedValue> m = state.get(ns);
    if (m == null) {
      return List.of();
    }
    List<VersionedValue> out = new ArrayList<>();
    for (VersionedValue v : m.tailMap(start, true).values()) {
      if (!end.isEmpty() && Utf8Order.compare(v.key(), end) >= 0) {
        break;
      }
      out.add(v);
    }
    return out;
  }

  public synchronized List<KeyModification> history(String ns, String key) {
    List<KeyModification> h = history.getOrDefault(ns + "\u0000" + key, List.of());
    List<KeyModification> newestFirst = new ArrayList<>(h);
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  /** Applies the simulator's writes as one transaction of a new block. */
  public synchronized void commit(FakeTxSimulator sim, long timestampMillis) {
    Version version = new Version(blocks.incrementAndGet(), 0);
    for (FakeTxSimulator.Write w : sim.writes()) {
      TreeMap<String, VersionedValue> m = state.computeIfAbsent(w.ns(), n -> new TreeMap<>(Utf8Order.COMPARATOR));
      if (w.value() == null) {
        m.remove(w.key());
      } else {
        m.put(w.key(), new VersionedValue(w.ns(), w.key(), w.value(), version));
      }
      history
          .computeIfAbsent(w.ns() + "\u0000" + w.key(), k -> new ArrayList<>())
          .add(new KeyModification(sim.txId(), w.value(), timestampMillis, w.value() == null, version));
    }
  }
}
