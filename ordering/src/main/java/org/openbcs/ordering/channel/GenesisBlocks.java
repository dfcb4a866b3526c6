package org.openbcs.ordering.channel;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigEnvelope;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.LastConfig;
import org.hyperledger.fabric.protos.common.Metadata;
import org.hyperledger.fabric.protos.common.OrdererBlockMetadata;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.openbcs.common.bytes.Hex;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ledger.BlockHashing;

/**
 * Genesis blocks: block 0 with one unsigned CONFIG envelope, as configtxgen writes them. The block
 * is a pure function of the configuration (no clock, nonce derived from the config), so every
 * node that builds it from the same {@link ChannelConfig} gets the same header hash.
 */
final class GenesisBlocks {
  /** Fabric's message version in channel headers of config transactions. */
  private static final int CHANNEL_HEADER_VERSION = 1;

  private static final int NONCE_BYTES = 24;
  /** Fabric always writes all five metadata slots; consumers index into them. */
  static final int METADATA_SLOTS = BlockMetadataIndex.COMMIT_HASH_VALUE + 1;

  private GenesisBlocks() {}

  static Block genesis(ChannelConfig config, CryptoSuite suite) {
    if (config.channelId() == null || config.channelId().isEmpty()) {
      throw new IllegalArgumentException("channel id is empty");
    }
    Config tree = ChannelConfigEncoder.encode(config, 0);
    ConfigEnvelope configEnvelope = ConfigEnvelope.newBuilder().setConfig(tree).build();
    byte[] digest = suite.hash(configEnvelope.toByteArray());
    byte[] nonce = java.util.Arrays.copyOf(digest, NONCE_BYTES);
    // Fabric's tx id: hex(hash(nonce || creator)); the genesis transaction has no creator.
    String txId = Hex.encode(suite.hash(nonce));
    ChannelHeader ch =
        ChannelHeader.newBuilder()
            .setType(HeaderType.CONFIG_VALUE)
            .setVersion(CHANNEL_HEADER_VERSION)
            .setChannelId(config.channelId())
            .setTxId(txId)
            .setEpoch(0)
            .build();
    Payload payload =
        Payload.newBuilder()
            .setHeader(
                Header.newBuilder()
                    .setChannelHeader(ch.toByteString())
                    .setSignatureHeader(
                        SignatureHeader.newBuilder().setNonce(ByteString.copyFrom(nonce)).build()
                            .toByteString()))
            .setData(configEnvelope.toByteString())
            .build();
    Envelope env = Envelope.newBuilder().setPayload(payload.toByteString()).build();
    BlockData data = BlockData.newBuilder().addData(env.toByteString()).build();
    BlockHeader header =
        BlockHeader.newBuilder()
            .setNumber(0)
            .setPreviousHash(ByteString.EMPTY)
            .setDataHash(ByteString.copyFrom(BlockHashing.dataHash(suite, data)))
            .build();
    return Block.newBuilder().setHeader(header).setData(data).setMetadata(genesisMetadata()).build();
  }

  private static BlockMetadata genesisMetadata() {
    LastConfig last = LastConfig.newBuilder().setIndex(0).build();
    ByteString[] slots = new ByteString[METADATA_SLOTS];
    java.util.Arrays.fill(slots, ByteString.EMPTY);
    slots[BlockMetadataIndex.SIGNATURES_VALUE] =
        Metadata.newBuilder()
            .setValue(OrdererBlockMetadata.newBuilder().setLastConfig(last).build().toByteString())
            .build()
            .toByteString();
    slots[BlockMetadataIndex.LAST_CONFIG_VALUE] =
        Metadata.newBuilder().setValue(last.toByteString()).build().toByteString();
    return BlockMetadata.newBuilder().addAllMetadata(java.util.List.of(slots)).build();
  }

  /** The channel configuration in a config block (genesis or later config block). */
  static ChannelConfig parse(Block block) {
    if (block == null) {
      throw new IllegalArgumentException("config block is null");
    }
    long number = block.getHeader().getNumber();
    String where = "config block " + number;
    if (block.getData().getDataCount() != 1) {
      throw new IllegalArgumentException(
          where + " holds " + block.getData().getDataCount() + " envelopes, expected exactly 1");
    }
    Envelope env = parseOr(where, "envelope 0", () -> Envelope.parseFrom(block.getData().getData(0)));
    Payload payload = parseOr(where, "payload", () -> Payload.parseFrom(env.getPayload()));
    if (!payload.hasHeader()) {
      throw new IllegalArgumentException(where + ": payload has no header");
    }
    ChannelHeader ch =
        parseOr(where, "channel header", () -> ChannelHeader.parseFrom(payload.getHeader().getChannelHeader()));
    if (ch.getType() != HeaderType.CONFIG_VALUE) {
      throw new IllegalArgumentException(
          where + ": envelope has header type " + ch.getType() + ", expected CONFIG (1)");
    }
    if (ch.getChannelId().isEmpty()) {
      throw new IllegalArgumentException(where + ": channel header has an empty channel id");
    }
    ConfigEnvelope ce = parseOr(where, "config envelope", () -> ConfigEnvelope.parseFrom(payload.getData()));
    if (!ce.hasConfig()) {
      throw new IllegalArgumentException(where + ": config envelope has no config");
    }
    return ChannelConfigDecoder.decode(ch.getChannelId(), ce.getConfig());
  }

  @FunctionalInterface
  private interface ProtoParse<T> {
    T get() throws InvalidProtocolBufferException;
  }

  private static <T> T parseOr(String where, String what, ProtoParse<T> parse) {
    try {
      return parse.get();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(where + ": malformed " + what + ": " + e.getMessage(), e);
    }
  }
}
