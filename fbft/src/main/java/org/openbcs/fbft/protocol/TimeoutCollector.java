package org.openbcs.fbft.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openbcs.fbft.message.TimeoutCert;
import org.openbcs.fbft.message.TimeoutSig;

/** Verified timeouts per round, turned into a TC at quorum (R2.4). Rounds kept: current .. current + maxRoundsAhead. */
final class TimeoutCollector {
  private final TreeMap<Long, Map<Integer, TimeoutSig>> byRound = new TreeMap<>();

  boolean has(long round, int sender) {
    Map<Integer, TimeoutSig> m = byRound.get(round);
    return m != null && m.containsKey(sender);
  }

  /** Adds a verified timeout; returns how many distinct senders timed out in the round. */
  int add(long round, TimeoutSig t) {
    Map<Integer, TimeoutSig> m = byRound.computeIfAbsent(round, r -> new TreeMap<>());
    m.putIfAbsent(t.signer(), t);
    return m.size();
  }

  TimeoutCert certificate(long round) {
    List<TimeoutSig> sigs = new ArrayList<>(byRound.get(round).values());
    sigs.sort(Comparator.comparingInt(TimeoutSig::signer));
    return new TimeoutCert(round, sigs);
  }

  void pruneBelow(long round) {
    byRound.headMap(round).clear();
  }
}
