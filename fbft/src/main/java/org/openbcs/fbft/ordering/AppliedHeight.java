package org.openbcs.fbft.ordering;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;

/**
 * The FBFT height that produced a Fabric block, as the consenter metadata of that block (spec
 * R3.7): a magic tag and the height, 12 bytes. Blocks without it (genesis, blocks written by state
 * transfer) decode as 0.
 */
final class AppliedHeight {
  private static final int MAGIC = 0x46424654; // "FBFT"
  static final int LENGTH = 12;

  private AppliedHeight() {}

  static ByteString encode(long fbftHeight) {
    if (fbftHeight < 0) {
      throw new IllegalArgumentException("negative fbft height " + fbftHeight);
    }
    return ByteString.copyFrom(ByteBuffer.allocate(LENGTH).putInt(MAGIC).putLong(fbftHeight).array());
  }

  /**
   * @throws IllegalStateException if the metadata is not FBFT's: the ledger holds blocks another
   *     consenter wrote, and guessing what reached it could write blocks twice
   */
  static long decode(String channelId, ByteString consenterMetadata) {
    if (consenterMetadata.isEmpty()) {
      return 0;
    }
    ByteBuffer b = consenterMetadata.asReadOnlyByteBuffer();
    if (consenterMetadata.size() != LENGTH || b.getInt() != MAGIC) {
      throw new IllegalStateException("channel " + channelId + ": the last block's consenter metadata ("
          + consenterMetadata.size() + " bytes) is not an FBFT applied height");
    }
    long height = b.getLong();
    if (height < 0) {
      throw new IllegalStateException("channel " + channelId + ": negative FBFT height " + height
          + " in the last block's consenter metadata");
    }
    return height;
  }
}
