package org.openbcs.ledger;

import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;

/**
 * Executes one transaction proposal against committed state: records every read with its committed
 * version, range-query info for phantom detection, and buffered writes (read-your-writes is NOT
 * provided, as in Fabric). Produces the Fabric {@code TxReadWriteSet}. One per proposal, used from
 * one thread at a time.
 */
public interface TxSimulator extends AutoCloseable {
  /** Committed value or null if absent; the read is recorded with its version (or no version). */
  byte[] getState(String namespace, String key);

  void putState(String namespace, String key, byte[] value);

  void deleteState(String namespace, String key);

  /**
   * Reads {@code [startKey, endKey)} in UTF-8 byte order ({@code endKey} "" = unbounded), at most
   * {@code pageSize} results ({@code pageSize} <= 0: no limit up to the ledger's total query limit),
   * starting at {@code bookmark} if non-empty. Records range-query info.
   */
  StatePage getStateRange(String namespace, String startKey, String endKey, int pageSize, String bookmark);

  /** History of a key, newest first. Not recorded in the read set (as in Fabric). */
  java.util.List<KeyModification> getHistory(String namespace, String key);

  /** The read-write set recorded so far, namespaces in sorted order, keys in sorted order. */
  TxReadWriteSet readWriteSet();

  @Override
  void close();
}
