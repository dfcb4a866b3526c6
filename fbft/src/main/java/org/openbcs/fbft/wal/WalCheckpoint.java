package org.openbcs.fbft.wal;

import java.util.ArrayList;
import java.util.List;

/** The minimal records that replay to a given state; used to compact a log. */
final class WalCheckpoint {
  private WalCheckpoint() {}

  static List<WalRecord> records(WalState s) {
    List<WalRecord> out = new ArrayList<>();
    s.highQc().ifPresent(qc -> out.add(new WalRecord.HighQc(qc)));
    s.committedBlockId()
        .ifPresent(id -> out.add(new WalRecord.Committed(s.committedHeight(), s.committedRound(), id)));
    s.reputation().ifPresent(out::add);
    out.addAll(s.votedBlocks());
    out.addAll(s.committedRefs());
    out.addAll(s.votes());
    out.add(new WalRecord.TimedOut(s.lastVotedRound()));
    return out;
  }
}
