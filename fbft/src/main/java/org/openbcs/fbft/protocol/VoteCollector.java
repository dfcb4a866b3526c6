package org.openbcs.fbft.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.QuorumCert;
import org.openbcs.fbft.message.SignerSig;

/**
 * Verified votes a next-round leader aggregates into QCs (R1.4). Keyed by round so old rounds are
 * dropped in one step; at most n votes per (round, block) and the rounds kept are bounded by the
 * replica's round window.
 */
final class VoteCollector {
  private final int quorum;
  private final TreeMap<Long, Map<QuorumCert.Key, Map<Integer, byte[]>>> byRound = new TreeMap<>();
  private final TreeMap<Long, Map<Integer, Digest>> firstVoteOf = new TreeMap<>();

  VoteCollector(int quorum) {
    this.quorum = quorum;
  }

  enum Added { NEW, DUPLICATE, CONFLICTING }

  /** Whether the voter already voted for this block, for another block in the round, or neither. */
  Added check(QuorumCert.Key key, int voter) {
    Map<Integer, Digest> first = firstVoteOf.get(key.round());
    Digest prior = first == null ? null : first.get(voter);
    if (prior == null) {
      return Added.NEW;
    }
    return prior.equals(key.blockId()) ? Added.DUPLICATE : Added.CONFLICTING;
  }

  /** Records a verified vote; returns the QC the first time the block reaches a quorum. */
  java.util.Optional<QuorumCert> add(QuorumCert.Key key, int voter, byte[] signature) {
    firstVoteOf.computeIfAbsent(key.round(), r -> new HashMap<>()).putIfAbsent(voter, key.blockId());
    Map<Integer, byte[]> votes = byRound.computeIfAbsent(key.round(), r -> new HashMap<>()).computeIfAbsent(key, k -> new HashMap<>());
    if (votes.putIfAbsent(voter, signature) != null || votes.size() != quorum) {
      return java.util.Optional.empty();
    }
    List<SignerSig> sigs = new ArrayList<>(votes.size());
    votes.forEach((v, s) -> sigs.add(new SignerSig(v, s)));
    sigs.sort(Comparator.comparingInt(SignerSig::signer));
    return java.util.Optional.of(new QuorumCert(key.blockId(), key.round(), key.height(), sigs));
  }

  void pruneBelow(long round) {
    byRound.headMap(round).clear();
    firstVoteOf.headMap(round).clear();
  }
}
