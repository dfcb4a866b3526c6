package org.openbcs.ledger.state;

import com.google.protobuf.ByteString;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/** Reads a stored block the way replay and the verifier need it: its filter and its valid writes. */
public final class CommittedBlocks {
  private CommittedBlocks() {}

  /** TRANSACTIONS_FILTER bytes (metadata slot 2), empty if absent. */
  public static byte[] filter(Block block) {
    int slot = BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE;
    if (block.getMetadata().getMetadataCount() <= slot) {
      return new byte[0];
    }
    return block.getMetadata().getMetadata(slot).toByteArray();
  }

  /** Validation code of envelope {@code txIndex}; a missing filter entry counts as invalid, as in Fabric. */
  public static int code(byte[] filter, int txIndex) {
    return txIndex < filter.length ? filter[txIndex] & 0xff : TxValidationCode.INVALID_OTHER_REASON_VALUE;
  }

  /** The state and history writes of the block's valid endorser transactions, per its filter. */
  public static BlockUpdates validWrites(Block block) {
    BlockUpdates updates = new BlockUpdates(block.getHeader().getNumber());
    byte[] filter = filter(block);
    int i = 0;
    for (ByteString env : block.getData().getDataList()) {
      if (code(filter, i) == TxValidationCode.VALID_VALUE && TxParser.parse(env) instanceof ParsedTx.Endorser tx) {
        updates.apply(tx, i);
      }
      i++;
    }
    return updates;
  }

  /** Number of envelopes marked valid in the block's filter. */
  public static int validCount(Block block) {
    byte[] filter = filter(block);
    int valid = 0;
    for (int i = 0; i < block.getData().getDataCount(); i++) {
      if (code(filter, i) == TxValidationCode.VALID_VALUE) {
        valid++;
      }
    }
    return valid;
  }
}
