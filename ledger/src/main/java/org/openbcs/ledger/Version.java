package org.openbcs.ledger;

/** Fabric's state version: the block and the transaction index within it that last wrote a key. */
public record Version(long blockNum, long txNum) implements Comparable<Version> {
  @Override
  public int compareTo(Version o) {
    int c = Long.compare(blockNum, o.blockNum);
    return c != 0 ? c : Long.compare(txNum, o.txNum);
  }
}
