package org.openbcs.fbft.protocol;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.TimeoutEvidence;
import org.openbcs.fbft.wal.WalRecord;

/**
 * Round-robin with reputation (R2.5). The leader of round r is a pure function of r and the
 * certified chain ending at an anchor block (the block the round's proposal must extend), so every
 * honest replica that validates the same proposal computes the same leader.
 *
 * <p>A round with no block in the chain failed. When the block after it records the TC's evidence
 * ({@link TimeoutEvidence}), blame for that last failed round is proven ({@link BlameVerdict}): the
 * proposer, the aggregator, or nobody. Otherwise (earlier rounds of a run of failures, blocks from
 * before proofs, and the leader of the round right after a failure, which is chosen before any block
 * records the proof) it is inferred: first to the replica that should have
 * aggregated its votes (the next round's leader: votes go to the next leader, so a dead replica
 * shows up first as the aggregator of the round before its own) and second to its proposer. A
 * blamed replica is skipped for K x 2^(streak - 1) rounds, where the streak counts its failures
 * since it last led a certified block, so a replica that stays dead is retried ever more rarely.
 * At most f replicas are skipped at once (repeat offenders first, then prime suspects, then the
 * most recent), so a quorum always remains.
 *
 * <p>The reputation state after each block is computed once from its parent's (O(n) per block plus
 * O(n) per failed round), so election costs no chain walks on the hot path.
 */
final class LeaderElection {
  /** Reputation states kept; a miss is recomputed from the nearest cached ancestor. */
  static final int MAX_STATES = 8192;
  /** Cap on the streak exponent: exclusion never exceeds K x 2^MAX_STREAK_SHIFT rounds. */
  static final int MAX_STREAK_SHIFT = 6;
  /** Proofs remembered for observation ({@link #provenBlame}). */
  static final int MAX_PROOFS_KEPT = 1024;

