package org.openbcs.fbft.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.message.CodecLimits;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.message.SigningBytes;
import org.openbcs.fbft.sim.SimAuthenticator;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.spi.ChainSupport;

/**
 * State transfer against lying orderers (spec R3.8), without a network: checkpoints come from a
 * transport double that answers as replicas 0..2 would, blocks from per-endpoint sources. Replica 3
 * holds blocks 0..1 and must end with exactly the honest blocks 2..5.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockTransferTest {
  private static final String CHANNEL = "ch";
  private static final long FBFT_HEIGHT = 40;
  private static final List<String> ENDPOINTS = List.of("o0:1", "o1:1", "o2:1", "o3:1");
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  private final SimAuthenticator[] auth = SimAuthenticator.forNetwork(4, 7);
  private final MessageCodec codec = new MessageCodec(CodecLimits.defaults(), suite::hash);
  private final TransferCounters counters = new TransferCounters();
  private final List<Block> honest = chain("honest", 6);
  private final LocalChain mine = new LocalChain(honest.subList(0, 2));

  private List<Block> chain(String tag, int length) {
    List<Block> out = new ArrayList<>();
    byte[] previous = new byte[0];
    for (int i = 0; i < length; i++) {
      // Blocks 0..1 are common to every chain: a forger starts from the requester's own tip.
      String content = i < 2 ? "common-" + i : tag + "-" + i;
      BlockData data = BlockData.newBuilder()
          .addData(Envelope.newBuilder().setPayload(ByteString.copyFromUtf8(content)).build().toByteString()).build();
      BlockHeader header = BlockHeader.newBuilder().setNumber(i).setPreviousHash(ByteString.copyFrom(previous))
          .setDataHash(ByteString.copyFrom(BlockHashing.dataHash(suite, data))).build();
      out.add(Block.newBuilder().setHeader(header).setData(data).build());
      previous = BlockHashing.headerHash(suite, header);
    }
    return out;
  }

  private byte[] checkpoint(int signer, long ledgerHeight, byte[] tip) {
    Digest d = Digest.of(tip);
    byte[] sig = auth[signer].sign(SigningBytes.checkpoint(CHANNEL, FBFT_HEIGHT, ledgerHeight, d));
    return codec.encode(new FbftMessage.Checkpoint(FBFT_HEIGHT, ledgerHeight, d, signer, sig));
  }

  /** The chain's blocks by number, served in order from {@code first}. */
  private static BlockTransfer.BlockSource serving(Map<String, List<Block>> byEndpoint) {
    return (endpoint, first, last, now, consumer, stopped) -> {
      List<Block> blocks = byEndpoint.get(endpoint);
      if (blocks == null) {
        throw new BlockTransfer.FetchException(endpoint + " is down");
      }
      for (long n = first; n <= last; n++) {
        if (n >= blocks.size()) {
          throw new BlockTransfer.FetchException(endpoint + " has no block " + n);
        }
        if (!consumer.accept(blocks.get((int) n))) {
          return;
        }
      }
    };
  }

  @Test
  void onlyTheBlocksFPlusOneOrderersVouchForAreWritten() throws Exception {
    byte[] honestTip = BlockHashing.headerHash(suite, honest.get(5).getHeader());
    List<Block> forged = chain("forged", 6);
    byte[] forgedTip = BlockHashing.headerHash(suite, forged.get(5).getHeader());
    List<Block> tampered = new ArrayList<>(honest);
    tampered.set(3, honest.get(3).toBuilder().setData(forged.get(3).getData()).build());
    CheckpointExchange[] exchange = new CheckpointExchange[1];
    exchange[0] = new CheckpointExchange(CHANNEL, 4, 1, auth[3], codec, (to, bytes) -> {
      // Replicas 0 and 1 tell the truth, 2 vouches for the forged chain, and also sends a
      // truncated frame and the forged statement in replica 1's name, signed with its own key.
      assertThat(((MessageCodec.Decoded.Ok) codec.decode(bytes)).message())
          .isEqualTo(new FbftMessage.CheckpointRequest(FBFT_HEIGHT));
      if (to == 2) {
        exchange[0].offer(2, new byte[] {(byte) 0xFB, 1, 8, 0}, 0);
        Digest d = Digest.of(forgedTip);
        byte[] sig = auth[2].sign(SigningBytes.checkpoint(CHANNEL, FBFT_HEIGHT, 6, d));
        exchange[0].offer(2, codec.encode(new FbftMessage.Checkpoint(FBFT_HEIGHT, 6, d, 1, sig)), 0);
      }
      exchange[0].offer(to, checkpoint(to, 6, to == 2 ? forgedTip : honestTip), 0);
    }, counters);
    Map<String, List<Block>> sources = new HashMap<>();
    sources.put("o0:1", forged);   // a consistent chain that is not the agreed one
    sources.put("o1:1", honest);
    sources.put("o2:1", tampered); // honest headers, data swapped in block 3
    BlockTransfer transfer = new BlockTransfer(mine, suite, 3, ENDPOINTS, exchange[0], serving(sources), counters,
        50, () -> false, () -> 0L);

    CheckpointExchange.Position p = transfer.run(FBFT_HEIGHT);

    assertThat(p.ledgerHeight()).isEqualTo(6);
    assertThat(p.tipHash()).isEqualTo(Digest.of(honestTip));
    assertThat(mine.blocks).isEqualTo(honest);
    assertThat(counters.snapshot()).containsKeys(TransferCounters.Reason.CONFLICTING_CHECKPOINT,
        TransferCounters.Reason.TIP_MISMATCH, TransferCounters.Reason.MALFORMED_CHECKPOINT,
        TransferCounters.Reason.BAD_CHECKPOINT_SIGNATURE);
    assertThat(counters.get(TransferCounters.Reason.HEADER_MISMATCH) + counters.get(TransferCounters.Reason.BAD_DATA_HASH))
        .isPositive();
  }

  @Test
  void oneOrdererAloneIsNotEnoughAndAHaltEndsTheWait() {
    byte[] forgedTip = BlockHashing.headerHash(suite, chain("forged", 6).get(5).getHeader());
    CheckpointExchange[] exchange = new CheckpointExchange[1];
    exchange[0] = new CheckpointExchange(CHANNEL, 4, 1, auth[3], codec, (to, bytes) -> {
      if (to == 2) {
        exchange[0].offer(2, checkpoint(2, 6, forgedTip), 0);
      }
    }, counters);
    int[] rounds = {0};
    BooleanSupplier stopAfterThreeAsks = () -> rounds[0]++ >= 3;
    BlockTransfer transfer = new BlockTransfer(mine, suite, 3, ENDPOINTS, exchange[0], serving(Map.of()), counters,
        20, stopAfterThreeAsks, () -> 0L);
    assertThatThrownBy(() -> transfer.run(FBFT_HEIGHT)).isInstanceOf(BlockTransfer.Aborted.class);
    assertThat(counters.get(TransferCounters.Reason.NO_CHECKPOINT_QUORUM)).isEqualTo(3);
    assertThat(mine.blocks).hasSize(2);
  }

  /** A ledger that only appends, as the orderer's block writer does for blocks built elsewhere. */
  private static final class LocalChain implements ChainSupport {
    final List<Block> blocks;

    LocalChain(List<Block> initial) {
      this.blocks = new ArrayList<>(initial);
    }

    @Override
    public String channelId() {
      return CHANNEL;
    }

    @Override
    public ChannelConfig config() {
      throw new UnsupportedOperationException("not used by state transfer");
    }

    @Override
    public long configSequence() {
      return 0;
    }

    @Override
    public TimeSource time() {
      return TimeSource.SYSTEM;
    }

    @Override
    public long height() {
      return blocks.size();
    }

    @Override
    public Block createNextBlock(List<Envelope> batch) {
      throw new UnsupportedOperationException("not used by state transfer");
    }

    @Override
    public Block writeBlock(Block block) {
      assertThat(block.getHeader().getNumber()).isEqualTo(blocks.size());
      blocks.add(block);
      return block;
    }

    @Override
    public Block writeBlock(Block block, com.google.protobuf.ByteString consenterMetadata) {
      return writeBlock(block);
    }

    @Override
    public com.google.protobuf.ByteString lastConsenterMetadata() {
      return com.google.protobuf.ByteString.EMPTY;
    }

    @Override
    public org.hyperledger.fabric.protos.common.BlockHeader lastHeader() {
      return blocks.get(blocks.size() - 1).getHeader();
    }
  }
}
