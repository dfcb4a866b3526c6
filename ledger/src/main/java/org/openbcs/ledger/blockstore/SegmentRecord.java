package org.openbcs.ledger.blockstore;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * On-disk framing of one block in a segment file:
 *
 * <pre>
 *   magic u32 | payload length u32 | block number u64 | crc32c u32 | payload (serialized common.Block)
 * </pre>
 *
 * The checksum covers the length, the block number and the payload, so a torn write (partial
 * payload, garbage length) and a flipped bit anywhere but the magic are both detected. The magic lets
 * recovery search forward for a later intact record, which tells a torn tail (nothing valid after
 * it) from a corrupted middle (valid data after it).
 */
public final class SegmentRecord {
  public static final int MAGIC = 0x4F42_4C4B; // "OBLK"
  public static final int HEADER_BYTES = 4 + 4 + 8 + 4;

  /** Largest block accepted; bigger blocks are rejected at append and treated as garbage when read. */
  public static final int MAX_BLOCK_BYTES = 100 * 1024 * 1024;

  private SegmentRecord() {}

  public static int checksum(int payloadLength, long blockNumber, byte[] payload, int off, int len) {
    CRC32C crc = new CRC32C();
    ByteBuffer head = ByteBuffer.allocate(12);
    head.putInt(payloadLength).putLong(blockNumber).flip();
    crc.update(head);
    crc.update(payload, off, len);
    return (int) crc.getValue();
  }

  /** The record header for {@code payload}. */
  public static ByteBuffer header(long blockNumber, byte[] payload) {
    return ByteBuffer.allocate(HEADER_BYTES)
        .putInt(MAGIC)
        .putInt(payload.length)
        .putLong(blockNumber)
        .putInt(checksum(payload.length, blockNumber, payload, 0, payload.length))
        .flip();
  }

  /** Header followed by payload, ready to write in one call. */
  public static ByteBuffer frame(long blockNumber, byte[] payload) {
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    buf.putInt(MAGIC)
        .putInt(payload.length)
        .putLong(blockNumber)
        .putInt(checksum(payload.length, blockNumber, payload, 0, payload.length))
        .put(payload)
        .flip();
    return buf;
  }
}
