package org.openbcs.fbft.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.QuorumCert;
import org.openbcs.fbft.message.SignerSig;
import org.openbcs.fbft.message.SigningBytes;
import org.openbcs.fbft.sim.SimAuthenticator;
import org.openbcs.fbft.wal.WalState;

/**
 * The core's catch-up rules on a hand-built certified chain: re-delivery of committed heights a
 * crash kept from the sink (R3.7), and adopting a committed block by its commit proof when peers
 * no longer hold the blocks in between (R3.8).
 */
class CatchUpTest {
  private static final UnaryOperator<byte[]> HASH = CryptoSuites.defaultSuite()::hash;
  private final SimAuthenticator[] auth = SimAuthenticator.forNetwork(4, 42);
  private final FbftConfig config = FbftConfig.defaults(4).withBaseTimeout(100);
  /** chain.get(h) is the block at height h (round h); chain.get(0) is genesis. */
  private final List<Block> chain = new ArrayList<>();

  CatchUpTest() {
    Block g = Block.genesis(HASH);
    chain.add(g);
    QuorumCert justify = g.justify();
    for (int h = 1; h <= 8; h++) {
      Block b = Block.create(h, h, justify, h % 4, List.of(("tx" + h).getBytes()), HASH);
      chain.add(b);
      justify = qc(b, true);
    }
  }

  private QuorumCert qc(Block b, boolean valid) {
    List<SignerSig> sigs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sigs.add(new SignerSig(i, valid ? auth[i].sign(SigningBytes.vote(b.id(), b.round(), b.height())) : new byte[] {1}));
    }
    return new QuorumCert(b.id(), b.round(), b.height(), sigs);
  }

  /** Replica 3 restarted with height 2 committed in its WAL, highQc for height 3, and the sink at {@code delivered}. */
  private FbftReplica restarted(long delivered, List<Effect> startEffects) {
    Block committed = chain.get(2);
    WalState s = new WalState(3, Optional.of(chain.get(4).justify()), 2, 2, Optional.of(committed.id()), List.of(),
        Optional.empty());
    FbftReplica r = new FbftReplica(config, auth[3], HASH);
    startEffects.addAll(r.step(new Event.WalRecovered(s, delivered), 0));
    return r;
  }

  private List<Effect> sync(FbftReplica r, int from, int lowest, int highest) {
    return r.step(new Event.MessageReceived(from, new FbftMessage.SyncResponse(chain.subList(lowest, highest + 1))), 10);
  }

  private static List<Object> deliveries(List<Effect> effects) {
    List<Object> out = new ArrayList<>();
    for (Effect e : effects) {
      if (e instanceof Effect.Commit c) {
        out.add(c.block().height());
      }
      if (e instanceof Effect.StateTransfer t) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void committedButUndeliveredHeightsAreFetchedAndReDeliveredInOrder() {
    List<Effect> start = new ArrayList<>();
    FbftReplica r = restarted(0, start);
    // It asks a signer of its highQc for that block, from below the undelivered heights.
    assertThat(start).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Effect.Send.class, s -> {
      assertThat(s.message()).isEqualTo(new FbftMessage.SyncRequest(chain.get(3).id(), 0));
      assertThat(s.to()).isBetween(0, 2);
    }));
    List<Effect> effects = sync(r, 0, 1, 3);
    assertThat(deliveries(effects)).containsExactly(1L, 2L);
    Effect.Commit top = (Effect.Commit) effects.stream().filter(e -> e instanceof Effect.Commit).toList().get(1);
    assertThat(top.certifiedBy().blockId()).isEqualTo(chain.get(2).id());
    // Later commits continue from there.
    assertThat(deliveries(sync(r, 0, 4, 5))).containsExactly(3L);
  }

  @Test
  void noCommitOvertakesAnUndeliverableBacklog() {
    List<Effect> start = new ArrayList<>();
    FbftReplica r = restarted(0, start);
    // The peer no longer holds heights 1..2: only blocks above the committed one arrive.
    List<Effect> effects = sync(r, 1, 3, 5);
    assertThat(deliveries(effects)).containsExactly(new Effect.StateTransfer(0, 2, chain.get(2).id()), 3L);
  }

  @Test
  void nothingIsReDeliveredWhenTheSinkIsUpToDate() {
    List<Effect> start = new ArrayList<>();
    FbftReplica r = restarted(2, start);
    assertThat(start).noneMatch(e -> e instanceof Effect.Send);
    assertThat(deliveries(sync(r, 0, 1, 5))).containsExactly(3L);
  }

  @Test
  void replicaBeyondTheRetainedWindowAdoptsAProvenCommittedBlock() {
    FbftReplica r = new FbftReplica(config, auth[3], HASH);
    r.step(new Event.WalRecovered(WalState.EMPTY, 0), 0);
    long votedBefore = r.lastVotedRound();
    // Heights 3..6: nothing links to genesis; 4 is proven committed by 5 (round 4 + 1) and QC(5) in 6.
    List<Effect> effects = sync(r, 1, 3, 6);
    assertThat(deliveries(effects)).containsExactly(new Effect.StateTransfer(0, 4, chain.get(4).id()));
    assertThat(effects).anySatisfy(e -> assertThat(e).isEqualTo(
        new Effect.Persist(new org.openbcs.fbft.wal.WalRecord.Committed(4, 4, chain.get(4).id()))));
    assertThat(r.committedHeight()).isEqualTo(4);
    assertThat(r.highQc().blockId()).isEqualTo(chain.get(5).id());
    assertThat(r.lastVotedRound()).isEqualTo(votedBefore);
    // It then commits on top of the adopted block like any replica.
    assertThat(deliveries(sync(r, 2, 7, 8))).containsExactly(5L, 6L);
  }

  @Test
  void forgedCommitProofIsRefusedAndCounted() {
    FbftReplica r = new FbftReplica(config, auth[3], HASH);
    r.step(new Event.WalRecovered(WalState.EMPTY, 0), 0);
    // The shape of a proof that height 3 is committed, but the QC for height 4 carried by the last
    // block has garbage signatures.
    Block forged = Block.create(5, 5, qc(chain.get(4), false), 1, chain.get(5).payload(), HASH);
    List<Block> answer = List.of(chain.get(3), chain.get(4), forged);
    List<Effect> effects = r.step(new Event.MessageReceived(1, new FbftMessage.SyncResponse(answer)), 10);
    assertThat(deliveries(effects)).isEmpty();
    assertThat(r.committedHeight()).isZero();
    assertThat(r.drops().snapshot()).containsKeys(DropReason.INVALID_QC, DropReason.SYNC_UNLINKED);
  }
}
