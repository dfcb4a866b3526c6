package org.openbcs.fbft.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.message.SigningBytes;
import org.openbcs.fbft.sim.SimAuthenticator;
import org.openbcs.fbft.wal.MemoryWal;
import org.openbcs.fbft.wal.WalState;

/** The pure core driven by hand: ordering of effects, restart safety, bounds and counted drops. */
class FbftReplicaTest {
  private static final UnaryOperator<byte[]> HASH = CryptoSuites.defaultSuite()::hash;
  private final SimAuthenticator[] auth = SimAuthenticator.forNetwork(4, 42);
  private final FbftConfig config = FbftConfig.defaults(4).withBaseTimeout(100);

  private FbftReplica started(int id, FbftConfig cfg, WalState state) {
    FbftReplica r = new FbftReplica(cfg, auth[id], HASH);
    r.step(new Event.WalRecovered(state), 0);
    return r;
  }

  private FbftMessage.Proposal proposal(int leader, long round, List<byte[]> payload) {
    Block g = Block.genesis(HASH);
    Block b = Block.create(round, 1, g.justify(), leader, payload, HASH);
    return new FbftMessage.Proposal(b, Optional.empty(), auth[leader].sign(SigningBytes.proposal(b.id(), round)));
  }

  private static List<FbftMessage.Vote> votesIn(List<Effect> effects) {
    List<FbftMessage.Vote> out = new ArrayList<>();
    for (Effect e : effects) {
      if (e instanceof Effect.Send(int to, FbftMessage.Vote v)) {
        out.add(v);
      }
    }
    return out;
  }

  @Test
  void voteIsPersistedBeforeItIsSent() {
    FbftReplica r = started(0, config, WalState.EMPTY);
    List<Effect> effects = r.step(new Event.MessageReceived(1, proposal(1, 1, List.of())), 5);
    int persist = -1;
    int send = -1;
    for (int i = 0; i < effects.size(); i++) {
      if (effects.get(i) instanceof Effect.Persist(org.openbcs.fbft.wal.WalRecord.Voted v)) {
        persist = i;
      }
      if (effects.get(i) instanceof Effect.Send(int to, FbftMessage.Vote v)) {
        send = i;
        assertThat(to).as("votes go to the next round's leader").isEqualTo(2);
      }
    }
    assertThat(persist).isGreaterThanOrEqualTo(0);
    assertThat(send).isGreaterThan(persist);
  }

  @Test
  void restartedReplicaNeverVotesAgainInTheSameRound() {
    MemoryWal wal = new MemoryWal();
    FbftReplica before = started(0, config, WalState.EMPTY);
    List<Effect> effects = before.step(new Event.MessageReceived(1, proposal(1, 1, List.of("a".getBytes()))), 5);
    assertThat(votesIn(effects)).hasSize(1);
    for (Effect e : effects) {
      if (e instanceof Effect.Persist p) {
        wal.append(p.record());
      }
      if (e instanceof Effect.Send) {
        wal.sync(); // what the driver does before any send (R3.5)
      }
    }
    wal.crash(true);

    FbftReplica after = started(0, config, wal.recover());
    assertThat(after.lastVotedRound()).isEqualTo(1);
    // The equivocating leader now shows the restarted replica a different block for round 1.
    List<Effect> again = after.step(new Event.MessageReceived(1, proposal(1, 1, List.of("b".getBytes()))), 10);
    assertThat(votesIn(again)).isEmpty();
  }

  @Test
  void futureMessageBufferHasNamedLimitsAndEvictsTheFarthestRound() {
    FbftConfig small = config.withBuffer(16, 4);
    FbftReplica r = started(0, small, WalState.EMPTY);
    for (long round = 5; round <= 8; round++) {
      r.step(new Event.MessageReceived(2, vote(2, round)), 1);
    }
    assertThat(r.bufferedMessages()).isEqualTo(4);
    r.step(new Event.MessageReceived(3, vote(3, 2)), 2);
    assertThat(r.bufferedMessages()).isEqualTo(4);
    assertThat(r.drops().get(DropReason.BUFFER_EVICTED)).isEqualTo(1);
    r.step(new Event.MessageReceived(3, vote(3, 12)), 3);
    assertThat(r.drops().get(DropReason.BUFFER_FULL)).isEqualTo(1);
    r.step(new Event.MessageReceived(3, vote(3, 500)), 4);
    assertThat(r.drops().get(DropReason.TOO_FAR_AHEAD)).isEqualTo(1);
    assertThat(r.bufferedMessages()).isEqualTo(4);
  }

