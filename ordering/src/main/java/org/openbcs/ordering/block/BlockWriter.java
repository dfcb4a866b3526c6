package org.openbcs.ordering.block;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.LastConfig;
import org.hyperledger.fabric.protos.common.Metadata;
import org.hyperledger.fabric.protos.common.MetadataSignature;
import org.hyperledger.fabric.protos.common.OrdererBlockMetadata;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.openbcs.common.log.LogContext;
import org.openbcs.common.Invariants;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ledger.BlockStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, signs and appends an orderer's blocks for one channel. Single-threaded by contract (the
 * consenter thread), like the block store's appends.
 */
public final class BlockWriter {
  private static final Logger log = LoggerFactory.getLogger(BlockWriter.class);

  /** Fabric always writes all five metadata slots; consumers index into them. */
  public static final int METADATA_SLOTS = BlockMetadataIndex.COMMIT_HASH_VALUE + 1;

  /** Fabric's nonce length in signature headers. */
  public static final int NONCE_BYTES = 24;

  private final String channelId;
  private final BlockStore store;
  private final CryptoSuite suite;
  private final SigningIdentity signer;
  private final RandomGenerator random;
  private final long lastConfigIndex;
  private long lastCreatedNumber;
  private byte[] lastCreatedHash;

  public BlockWriter(
      String channelId,
      BlockStore store,
      CryptoSuite suite,
      SigningIdentity signer,
      RandomGenerator random) {
    this.channelId = channelId;
    this.store = store;
    this.suite = suite;
    this.signer = signer;
    this.random = random;
    long height = store.height();
    Invariants.check(height > 0, "channel %s: block writer needs the genesis block in the store", channelId);
    Block tip =
        store
            .blockByNumber(height - 1)
            .orElseThrow(
                () -> new IllegalStateException("channel " + channelId + ": tip block " + (height - 1) + " missing"));
    this.lastCreatedNumber = tip.getHeader().getNumber();
    this.lastCreatedHash = BlockHashing.headerHash(suite, tip.getHeader());
    this.lastConfigIndex = lastConfigIndexOf(tip);
  }

