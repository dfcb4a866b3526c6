package org.openbcs.fbft.wal;

import java.util.ArrayList;
import java.util.List;

/**
 * In-memory WAL for simulation. It survives a simulated crash; {@link #crash(boolean)} with
 * {@code loseUnsyncedTail} drops what was appended but not synced, as a power cut would.
 */
public final class MemoryWal implements Wal {
  /** Bounds simulation memory: older records are folded into a checkpoint. */
  public static final int MAX_RECORDS_BEFORE_COMPACTION = 4096;

  private final List<WalRecord> durable = new ArrayList<>();
  private final List<WalRecord> unsynced = new ArrayList<>();
  private long syncs;
  private boolean lyingDisk;

  /**
   * Fault injection for negative tests: a disk that acknowledges fsync without doing it, so a crash
   * loses everything. A replica on such a disk can break R3.5, and the simulation must notice.
   */
  public void lieAboutSync(boolean lie) {
    this.lyingDisk = lie;
  }

  @Override
  public void append(WalRecord record) {
    unsynced.add(record);
  }

  @Override
  public void sync() {
    if (unsynced.isEmpty() || lyingDisk) {
      return;
    }
    durable.addAll(unsynced);
    unsynced.clear();
    syncs++;
    if (durable.size() > MAX_RECORDS_BEFORE_COMPACTION) {
      compact();
    }
  }

  private void compact() {
    WalState s = WalState.replay(durable);
    durable.clear();
    durable.addAll(WalCheckpoint.records(s));
  }

  @Override
  public WalState recover() {
    List<WalRecord> all = new ArrayList<>(durable);
    all.addAll(unsynced);
    return WalState.replay(all);
  }

  /** A process crash: the unsynced tail survives only if the OS flushed it. */
  public void crash(boolean loseUnsyncedTail) {
    if (loseUnsyncedTail) {
      unsynced.clear();
    } else {
      sync();
    }
  }

  public int unsyncedCount() {
    return unsynced.size();
  }

  public long syncCount() {
    return syncs;
  }
}
