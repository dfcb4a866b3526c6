package org.openbcs.fbft.ordering;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.fbft.ordering.CheckpointExchange.Position;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ordering.spi.ChainSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State transfer of Fabric blocks (spec R3.8): brings this orderer's ledger to the position f + 1
 * orderers signed for an FBFT height, by reading the missing blocks from peer orderers' Deliver.
 *
 * <p>Nothing a single orderer sends is trusted. The agreed checkpoint pins the header hash of the
 * last block; a first pass streams the range from one orderer and keeps only header hashes,
 * checking each block's data hash and the previous-hash links down from the pinned tip. A second
 * pass streams the blocks again (from any orderer) and writes each one only if its header hash is
 * the verified one and its data matches its header. A source that fails or lies is counted and the
 * next orderer is tried. Memory is one block plus 32 bytes per block of the range.
 */
final class BlockTransfer {
  private static final Logger log = LoggerFactory.getLogger(BlockTransfer.class);
  /** Blocks per Deliver request; a longer range is read in windows. */
  static final int MAX_BLOCKS_PER_FETCH = 256;
  /** Largest range one transfer accepts (32 bytes of verified hash each). */
  static final long MAX_TRANSFER_BLOCKS = 1_000_000;

  /** Where blocks come from: another orderer's Deliver ({@link DeliverFetcher}), or a test double. */
  interface BlockSource {
    /**
     * Streams blocks {@code first..last} (inclusive) of {@code endpoint} to {@code consumer}, in
     * order, until it returns false.
     *
     * @throws FetchException if the range could not be read completely
     */
    void fetch(String endpoint, long first, long last, long nowMillis, BlockConsumer consumer, BooleanSupplier stopped)
        throws FetchException, InterruptedException;
  }

  /** Receives blocks in order; returns false to stop early. */
  interface BlockConsumer {
    boolean accept(Block block);
  }

  /** A source that did not deliver the whole range. */
  static final class FetchException extends Exception {
    FetchException(String message) {
      super(message);
    }
  }

  /** Thrown when the consenter is halted while a transfer waits. */
  static final class Aborted extends RuntimeException {
    Aborted(String message) {
      super(message);
    }
  }

  private final ChainSupport chain;
  private final CryptoSuite suite;
  private final int self;
  private final List<String> endpoints;
  private final CheckpointExchange checkpoints;
  private final BlockSource fetcher;
  private final TransferCounters counters;
  private final long retryMillis;
  private final BooleanSupplier stopped;
  private final LongSupplier wallMillis;
  private int nextSource;

  BlockTransfer(ChainSupport chain, CryptoSuite suite, int self, List<String> endpoints, CheckpointExchange checkpoints,
      BlockSource fetcher, TransferCounters counters, long retryMillis, BooleanSupplier stopped,
      LongSupplier wallMillis) {
    this.chain = chain;
    this.suite = suite;
    this.self = self;
    this.endpoints = List.copyOf(endpoints);
    this.checkpoints = checkpoints;
    this.fetcher = fetcher;
    this.counters = counters;
    this.retryMillis = retryMillis;
    this.stopped = stopped;
    this.wallMillis = wallMillis;
    this.nextSource = (self + 1) % endpoints.size();
  }

  /**
   * Blocks until the ledger holds everything up to FBFT height {@code fbftHeight}; returns the
   * agreed position. Retries until it succeeds or the consenter stops ({@link Aborted}).
   */
  Position run(long fbftHeight) throws InterruptedException {
    Position target = agreedPosition(fbftHeight);
    long have = chain.height();
    if (have > target.ledgerHeight()) {
      throw new IllegalStateException("channel " + chain.channelId() + ": ledger holds " + have
          + " blocks but f+1 orderers had " + target.ledgerHeight() + " after fbft height " + fbftHeight);
    }
    long count = target.ledgerHeight() - have;
    if (count > MAX_TRANSFER_BLOCKS) {
      throw new IllegalStateException("channel " + chain.channelId() + ": state transfer of " + count
          + " blocks exceeds " + MAX_TRANSFER_BLOCKS);
    }
    if (count == 0) {
      return target;
    }
    log.info("channel={} state transfer: blocks {}..{} for fbft height {}", chain.channelId(), have,
        target.ledgerHeight() - 1, fbftHeight);
    byte[][] verified = verifiedHeaders(have, target);
    while (chain.height() < target.ledgerHeight()) {
      checkStopped();
      String source = nextSource();
      try {
        writeVerified(source, have, verified, target.ledgerHeight());
      } catch (FetchException e) {
        counters.count(TransferCounters.Reason.FETCH_FAILED);
        log.warn("channel={} state transfer: writing from {} failed: {}", chain.channelId(), source, e.getMessage());
      }
    }
    log.info("channel={} state transfer done: ledger height {}", chain.channelId(), chain.height());
    return target;
  }

