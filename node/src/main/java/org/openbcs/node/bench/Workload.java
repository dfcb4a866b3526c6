package org.openbcs.node.bench;

import java.util.Locale;

/** The transaction mixes `bcs bench` can drive against the asset-transfer contract. */
public enum Workload {
  /** CreateAsset with a fresh id each time: write-only, never conflicts. */
  CREATE(false, 0),
  /** Evaluate ReadAsset of preloaded keys: no ordering, no commit. */
  READ(true, 1000),
  /** TransferAsset (read-modify-write) of random preloaded keys: conflicts appear as they would. */
  TRANSFER(false, 1000),
  /** TransferAsset on a few keys, to measure the MVCC conflict rate under contention. */
  HOTKEY(false, 8);

  private final boolean evaluate;
  private final int defaultKeys;

  Workload(boolean evaluate, int defaultKeys) {
    this.evaluate = evaluate;
    this.defaultKeys = defaultKeys;
  }

  public boolean evaluate() {
    return evaluate;
  }

  /** How many keys to preload before the run; 0 for workloads that need none. */
  public int defaultKeys() {
    return defaultKeys;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Workload parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown workload '" + s + "', expected one of create, read, transfer, hotkey");
    }
  }

  /** A key of the preloaded set chosen by a deterministic mix of seed and sequence number. */
  static int keyIndex(long seed, long seq, int keys) {
    long z = seed + seq * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (int) Math.floorMod(z, (long) keys);
  }
}
