package org.openbcs.ordering.server;

import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.BlockStore;
import org.openbcs.ordering.block.BlockWriter;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.spi.ChainSupport;
import org.openbcs.ordering.spi.Consenter;
import org.openbcs.ordering.spi.ConsenterRegistry;

/**
 * One channel on this orderer: its config and MSPs, block store, block writer and consenter. It is
 * the {@link ChainSupport} its consenter sees.
 */
final class OrdererChannel implements ChainSupport, AutoCloseable {
  /** Config updates are refused, so the genesis config (sequence 0) stays in force. */
  private static final long GENESIS_CONFIG_SEQUENCE = 0;

  private final ChannelConfig config;
  private final CryptoSuite suite;
  private final MspManager msps;
  private final BlockStore store;
  private final BlockWriter writer;
  private final TimeSource time;
  private final ChannelAccess access;
  private final Consenter consenter;

  OrdererChannel(
      ChannelConfig config,
      CryptoSuite suite,
      MspManager msps,
      BlockStore store,
      BlockWriter writer,
      TimeSource time,
      ConsenterRegistry consenters) {
    this.config = config;
    this.suite = suite;
    this.msps = msps;
    this.store = store;
    this.writer = writer;
    this.time = time;
    this.access = new ChannelAccess(config, msps);
    // Last: the factory may read this channel's config through the ChainSupport view.
    this.consenter = consenters.forType(config.consensusType()).create(this);
  }

  @Override
  public String channelId() {
    return config.channelId();
  }

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public long configSequence() {
    return GENESIS_CONFIG_SEQUENCE;
  }

  @Override
  public TimeSource time() {
    return time;
  }

  @Override
  public long height() {
    return store.height();
  }

  @Override
  public Block createNextBlock(List<Envelope> batch) {
    return writer.createNextBlock(batch);
  }

  @Override
  public Block writeBlock(Block block) {
    return writer.writeBlock(block);
  }

  @Override
  public Block writeBlock(Block block, com.google.protobuf.ByteString consenterMetadata) {
    return writer.writeBlock(block, consenterMetadata);
  }

  @Override
  public com.google.protobuf.ByteString lastConsenterMetadata() {
    return BlockWriter.consenterMetadataOf(tip());
  }

  @Override
  public org.hyperledger.fabric.protos.common.BlockHeader lastHeader() {
    return tip().getHeader();
  }

  private org.hyperledger.fabric.protos.common.Block tip() {
    long height = store.height();
    return store.blockByNumber(height - 1)
        .orElseThrow(() -> new IllegalStateException(
            "channel " + config.channelId() + ": tip block " + (height - 1) + " missing from the store"));
  }

  CryptoSuite suite() {
    return suite;
  }

  MspManager msps() {
    return msps;
  }

  ChannelAccess access() {
    return access;
  }

  BlockStore store() {
    return store;
  }

  Consenter consenter() {
    return consenter;
  }

  void start() {
    consenter.start();
  }

  @Override
  public void close() {
    try {
      consenter.halt();
    } finally {
      store.close();
    }
  }
}
