package org.openbcs.ledger.blockstore;

import java.util.Arrays;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.openbcs.common.bytes.Hex;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ledger.LedgerException;

/** The rules a block must satisfy to follow the chain; shared by append, recovery and the verifier. */
public final class BlockChecks {
  /** Fabric's BlockMetadataIndex has five slots; consumers index into all of them. */
  public static final int METADATA_SLOTS = 5;

  private BlockChecks() {}

  /**
   * Checks number, previous hash and data hash; returns the block's header hash.
   *
   * @param tipHash header hash of block {@code expectedNumber - 1}, empty for the genesis block
   * @throws LedgerException naming the block and the first rule it breaks
   */
  public static byte[] checkFollows(CryptoSuite suite, Block block, long expectedNumber, byte[] tipHash) {
    return checkFollows(suite, block, expectedNumber, tipHash, null);
  }

  /**
   * As {@link #checkFollows(CryptoSuite, Block, long, byte[])} with the data hash of {@code block}'s data
   * already computed by the caller (e.g. on another thread while it parsed the envelopes), or null.
   */
  public static byte[] checkFollows(CryptoSuite suite, Block block, long expectedNumber, byte[] tipHash,
      byte[] computedDataHash) {
    if (!block.hasHeader()) {
      throw new LedgerException("block at height " + expectedNumber + ": missing header");
    }
    long number = block.getHeader().getNumber();
    if (number != expectedNumber) {
      throw new LedgerException(
          "block " + number + ": expected block number " + expectedNumber + " (the store's height)");
    }
    byte[] prev = block.getHeader().getPreviousHash().toByteArray();
    if (!Arrays.equals(prev, tipHash)) {
      throw new LedgerException(
          "block " + number + ": previous_hash mismatch (stored " + abbrev(prev) + ", header hash of block "
              + (number - 1) + " is " + abbrev(tipHash) + ")");
    }
    byte[] computed = computedDataHash != null ? computedDataHash : BlockHashing.dataHash(suite, block.getData());
    byte[] stored = block.getHeader().getDataHash().toByteArray();
    if (!Arrays.equals(stored, computed)) {
      throw new LedgerException(
          "block " + number + ": data_hash mismatch (stored " + abbrev(stored) + ", computed " + abbrev(computed) + ")");
    }
    return BlockHashing.headerHash(suite, block.getHeader());
  }

  /** Rejects a block whose serialized form exceeds {@link SegmentRecord#MAX_BLOCK_BYTES}. */
  public static void checkSize(Block block) {
    int size = block.getSerializedSize();
    if (size > SegmentRecord.MAX_BLOCK_BYTES) {
      throw new LedgerException("block " + block.getHeader().getNumber() + ": serialized size " + size
          + " bytes exceeds the limit of " + SegmentRecord.MAX_BLOCK_BYTES + " bytes");
    }
  }

  /** The block with at least five metadata slots, padding with empty ones. */
  public static Block withFullMetadata(Block block) {
    int have = block.getMetadata().getMetadataCount();
    if (have >= METADATA_SLOTS) {
      return block;
    }
    BlockMetadata.Builder md = block.getMetadata().toBuilder();
    for (int i = have; i < METADATA_SLOTS; i++) {
      md.addMetadata(com.google.protobuf.ByteString.EMPTY);
    }
    return block.toBuilder().setMetadata(md).build();
  }

  /** First bytes of a hash in hex, enough to tell two apart in a message. */
  public static String abbrev(byte[] hash) {
    if (hash.length == 0) {
      return "(empty)";
    }
    String hex = Hex.encode(hash);
    return hex.length() <= 16 ? hex : hex.substring(0, 16) + "..";
  }
}