  private FbftMessage.Vote vote(int voter, long round) {
    Digest unknown = Digest.of(HASH.apply(("unknown-" + round).getBytes()));
    return new FbftMessage.Vote(unknown, round, round, voter, auth[voter].sign(SigningBytes.vote(unknown, round, round)));
  }

  @Test
  void badInputIsDroppedWithCountedReasonsNeverThrown() {
    FbftReplica r = started(0, config, WalState.EMPTY);
    MessageCodec codec = new MessageCodec(config.codecLimits(), HASH);
    r.step(new Event.BytesReceived(9, new byte[] {1}), 1);
    r.step(new Event.BytesReceived(1, new byte[] {(byte) 0xFB, 1, 77}), 1);
    FbftMessage.Proposal good = proposal(1, 1, List.of());
    FbftMessage.Proposal forgedSig = new FbftMessage.Proposal(good.block(), Optional.empty(), new byte[8]);
    r.step(new Event.BytesReceived(1, codec.encode(forgedSig)), 1);
    r.step(new Event.MessageReceived(2, good), 1);
    FbftMessage.Proposal wrongLeader = proposal(3, 1, List.of());
    r.step(new Event.MessageReceived(3, wrongLeader), 1);
    assertThat(r.drops().snapshot()).containsEntry(DropReason.UNKNOWN_SENDER, 1L)
        .containsEntry(DropReason.MALFORMED, 1L)
        .containsEntry(DropReason.BAD_SIGNATURE, 1L)
        .containsEntry(DropReason.SENDER_MISMATCH, 1L)
        .containsEntry(DropReason.WRONG_LEADER, 1L);
    assertThat(r.lastVotedRound()).isZero();
  }

  @Test
  void timerExpiryBroadcastsATimeoutAndBacksOffExponentially() {
    FbftReplica r = started(0, config, WalState.EMPTY);
    List<Effect> fired = r.step(new Event.TimerFired(1), 100);
    assertThat(fired).anyMatch(e -> e instanceof Effect.Broadcast(FbftMessage.Timeout t) && t.round() == 1);
    assertThat(fired).anyMatch(e -> e instanceof Effect.Persist(org.openbcs.fbft.wal.WalRecord.TimedOut t));
    assertThat(r.lastVotedRound()).as("never vote in a round after timing it out").isEqualTo(1);
    assertThat(config.timeoutMillis(0)).isEqualTo(100);
    assertThat(config.timeoutMillis(2)).isEqualTo(400);
    assertThat(config.timeoutMillis(99)).isEqualTo(config.maxTimeoutMillis());
  }

