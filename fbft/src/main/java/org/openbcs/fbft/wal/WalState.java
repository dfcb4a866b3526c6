package org.openbcs.fbft.wal;

import java.util.List;
import java.util.Optional;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.QuorumCert;

/**
 * The durable safety state folded from the WAL. {@code lastVotedRound} covers votes and timeouts:
 * the replica never votes at or below it again. Empty fields mean "fresh replica, start at genesis".
 */
public record WalState(
    long lastVotedRound,
    Optional<QuorumCert> highQc,
    long committedHeight,
    long committedRound,
    Optional<Digest> committedBlockId,
    List<WalRecord.Voted> votes,
    Optional<WalRecord.Reputation> reputation,
    List<WalRecord.VotedBlock> votedBlocks,
    List<WalRecord.CommittedRefs> committedRefs) {

  /** Voted blocks above the committed height kept across a restart (R3.9); the newest are kept. */
  public static final int MAX_VOTED_BLOCKS = 16;

  public static final WalState EMPTY =
      new WalState(0, Optional.empty(), 0, 0, Optional.empty(), List.of(), Optional.empty(), List.of(), List.of());

  /** Committed heights whose batch references are kept (the R9.4 dedup window's upper bound). */
  public static final int COMMITTED_REFS_HEIGHTS = 64;

  public WalState {
    votes = List.copyOf(votes);
    votedBlocks = List.copyOf(votedBlocks);
    committedRefs = List.copyOf(committedRefs);
  }

  /** A state without voted blocks (tests of the recovery paths that predate R3.9). */
  public WalState(long lastVotedRound, Optional<QuorumCert> highQc, long committedHeight, long committedRound,
      Optional<Digest> committedBlockId, List<WalRecord.Voted> votes, Optional<WalRecord.Reputation> reputation) {
    this(lastVotedRound, highQc, committedHeight, committedRound, committedBlockId, votes, reputation, List.of(),
        List.of());
  }

  /** Folds records in log order. */
  public static WalState replay(Iterable<WalRecord> records) {
    long lastVoted = 0;
    QuorumCert highQc = null;
    long committedHeight = 0;
    long committedRound = 0;
    Digest committedId = null;
    WalRecord.Reputation reputation = null;
    long repHeight = 0;
    long repRound = 0;
    java.util.ArrayList<WalRecord.Voted> votes = new java.util.ArrayList<>();
    java.util.ArrayList<WalRecord.VotedBlock> votedBlocks = new java.util.ArrayList<>();
    java.util.TreeMap<Long, WalRecord.CommittedRefs> refs = new java.util.TreeMap<>();
    for (WalRecord r : records) {
      switch (r) {
        case WalRecord.Voted v -> {
          lastVoted = Math.max(lastVoted, v.round());
          votes.add(v);
        }
        case WalRecord.VotedBlock vb -> votedBlocks.add(vb);
        case WalRecord.CommittedRefs cr -> {
          if (cr.historyBelowUnknown()) {
            refs.clear();
          }
          refs.put(cr.height(), cr);
        }
        case WalRecord.TimedOut t -> lastVoted = Math.max(lastVoted, t.round());
        case WalRecord.HighQc h -> {
          if (highQc == null || h.qc().round() > highQc.round()) {
            highQc = h.qc();
          }
        }
        case WalRecord.Reputation rep -> {
          if (rep.blockId().equals(committedId)) {
            reputation = rep;
            repHeight = committedHeight;
            repRound = committedRound;
          }
        }
        case WalRecord.Committed c -> {
          if (c.height() > committedHeight) {
            committedHeight = c.height();
            committedRound = c.round();
            committedId = c.blockId();
          }
        }
      }
    }
    // Only the recent votes matter for the never-vote-twice audit; keep the tail bounded.
    List<WalRecord.Voted> recent = votes.size() > 64 ? votes.subList(votes.size() - 64, votes.size()) : votes;
    // A lost tail can keep a Committed record but lose the Reputation written right after it: fall
    // back to the newest commit that has both (re-committing those blocks is harmless, electing
    // leaders from a wrong reputation state is not).
    if (reputation != null && !reputation.blockId().equals(committedId)) {
      committedId = reputation.blockId();
      committedHeight = repHeight;
      committedRound = repRound;
    }
    Optional<WalRecord.Reputation> rep = Optional.ofNullable(reputation);
    long above = committedHeight;
    List<WalRecord.VotedBlock> uncommitted = votedBlocks.stream().filter(vb -> vb.block().height() > above).toList();
    if (uncommitted.size() > MAX_VOTED_BLOCKS) {
      uncommitted = uncommitted.subList(uncommitted.size() - MAX_VOTED_BLOCKS, uncommitted.size());
    }
    // References of heights at or below the committed one, within the window; a record above it
    // belongs to a commit whose Committed record the tail lost (it is committed again).
    List<WalRecord.CommittedRefs> window = new java.util.ArrayList<>(
        refs.subMap(committedHeight - COMMITTED_REFS_HEIGHTS, false, committedHeight, true).values());
    return new WalState(lastVoted, Optional.ofNullable(highQc), committedHeight, committedRound,
        Optional.ofNullable(committedId), recent, rep, uncommitted, window);
  }
}