  /** The index of the last config block, as {@code tip}'s metadata records it (0 if absent). */
  public static long lastConfigIndexOf(Block block) {
    if (block.getHeader().getNumber() == 0) {
      return 0;
    }
    List<ByteString> slots = block.getMetadata().getMetadataList();
    if (slots.size() <= BlockMetadataIndex.SIGNATURES_VALUE) {
      return 0;
    }
    try {
      Metadata md = Metadata.parseFrom(slots.get(BlockMetadataIndex.SIGNATURES_VALUE));
      return OrdererBlockMetadata.parseFrom(md.getValue()).getLastConfig().getIndex();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "block " + block.getHeader().getNumber() + " has malformed SIGNATURES metadata: " + e.getMessage(), e);
    }
  }

  public long height() {
    return store.height();
  }

  /** The next block after the last created one, holding {@code batch}; metadata not yet signed. */
  public Block createNextBlock(List<Envelope> batch) {
    Invariants.check(!batch.isEmpty(), "channel %s: empty batch", channelId);
    BlockData.Builder data = BlockData.newBuilder();
    for (Envelope env : batch) {
      data.addData(env.toByteString());
    }
    BlockData built = data.build();
    BlockHeader header =
        BlockHeader.newBuilder()
            .setNumber(lastCreatedNumber + 1)
            .setPreviousHash(ByteString.copyFrom(lastCreatedHash))
            .setDataHash(ByteString.copyFrom(BlockHashing.dataHash(suite, built)))
            .build();
    lastCreatedNumber = header.getNumber();
    lastCreatedHash = BlockHashing.headerHash(suite, header);
    return Block.newBuilder().setHeader(header).setData(built).setMetadata(emptyMetadata()).build();
  }

  /** Signs {@code block}'s metadata and appends it durably; returns the stored block. */
  public Block writeBlock(Block block) {
    return writeBlock(block, ByteString.EMPTY);
  }

  /** As {@link #writeBlock(Block)}, with {@code consenterMetadata} in the signed orderer metadata. */
  public Block writeBlock(Block block, ByteString consenterMetadata) {
    try (LogContext.Scope ctx = LogContext.block(channelId, block.getHeader().getNumber())) {
      return writeBlockInContext(block, consenterMetadata);
    }
  }

  /**
   * The consenter metadata that {@code block}'s orderer recorded (OrdererBlockMetadata in the
   * SIGNATURES slot); empty if there is none.
   *
   * @throws IllegalStateException if the slot does not parse: the block store holds a broken block
   */
  public static ByteString consenterMetadataOf(Block block) {
    if (block.getMetadata().getMetadataCount() <= BlockMetadataIndex.SIGNATURES_VALUE) {
      return ByteString.EMPTY;
    }
    ByteString slot = block.getMetadata().getMetadata(BlockMetadataIndex.SIGNATURES_VALUE);
    if (slot.isEmpty()) {
      return ByteString.EMPTY;
    }
    try {
      Metadata md = Metadata.parseFrom(slot);
      if (md.getValue().isEmpty()) {
        return ByteString.EMPTY;
      }
      return OrdererBlockMetadata.parseFrom(md.getValue()).getConsenterMetadata();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("block " + block.getHeader().getNumber()
          + ": SIGNATURES metadata is not an OrdererBlockMetadata: " + e.getMessage(), e);
    }
  }

  private Block writeBlockInContext(Block block, ByteString consenterMetadata) {
    long number = block.getHeader().getNumber();
    Invariants.check(
        number == store.height(), "channel %s: writing block %d at height %d", channelId, number, store.height());
    Block signed = block.toBuilder().setMetadata(signedMetadata(block.getHeader(), consenterMetadata)).build();
    store.append(signed);
    if (number > lastCreatedNumber) {
      lastCreatedNumber = number;
      lastCreatedHash = BlockHashing.headerHash(suite, block.getHeader());
    }
    log.info(
        "channel={} block={} txs={} written", channelId, number, block.getData().getDataCount());
    return signed;
  }

  private BlockMetadata signedMetadata(BlockHeader header, ByteString consenterMetadata) {
    LastConfig last = LastConfig.newBuilder().setIndex(lastConfigIndex).build();
    ByteString value =
        OrdererBlockMetadata.newBuilder()
            .setLastConfig(last)
            .setConsenterMetadata(consenterMetadata)
            .build()
            .toByteString();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    ByteString sigHeader =
        SignatureHeader.newBuilder()
            .setCreator(ByteString.copyFrom(signer.serialized()))
            .setNonce(ByteString.copyFrom(nonce))
            .build()
            .toByteString();
    byte[] signature = signer.sign(signedBytes(value, sigHeader, header));
    List<ByteString> slots = new ArrayList<>(emptyMetadata().getMetadataList());
    slots.set(
        BlockMetadataIndex.SIGNATURES_VALUE,
        Metadata.newBuilder()
            .setValue(value)
            .addSignatures(
                MetadataSignature.newBuilder()
                    .setSignatureHeader(sigHeader)
                    .setSignature(ByteString.copyFrom(signature)))
            .build()
            .toByteString());
    slots.set(
        BlockMetadataIndex.LAST_CONFIG_VALUE,
        Metadata.newBuilder().setValue(last.toByteString()).build().toByteString());
    return BlockMetadata.newBuilder().addAllMetadata(slots).build();
  }

  /** What an orderer signs for a block: metadata value ‖ signature header ‖ header DER (Fabric). */
  public static byte[] signedBytes(ByteString value, ByteString signatureHeader, BlockHeader header) {
    return value.concat(signatureHeader).concat(ByteString.copyFrom(BlockHashing.headerDer(header))).toByteArray();
  }

  private static BlockMetadata emptyMetadata() {
    BlockMetadata.Builder md = BlockMetadata.newBuilder();
    for (int i = 0; i < METADATA_SLOTS; i++) {
      md.addMetadata(ByteString.EMPTY);
    }
    return md.build();
  }
}