  /** A QC for a round-1 block of leader 1, signed by replicas 1..3. */
  private org.openbcs.fbft.message.QuorumCert qcForRound1() {
    Block b = proposal(1, 1, List.of()).block();
    List<org.openbcs.fbft.message.SignerSig> sigs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      sigs.add(new org.openbcs.fbft.message.SignerSig(i, auth[i].sign(SigningBytes.vote(b.id(), 1, 1))));
    }
    return new org.openbcs.fbft.message.QuorumCert(b.id(), 1, 1, sigs);
  }

  private static long timerFor(List<Effect> effects, long round) {
    return effects.stream().filter(e -> e instanceof Effect.ScheduleTimer t && t.round() == round)
        .mapToLong(e -> ((Effect.ScheduleTimer) e).atMillis()).findFirst().orElse(-1);
  }

  @Test
  void roundEnteredLateThroughAForwardedCertificateGetsHalfATimeout() {
    FbftMessage.CertForward fwd = new FbftMessage.CertForward(qcForRound1(), Optional.empty());
    // R2.2: a replica still waiting in round 1 enters round 2 with the full base timeout...
    FbftReplica onTime = started(0, config, WalState.EMPTY);
    assertThat(timerFor(onTime.step(new Event.MessageReceived(2, fwd), 60), 2)).isEqualTo(160);
    // ...but one that already gave up on round 1 and learns its QC only from a peer's answer has
    // missed round 2's proposal (it carried that QC); it waits half as long before timing out.
    FbftReplica late = started(0, config, WalState.EMPTY);
    late.step(new Event.TimerFired(1), 100);
    List<Effect> effects = late.step(new Event.MessageReceived(2, fwd), 120);
    assertThat(late.currentRound()).isEqualTo(2);
    assertThat(timerFor(effects, 2)).isEqualTo(170);
    assertThat(late.lastVotedRound()).as("late entry never re-opens round 1").isEqualTo(1);
  }

  private static FbftMessage.Timeout broadcastTimeout(List<Effect> effects) {
    return effects.stream().filter(e -> e instanceof Effect.Broadcast(FbftMessage.Timeout t))
        .map(e -> (FbftMessage.Timeout) ((Effect.Broadcast) e).message()).findFirst().orElseThrow();
  }

  @Test
  void aTimeoutStatesUnderItsSignatureWhetherTheReplicaVoted() {
    FbftReplica voter = started(0, config, WalState.EMPTY);
    voter.step(new Event.MessageReceived(1, proposal(1, 1, List.of())), 5);
    FbftMessage.Timeout voted = broadcastTimeout(voter.step(new Event.TimerFired(1), 100));
    FbftReplica idle = started(3, config, WalState.EMPTY);
    FbftMessage.Timeout notVoted = broadcastTimeout(idle.step(new Event.TimerFired(1), 100));
    assertThat(voted.voted()).isTrue();
    assertThat(notVoted.voted()).isFalse();
    // R2.5: the bit is signed, so a relay cannot flip it.
    assertThat(auth[1].verify(0, SigningBytes.timeout(1, 0, true), voted.signature())).isTrue();
    assertThat(auth[1].verify(0, SigningBytes.timeout(1, 0, false), voted.signature())).isFalse();
    FbftReplica peer = started(2, config, WalState.EMPTY);
    peer.step(new Event.MessageReceived(0,
        new FbftMessage.Timeout(1, voted.highQc(), false, 0, voted.signature())), 101);
    assertThat(peer.drops().get(DropReason.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void aProposalAfterAFailedRoundMustRecordItsTcsEvidence() {
    // Round 1 failed: replicas 0, 1 and 2 timed out, 1 (its proposer) saying it voted.
    List<org.openbcs.fbft.message.TimeoutSig> sigs = new ArrayList<>();
    for (int i = 0; i <= 2; i++) {
      boolean voted = i == 1;
      sigs.add(new org.openbcs.fbft.message.TimeoutSig(i, 0, voted, auth[i].sign(SigningBytes.timeout(1, 0, voted))));
    }
    org.openbcs.fbft.message.TimeoutCert tc = new org.openbcs.fbft.message.TimeoutCert(1, sigs);
    FbftReplica r = started(0, config, WalState.EMPTY);
    int leader = r.expectedLeader(2);
    Block g = Block.genesis(HASH);
    org.openbcs.fbft.message.TimeoutEvidence right = org.openbcs.fbft.message.TimeoutEvidence.of(tc, 4);
    org.openbcs.fbft.message.TimeoutEvidence flipped = org.openbcs.fbft.message.TimeoutEvidence.of(
        new org.openbcs.fbft.message.TimeoutCert(1, List.of(sigs.get(0), sigs.get(2),
            new org.openbcs.fbft.message.TimeoutSig(1, 0, false, new byte[0]))), 4);
    for (org.openbcs.fbft.message.TimeoutEvidence wrong : List.of(org.openbcs.fbft.message.TimeoutEvidence.NONE, flipped)) {
      Block b = Block.create(2, 1, g.justify(), leader, List.of(), wrong, HASH);
      r.step(new Event.MessageReceived(leader, new FbftMessage.Proposal(b, Optional.of(tc),
          auth[leader].sign(SigningBytes.proposal(b.id(), 2)))), 10);
    }
    assertThat(r.drops().get(DropReason.BAD_BLOCK)).isEqualTo(2);
    assertThat(r.lastVotedRound()).isZero();
    Block b = Block.create(2, 1, g.justify(), leader, List.of(), right, HASH);
    List<Effect> effects = r.step(new Event.MessageReceived(leader, new FbftMessage.Proposal(b, Optional.of(tc),
        auth[leader].sign(SigningBytes.proposal(b.id(), 2)))), 11);
    assertThat(votesIn(effects)).hasSize(1);
    // Choosing where the vote goes folds b into reputation: only 1 of 3 signers voted in round 1,
    // at most f = 1, so its proposer (replica 1) failed to reach an honest replica.
    assertThat(r.provenBlame()).singleElement().satisfies(p -> {
      assertThat(p.round()).isEqualTo(1);
      assertThat(p.verdict()).isEqualTo(BlameVerdict.Blame.PROPOSER);
      assertThat(p.blamed()).isEqualTo(1);
    });
  }
}
