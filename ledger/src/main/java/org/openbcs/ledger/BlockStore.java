package org.openbcs.ledger;

import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Append-only store of Fabric {@code common.Block}s in segment files, indexed by number, header
 * hash and transaction id. Used alone by orderers and inside {@link PeerLedger} by peers.
 * Appends are single-threaded by contract; reads are thread-safe.
 */
public interface BlockStore extends AutoCloseable {
  /** Number of blocks stored (the next block number to append). */
  long height();

  BlockchainInfo info();

  /**
   * Appends {@code block} durably (fsync) after checking its number is {@link #height()}, its
   * previous hash is the header hash of the tip, and its data hash matches its data.
   *
   * @throws LedgerException with the precise reason if the block does not follow
   */
  void append(Block block);

  /**
   * Parses and appends a serialized {@code common.Block}, as received from the wire.
   *
   * @throws LedgerException if the bytes are not a block, or the block does not follow
   */
  default void appendSerialized(byte[] blockBytes) {
    Block block;
    try {
      block = Block.parseFrom(blockBytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new LedgerException("block at height " + height() + ": malformed block bytes: " + e.getMessage(), e);
    }
    append(block);
  }

  Optional<Block> blockByNumber(long number);

  Optional<Block> blockByHash(byte[] headerHash);

  /** Block number holding {@code txId}, if any (first occurrence). */
  Optional<Long> blockNumberOfTx(String txId);

  /**
   * Waits until a block with {@code number} exists or the timeout passes; returns whether it exists.
   * Deliver streams use this to follow the chain.
   */
  boolean awaitHeight(long number, long timeoutMillis) throws InterruptedException;

  @Override
  void close();
}
