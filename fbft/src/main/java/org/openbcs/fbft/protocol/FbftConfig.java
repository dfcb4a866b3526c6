package org.openbcs.fbft.protocol;

import org.openbcs.fbft.message.CodecLimits;

/**
 * Static parameters of one FBFT network; identical on every replica (spec section 6).
 *
 * @param n replicas; tolerates f = (n - 1) / 3 Byzantine ones
 * @param baseTimeoutMillis round timeout when the previous round certified (R2.2)
 * @param maxTimeoutDoublings cap on the exponential back-off (R2.2)
 * @param reputationRounds K: a leader blamed for a failed round is skipped for K x 2^(streak-1) rounds (R2.5); 0 = plain round-robin
 * @param maxRoundsAhead messages further than this above the current round are dropped (R5.3)
 * @param maxBufferedMessages messages waiting for a missing block, in total (R5.3)
 * @param maxBlockEnvelopes envelopes per proposed block (R5.2)
 * @param maxMempoolEnvelopes envelopes waiting to be proposed (R5.2)
 * @param retainBlocks committed blocks kept in memory below the committed height, for sync and reputation
 * @param codecLimits decoder bounds (R5.1)
 * @param batches payload dissemination (section 9): blocks reference certified batches instead of
 *     carrying envelopes by value
 */
public record FbftConfig(
    int n,
    long baseTimeoutMillis,
    int maxTimeoutDoublings,
    int reputationRounds,
    int maxRoundsAhead,
    int maxBufferedMessages,
    int maxBlockEnvelopes,
    int maxMempoolEnvelopes,
    int retainBlocks,
    CodecLimits codecLimits,
    boolean batches) {

  /** Envelopes by value (batches off). */
  public FbftConfig(int n, long baseTimeoutMillis, int maxTimeoutDoublings, int reputationRounds, int maxRoundsAhead,
      int maxBufferedMessages, int maxBlockEnvelopes, int maxMempoolEnvelopes, int retainBlocks,
      CodecLimits codecLimits) {
    this(n, baseTimeoutMillis, maxTimeoutDoublings, reputationRounds, maxRoundsAhead, maxBufferedMessages,
        maxBlockEnvelopes, maxMempoolEnvelopes, retainBlocks, codecLimits, false);
  }

  public FbftConfig {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (baseTimeoutMillis <= 0 || maxTimeoutDoublings < 0 || maxTimeoutDoublings > 20) {
      throw new IllegalArgumentException("bad timeout settings " + baseTimeoutMillis + "ms x2^" + maxTimeoutDoublings);
    }
    if (reputationRounds < 0 || maxRoundsAhead < 1 || maxBufferedMessages < 1 || retainBlocks < 1) {
      throw new IllegalArgumentException("reputationRounds, maxRoundsAhead, maxBufferedMessages and retainBlocks must be positive");
    }
  }

  public static FbftConfig defaults(int n) {
    return new FbftConfig(n, 1000, 4, 5 * n, 64, 1024, 500, 100_000, 512, CodecLimits.defaults());
  }

  public FbftConfig withBaseTimeout(long millis) {
    return new FbftConfig(n, millis, maxTimeoutDoublings, reputationRounds, maxRoundsAhead, maxBufferedMessages,
        maxBlockEnvelopes, maxMempoolEnvelopes, retainBlocks, codecLimits, batches);
  }

  public FbftConfig withBuffer(int roundsAhead, int messages) {
    return new FbftConfig(n, baseTimeoutMillis, maxTimeoutDoublings, reputationRounds, roundsAhead, messages,
        maxBlockEnvelopes, maxMempoolEnvelopes, retainBlocks, codecLimits, batches);
  }

  public FbftConfig withBlockEnvelopes(int max) {
    return new FbftConfig(n, baseTimeoutMillis, maxTimeoutDoublings, reputationRounds, maxRoundsAhead,
        maxBufferedMessages, max, maxMempoolEnvelopes, retainBlocks, codecLimits, batches);
  }

  public FbftConfig withRetainBlocks(int blocks) {
    return new FbftConfig(n, baseTimeoutMillis, maxTimeoutDoublings, reputationRounds, maxRoundsAhead,
        maxBufferedMessages, maxBlockEnvelopes, maxMempoolEnvelopes, blocks, codecLimits, batches);
  }

  /** Payload dissemination on or off (section 9). */
  public FbftConfig withBatches(boolean on) {
    return new FbftConfig(n, baseTimeoutMillis, maxTimeoutDoublings, reputationRounds, maxRoundsAhead,
        maxBufferedMessages, maxBlockEnvelopes, maxMempoolEnvelopes, retainBlocks, codecLimits, on);
  }

  /**
   * R9.4: a block may not reference a batch that one of its ancestors within this many heights
   * references. Voters must hold those ancestors, so it is at most retainBlocks.
   */
  public int batchDedupHeights() {
    return Math.min(BATCH_DEDUP_HEIGHTS, retainBlocks);
  }

  /**
   * Upper bound of {@link #batchDedupHeights()}: the committed references the WAL keeps (R3.9),
   * so a restarted replica can always check the whole window.
   */
  public static final int BATCH_DEDUP_HEIGHTS = org.openbcs.fbft.wal.WalState.COMMITTED_REFS_HEIGHTS;

  /** Byzantine replicas tolerated. */
  public int f() {
    return (n - 1) / 3;
  }

  /** Votes or timeouts that make a certificate: n - f (2f + 1 when n = 3f + 1). */
  public int quorum() {
    return n - f();
  }

  /** R2.2: base x 2^(consecutive uncertified rounds), capped. */
  public long timeoutMillis(int consecutiveFailures) {
    return baseTimeoutMillis << Math.min(Math.max(0, consecutiveFailures), maxTimeoutDoublings);
  }

  public long maxTimeoutMillis() {
    return baseTimeoutMillis << maxTimeoutDoublings;
  }
}