  private final int n;
  private final int f;
  private final long k;
  private final BlockTree tree;
  private final Map<Digest, ProvenBlame> proofs =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Digest, ProvenBlame> e) {
          return size() > MAX_PROOFS_KEPT;
        }
      };
  private final Map<Digest, Reputation> states =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Digest, Reputation> e) {
          return size() > MAX_STATES;
        }
      };

  /**
   * Per replica: the last round it was blamed for as the prime suspect, as a secondary suspect,
   * and its failure streak.
   */
  private record Reputation(long[] primary, long[] secondary, int[] streak) {
    static Reputation empty(int n) {
      long[] p = new long[n];
      long[] s = new long[n];
      Arrays.fill(p, Long.MIN_VALUE / 4);
      Arrays.fill(s, Long.MIN_VALUE / 4);
      return new Reputation(p, s, new int[n]);
    }

    Reputation copy() {
      return new Reputation(primary.clone(), secondary.clone(), streak.clone());
    }
  }

  LeaderElection(FbftConfig config, BlockTree tree) {
    this.n = config.n();
    this.f = config.f();
    this.k = config.reputationRounds();
    this.tree = tree;
  }

  /** The state after committed block {@code blockId}, for the WAL; empty if not computed. */
  Optional<WalRecord.Reputation> snapshot(Block b) {
    if (k == 0) {
      return Optional.empty();
    }
    Reputation r = stateAfter(b);
    return Optional.of(new WalRecord.Reputation(b.id(), r.primary().clone(), r.secondary().clone(), r.streak().clone()));
  }

  /** Restores the state after a committed block whose history this replica no longer has. */
  void restore(WalRecord.Reputation r) {
    if (r.streak().length == n && r.primary().length == n && r.secondary().length == n) {
      states.put(r.blockId(), new Reputation(r.primary().clone(), r.secondary().clone(), r.streak().clone()));
    }
  }

  /** The round-robin leader without reputation. */
  int roundRobin(long round) {
    return (int) Math.floorMod(round, (long) n);
  }

  /** Leader of {@code round} for a proposal extending {@code anchor} (anchor.round < round). */
  int leaderFor(long round, Block anchor) {
    if (k == 0) {
      return roundRobin(round);
    }
    Reputation s = stateAfter(anchor).copy();
    // No block records round-1's TC yet: blame is inferred for the rounds since the anchor.
    blameFailedRounds(s, anchor.round() + 1, round, null);
    return pick(round, s);
  }

  private Reputation stateAfter(Block b) {
    Reputation cached = states.get(b.id());
    if (cached != null) {
      return cached;
    }
    // Walk down to the nearest block with a known state (or the bottom of the known chain) and
    // fold upwards, iteratively: a long sync must not recurse.
    Deque<Block> path = new ArrayDeque<>();
    Block cur = b;
    Reputation s;
    Block prev;
    while (true) {
      path.push(cur);
      Optional<Block> parent = tree.parent(cur);
      if (parent.isEmpty()) {
        s = Reputation.empty(n);
        prev = null;
        break;
      }
      Reputation known = states.get(parent.get().id());
      if (known != null) {
        s = known;
        prev = parent.get();
        break;
      }
      cur = parent.get();
    }
    while (!path.isEmpty()) {
      Block next = path.pop();
      Reputation t = s.copy();
      if (prev != null) {
        blameFailedRounds(t, prev.round() + 1, next.round(), next);
      }
      if (next.proposer() >= 0 && next.proposer() < n) {
        // It led a certified block: its failure streak ends.
        t.streak()[next.proposer()] = 0;
      }
      states.put(next.id(), t);
      s = t;
      prev = next;
    }
    return s;
  }

  /**
   * Blames the failed rounds [fromRound, toRoundExclusive), which follow a certified round. If
   * exactly one round failed and {@code recorder} (the block at toRoundExclusive) carries its TC's
   * evidence, its blame is proven (R2.5, {@link BlameVerdict}) and goes to one party only, as prime
   * suspect. Otherwise it is inferred: the first failure after a certified round is most likely the
   * aggregator's (its proposer's block was there to vote on); in a run of failures the later
   * rounds, entered by TC, are most likely their proposer's. The other party is blamed as secondary
   * suspect.
   *
   * <p>Why only a single failed round: the proof blames "the aggregator", the replica the voters
   * sent their votes to, which they computed from the failed block's own chain state. After one
   * failed round that state is the parent's, which this chain has. In a longer run the failed
   * block's state included its own evidence of the round before, which no certified block holds,
   * so the chain cannot name that aggregator exactly (a proof against a misnamed aggregator blames
   * an innocent replica, and with the f cap can re-admit a faulty one; the 100,000-seed search
   * found a seed, 6547, that stalled that way).
   */
  private void blameFailedRounds(Reputation s, long fromRound, long toRoundExclusive, Block recorder) {
    // A long outage is summarised by its last rounds; older blame would have expired anyway.
    long from = Math.max(fromRound, toRoundExclusive - 4L * n);
    long proven =
        recorder != null && !recorder.evidence().isNone() && fromRound == toRoundExclusive - 1 ? fromRound : -1;
    for (long x = from; x < toRoundExclusive; x++) {
      int proposer = pick(x, s);
      int aggregator = pick(x + 1, s);
      if (x == proven) {
        // The voters computed the aggregator from the failed block's state: the parent's, with
        // the failed block's proposer's streak ended (it led that block, R2.5).
        Reputation voters = s.copy();
        voters.streak()[proposer] = 0;
        aggregator = pick(x + 1, voters);
        BlameVerdict.Blame verdict = BlameVerdict.of(recorder.evidence(), proposer, aggregator, n, f);
        proofs.put(recorder.id(), new ProvenBlame(x, proposer, aggregator, recorder.evidence().signerCount(),
            recorder.evidence().votedCount(), verdict));
        int blamed = BlameVerdict.blamed(verdict, proposer, aggregator);
        if (blamed >= 0) {
          blame(s, blamed, x, true);
        }
        continue;
      }
      boolean first = x == fromRound;
      blame(s, first ? aggregator : proposer, x, true);
      blame(s, first ? proposer : aggregator, x, false);
    }
  }

  /** The proofs this replica applied, oldest first (bounded; for tests and logs). */
  java.util.List<ProvenBlame> provenBlame() {
    return java.util.List.copyOf(proofs.values());
  }

  /** Whether {@code replica} is skipped in {@code round} for a proposal extending {@code anchor}. */
  boolean skipped(int replica, long round, Block anchor) {
    if (k == 0) {
      return false;
    }
    Reputation s = stateAfter(anchor).copy();
    blameFailedRounds(s, anchor.round() + 1, round, null);
    return excluded(round, s)[replica];
  }

  private static void blame(Reputation s, int node, long round, boolean prime) {
    long[] arr = prime ? s.primary() : s.secondary();
    if (round > arr[node]) {
      if (Math.max(s.primary()[node], s.secondary()[node]) < round) {
        s.streak()[node] = Math.min(s.streak()[node] + 1, 1 + MAX_STREAK_SHIFT);
      }
      arr[node] = round;
    }
  }

  private int pick(long round, Reputation s) {
    boolean[] excluded = excluded(round, s);
    for (int i = 0; i < n; i++) {
      int c = (int) Math.floorMod(round + i, (long) n);
      if (!excluded[c]) {
        return c;
      }
    }
    return roundRobin(round);
  }

  /** The replicas skipped in {@code round}: at most f suspects whose exclusion still runs. */
  private boolean[] excluded(long round, Reputation s) {
    long[] key = new long[n];
    boolean[] excluded = new boolean[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      long span = k << Math.max(0, s.streak()[i] - 1);
      boolean primary = s.primary()[i] < round && s.primary()[i] >= round - span;
      boolean secondary = s.secondary()[i] < round && s.secondary()[i] >= round - span;
      if (primary || secondary) {
        excluded[i] = true;
        count++;
        // Under the f cap, keep excluded first the repeat offenders (an innocent replica's streak
        // resets when it leads a certified block, a dead one's never does), then prime over
        // secondary suspects, then the most recent. "Most recent" is the latest suspicion of either
        // kind that still runs: a replica with an old prime blame and a fresh secondary one (a
        // dead aggregator inside a run of failures, where inference blames the proposer first)
        // must not rank below replicas blamed since its prime blame (seed 6547).
        long last = Math.max(primary ? s.primary()[i] : 0, secondary ? s.secondary()[i] : 0);
        key[i] = ((long) s.streak()[i] << 56) | (primary ? 1L << 55 : 0) | Math.max(0, last);
      }
    }
    // Never skip more than f: re-admit the weakest suspicion first.
    while (count > f) {
      int weakest = -1;
      for (int i = 0; i < n; i++) {
        if (excluded[i] && (weakest < 0 || key[i] < key[weakest])) {
          weakest = i;
        }
      }
      excluded[weakest] = false;
      count--;
    }
    return excluded;
  }
}
