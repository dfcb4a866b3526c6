package org.openbcs.ordering.spi;

import com.google.protobuf.ByteString;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.openbcs.common.time.TimeSource;
import org.openbcs.ordering.channel.ChannelConfig;

/**
 * What a consenter may do with its channel: read the config, build the next block from a batch,
 * and write a block (sign and append durably). Nothing else of the ledger or the network is
 * visible to consensus code.
 *
 * <p>{@link #createNextBlock} and {@link #writeBlock} are called from one consenter thread.
 * Creating runs ahead of writing (a Raft leader proposes block n+1 before n is committed), so the
 * next block chains onto the last <em>created</em> or written block, whichever is newer.
 */
public interface ChainSupport {
  String channelId();

  /** The channel configuration in force (batch settings, consensus type, orgs). */
  ChannelConfig config();

  /** The sequence of the config in force; envelopes validated against an older one are stale. */
  long configSequence();

  /** Injected clock: consenters use it for batch timers and nothing reads the global clock. */
  TimeSource time();

  /** Number of blocks written (next number to write). */
  long height();

  /** The next block holding {@code batch} (number, previous hash, data hash); not yet signed. */
  Block createNextBlock(List<Envelope> batch);

  /**
   * Signs {@code block} with this orderer's identity (metadata slot SIGNATURES, LAST_CONFIG) and
   * appends it durably. A block built elsewhere (a follower receiving it) must chain on the tip.
   *
   * @return the block as stored, with its metadata
   */
  Block writeBlock(Block block);

  /**
   * As {@link #writeBlock}, recording {@code consenterMetadata} in the block's signed
   * OrdererBlockMetadata ({@code consenter_metadata}, as Fabric's etcdraft records its Raft index):
   * written in the same append as the block, so a consenter learns after a crash exactly which of
   * its decisions reached the ledger.
   */
  Block writeBlock(Block block, ByteString consenterMetadata);

  /**
   * The consenter metadata of the last block written (empty when the block has none, e.g. the
   * genesis block or a block written without it).
   */
  ByteString lastConsenterMetadata();

  /**
   * The header of the last block written (the genesis block's on a new channel). A consenter that
   * vouches for its ledger position (FBFT checkpoints) hashes it after a restart, before it has
   * written anything itself.
   */
  BlockHeader lastHeader();
}
