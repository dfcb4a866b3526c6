package org.openbcs.chaincode.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.openbcs.common.Invariants;
import org.openbcs.ledger.KeyModification;
import org.openbcs.ledger.StatePage;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.ledger.VersionedValue;

/**
 * In-memory {@link TxSimulator} for tests: reads committed state of a {@link FakeWorldState},
 * buffers writes (no read-your-writes, as in Fabric) and counts calls. It insists on being used
 * from one thread at a time, as the real simulator requires.
 */
public final class FakeTxSimulator implements TxSimulator {
  public record Write(String ns, String key, byte[] value) {}

  private final FakeWorldState world;
  private final String txId;
  private final Map<String, Write> writes = new LinkedHashMap<>();
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicInteger reads = new AtomicInteger();
  private volatile boolean closed;

  public FakeTxSimulator(FakeWorldState world, String txId) {
    this.world = world;
    this.txId = txId;
  }

  public String txId() {
    return txId;
  }

  public int reads() {
    return reads.get();
  }

  public synchronized List<Write> writes() {
    return new ArrayList<>(writes.values());
  }

  private void enter() {
    Invariants.check(!closed, "simulator of %s used after close", txId);
    Invariants.check(inUse.incrementAndGet() == 1, "simulator of %s used concurrently", txId);
  }

  private void exit() {
    inUse.decrementAndGet();
  }

  @Override
  public byte[] getState(String namespace, String key) {
    enter();
    try {
      reads.incrementAndGet();
      VersionedValue v = world.get(namespace, key);
      return v == null ? null : v.value();
    } finally {
      exit();
    }
  }

  @Override
  public synchronized void putState(String namespace, String key, byte[] value) {
    enter();
    try {
      writes.put(namespace + "\u0000" + key, new Write(namespace, key, value));
    } finally {
      exit();
    }
  }

  @Override
  public synchronized void deleteState(String namespace, String key) {
    enter();
    try {
      writes.put(namespace + "\u0000" + key, new Write(namespace, key, null));
    } finally {
      exit();
    }
  }

  @Override
  public StatePage getStateRange(
      String namespace, String startKey, String endKey, int pageSize, String bookmark) {
    enter();
    try {
      String from = bookmark.isEmpty() ? startKey : bookmark;
      List<VersionedValue> all = world.range(namespace, from, endKey);
      if (pageSize <= 0 || all.size() <= pageSize) {
        return new StatePage(all, "");
      }
      return new StatePage(all.subList(0, pageSize), all.get(pageSize).key());
    } finally {
      exit();
    }
  }

  @Override
  public List<KeyModification> getHistory(String namespace, String key) {
    enter();
    try {
      return world.history(namespace, key);
    } finally {
      exit();
    }
  }

  @Override
  public TxReadWriteSet readWriteSet() {
    return TxReadWriteSet.getDefaultInstance();
  }

  @Override
  public void close() {
    closed = true;
  }
}
