package org.openbcs.ledger.blockstore;

/** Where a block's record sits: segment file number, offset of the record header, payload length. */
public record RecordLocation(int segment, long offset, int payloadLength) {
  /** Offset just past this record, where the next one starts. */
  public long end() {
    return offset + SegmentRecord.HEADER_BYTES + payloadLength;
  }
}
