package org.openbcs.ledger.blockstore;

/** What reading one record position of a segment found. */
public sealed interface ScanStep {
  /** An intact record (magic, length and checksum all good). */
  record Intact(RecordLocation location, long blockNumber, byte[] payload) implements ScanStep {}

  /** Bytes at this position are not an intact record; {@code reason} says why. */
  record Broken(int segment, long offset, String reason) implements ScanStep {}

  /** The segment ends exactly here. */
  record EndOfSegment(int segment, long offset) implements ScanStep {}
}
