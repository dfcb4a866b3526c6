package org.openbcs.fbft.protocol;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;

/**
 * Messages that reference a block this replica does not have yet (a vote overtaking its
 * proposal, a proposal whose parent is being synced). Bounded two ways (R5.3): rounds further
 * than maxRoundsAhead are refused, and when maxMessages is reached the entry with the highest
 * round is evicted first, because a flood of far-future messages is the cheap attack and the
 * nearest rounds are the ones that unblock progress.
 */
final class PendingBuffer {
  record Entry(Digest waitingFor, long round, int from, FbftMessage message) {}

  enum Outcome { BUFFERED, BUFFERED_EVICTED_ONE, REJECTED_FULL }

  private final int maxMessages;
  private final List<Entry> entries = new ArrayList<>();

  PendingBuffer(int maxMessages) {
    this.maxMessages = maxMessages;
  }

  Outcome add(Entry e) {
    if (entries.size() < maxMessages) {
      entries.add(e);
      return Outcome.BUFFERED;
    }
    int highest = 0;
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).round() > entries.get(highest).round()) {
        highest = i;
      }
    }
    if (entries.get(highest).round() <= e.round()) {
      return Outcome.REJECTED_FULL;
    }
    entries.set(highest, e);
    return Outcome.BUFFERED_EVICTED_ONE;
  }

  /** Removes and returns the messages that waited for {@code blockId}. */
  List<Entry> release(Digest blockId) {
    List<Entry> out = new ArrayList<>();
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.waitingFor().equals(blockId)) {
        out.add(e);
        it.remove();
      }
    }
    return out;
  }

  /** Drops entries for rounds below {@code round}; returns how many. */
  int pruneBelow(long round) {
    int before = entries.size();
    entries.removeIf(e -> e.round() < round);
    return before - entries.size();
  }

  int size() {
    return entries.size();
  }
}