  private Position agreedPosition(long fbftHeight) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      checkStopped();
      Optional<Position> p = checkpoints.agree(fbftHeight, retryMillis);
      if (p.isPresent()) {
        return p.get();
      }
      counters.count(TransferCounters.Reason.NO_CHECKPOINT_QUORUM);
      if (attempt == 1 || attempt % 10 == 0) {
        log.warn("channel={} state transfer: no f+1 agreement on the ledger after fbft height {} yet (attempt {})",
            chain.channelId(), fbftHeight, attempt);
      }
    }
  }

  /** Pass 1: header hashes of blocks {@code from..target-1}, verified down from the agreed tip. */
  private byte[][] verifiedHeaders(long from, Position target) throws InterruptedException {
    int count = (int) (target.ledgerHeight() - from);
    while (true) {
      checkStopped();
      String source = nextSource();
      byte[][] hashes = new byte[count][];
      byte[][] previous = new byte[count][];
      try {
        for (long first = from; first < target.ledgerHeight(); first += MAX_BLOCKS_PER_FETCH) {
          long last = Math.min(first + MAX_BLOCKS_PER_FETCH, target.ledgerHeight()) - 1;
          boolean[] ok = {true};
          fetcher.fetch(source, first, last, wallMillis.getAsLong(), b -> {
            int i = (int) (b.getHeader().getNumber() - from);
            if (!dataMatches(b)) {
              ok[0] = false;
              return false;
            }
            hashes[i] = BlockHashing.headerHash(suite, b.getHeader());
            previous[i] = b.getHeader().getPreviousHash().toByteArray();
            return true;
          }, stopped);
          if (!ok[0]) {
            throw new Rejected(TransferCounters.Reason.BAD_DATA_HASH, "a block's data does not match its data hash");
          }
        }
        if (!Arrays.equals(hashes[count - 1], target.tipHash().toBytes())) {
          throw new Rejected(TransferCounters.Reason.TIP_MISMATCH, "block " + (target.ledgerHeight() - 1)
              + " is not the one f+1 orderers signed");
        }
        for (int i = count - 1; i > 0; i--) {
          if (!Arrays.equals(previous[i], hashes[i - 1])) {
            throw new Rejected(TransferCounters.Reason.BROKEN_HASH_CHAIN, "block " + (from + i)
                + " does not link to block " + (from + i - 1));
          }
        }
        return hashes;
      } catch (FetchException e) {
        counters.count(TransferCounters.Reason.FETCH_FAILED);
        log.warn("channel={} state transfer: reading from {} failed: {}", chain.channelId(), source, e.getMessage());
      } catch (Rejected e) {
        counters.count(e.reason);
        log.warn("channel={} state transfer: {} sent a block range that fails verification: {}", chain.channelId(),
            source, e.getMessage());
      }
    }
  }

  /** Pass 2: writes blocks from the ledger height on, each only if it is exactly the verified one. */
  private void writeVerified(String source, long from, byte[][] verified, long end)
      throws FetchException, InterruptedException {
    while (chain.height() < end) {
      long first = chain.height();
      long last = Math.min(first + MAX_BLOCKS_PER_FETCH, end) - 1;
      TransferCounters.Reason[] refused = {null};
      fetcher.fetch(source, first, last, wallMillis.getAsLong(), b -> {
        int i = (int) (b.getHeader().getNumber() - from);
        if (!Arrays.equals(BlockHashing.headerHash(suite, b.getHeader()), verified[i])) {
          refused[0] = TransferCounters.Reason.HEADER_MISMATCH;
          return false;
        }
        if (!dataMatches(b)) {
          refused[0] = TransferCounters.Reason.BAD_DATA_HASH;
          return false;
        }
        chain.writeBlock(b);
        return !stopped.getAsBoolean();
      }, stopped);
      if (refused[0] != null) {
        counters.count(refused[0]);
        throw new FetchException(source + " sent a block that is not the verified one: " + refused[0]);
      }
      checkStopped();
    }
  }

  private boolean dataMatches(Block b) {
    return Arrays.equals(BlockHashing.dataHash(suite, b.getData()), b.getHeader().getDataHash().toByteArray());
  }

  private String nextSource() {
    if (nextSource == self) {
      nextSource = (nextSource + 1) % endpoints.size();
    }
    String s = endpoints.get(nextSource);
    nextSource = (nextSource + 1) % endpoints.size();
    return s;
  }

  private void checkStopped() {
    if (stopped.getAsBoolean() || Thread.currentThread().isInterrupted()) {
      throw new Aborted("channel " + chain.channelId() + ": consenter stopped during state transfer");
    }
  }

  /** A verification failure of one source's blocks. */
  private static final class Rejected extends Exception {
    final TransferCounters.Reason reason;

    Rejected(TransferCounters.Reason reason, String message) {
      super(message);
      this.reason = reason;
    }
  }
}
