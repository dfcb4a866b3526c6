package org.openbcs.fbft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.message.QuorumCert;
import org.openbcs.fbft.message.SignerSig;
import org.openbcs.fbft.message.SigningBytes;
import org.openbcs.fbft.message.TimeoutCert;
import org.openbcs.fbft.message.TimeoutSig;

/**
 * Turns an honest replica's outbound bytes into a Byzantine one's. It holds only the Byzantine
 * replica's own key, so everything it claims on behalf of others carries garbage signatures.
 */
final class ByzantineRewriter {
  /** How far ahead of the real chain a FORGE_SYNC replica claims to be. */
  static final long FORGED_LEAD = 1000;

  private ByzantineRewriter() {}

  /** The bytes to send instead of {@code wire}; null to send nothing. */
  static byte[] outbound(Byzantine kind, int self, int to, byte[] wire, Simulation sim) {
    if (kind == Byzantine.DOUBLE_VOTE || kind == Byzantine.SILENT) {
      return wire;
    }
    switch (kind) {
      case BATCH_PARTIAL, BATCH_NO_ACK, BATCH_FORGE_CERT, BATCH_WRONG_ANSWER, BATCH_REPEAT, SILENT_LEADER -> {
        return batchOutbound(kind, self, to, wire, sim);
      }
      default -> {}
    }
    if (kind == Byzantine.LIE_VOTED) {
      if (sim.codec().decode(wire) instanceof MessageCodec.Decoded.Ok(FbftMessage.Timeout t) && t.sender() == self) {
        boolean lie = !t.voted();
        byte[] sig = sim.auth(self).sign(SigningBytes.timeout(t.round(), t.highQc().round(), lie));
        return sim.codec().encode(new FbftMessage.Timeout(t.round(), t.highQc(), lie, self, sig));
      }
      return wire;
    }
    if (kind == Byzantine.FORGE_SYNC) {
      MessageCodec.Decoded d = sim.codec().decode(wire);
      if (d instanceof MessageCodec.Decoded.Ok(FbftMessage.SyncResponse r) && !r.blocks().isEmpty()) {
        return sim.codec().encode(forgedSync(self, r.blocks().get(0).justify(), r.blocks().size(), sim));
      }
      if (d instanceof MessageCodec.Decoded.Ok(FbftMessage.CertForward c)) {
        // A replica that times out a round we left is behind: offer it a forged way to catch up too.
        sim.transmit(self, to, sim.codec().encode(forgedSync(self, c.highQc(), 3, sim)));
      }
      return wire;
    }
    if (!(sim.codec().decode(wire) instanceof MessageCodec.Decoded.Ok(FbftMessage.Proposal p))
        || p.block().proposer() != self) {
      return wire;
    }
    Block b = p.block();
    return switch (kind) {
      case EQUIVOCATE -> {
        if (to < sim.n() / 2) {
          yield wire;
        }
        List<byte[]> alt = new ArrayList<>(b.payload());
        if (alt.isEmpty()) {
          byte[] latest = sim.latestSubmitted();
          if (latest == null) {
            yield wire;
          }
          alt.add(latest);
        } else {
          alt.remove(alt.size() - 1);
        }
        yield sim.codec().encode(reProposal(sim, self, b.round(), b.height(), b.justify(), alt, p.tc()));
      }
      case FORGE_QC -> {
        // A QC for a block nobody voted for: own signature plus garbage, or too few signatures.
        Digest fake = Digest.of(sim.hash().apply(("forged-" + b.round()).getBytes()));
        List<SignerSig> sigs = new ArrayList<>();
        byte[] own = sim.auth(self).sign(SigningBytes.vote(fake, b.round() - 1, b.height() - 1));
        sigs.add(new SignerSig(self, own));
        boolean tooFew = (b.round() & 1) == 0;
        for (int i = 0; sigs.size() < (tooFew ? 1 : sim.n()); i++) {
          if (i != self) {
            sigs.add(new SignerSig(i, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
          }
        }
        sigs.sort(java.util.Comparator.comparingInt(SignerSig::signer));
        QuorumCert forged = new QuorumCert(fake, b.round() - 1, b.height() - 1, sigs);
        yield sim.codec().encode(reProposal(sim, self, b.round(), b.height(), forged, b.payload(), Optional.empty()));
      }
      case FORGE_TC -> {
        // Claims everyone timed out in the previous round still holding only genesis: would let
        // the forger fork from genesis if accepted.
        List<TimeoutSig> sigs = new ArrayList<>();
        for (int i = 0; i < sim.n(); i++) {
          byte[] sig = i == self ? sim.auth(self).sign(SigningBytes.timeout(b.round() - 1, 0, false)) : new byte[8];
          sigs.add(new TimeoutSig(i, 0, false, sig));
        }
        TimeoutCert forged = new TimeoutCert(b.round() - 1, sigs);
        Block genesis = Block.genesis(sim.hash());
        yield sim.codec().encode(reProposal(sim, self, b.round(), 1, genesis.justify(), b.payload(), Optional.of(forged)));
      }
      case SILENT, DOUBLE_VOTE, FORGE_SYNC, LIE_VOTED, BATCH_PARTIAL, BATCH_NO_ACK, BATCH_FORGE_CERT,
          BATCH_WRONG_ANSWER, BATCH_REPEAT, SILENT_LEADER -> wire;
    };
  }

  /** The batch layer's attacks (spec section 9). */
  private static byte[] batchOutbound(Byzantine kind, int self, int to, byte[] wire, Simulation sim) {
    if (!(sim.codec().decode(wire) instanceof MessageCodec.Decoded.Ok(FbftMessage m))) {
      return wire;
    }
    return switch (kind) {
      // Its own batches reach one replica only: with f + 1 = 2 (n = 4) that one ack certifies them.
      case BATCH_PARTIAL -> m instanceof FbftMessage.Batch b && b.creator() == self && to != (self + 1) % sim.n()
          ? null : wire;
      case BATCH_NO_ACK -> m instanceof FbftMessage.BatchAck ? null : wire;
      case BATCH_WRONG_ANSWER -> {
        if (m instanceof FbftMessage.Batch b && b.creator() != self) {
          // An answer to a request: same header, other contents.
          List<byte[]> other = new ArrayList<>();
          for (int i = 0; i < b.envelopes().size(); i++) {
            other.add(("swapped-" + self + "-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          }
          yield sim.codec().encode(new FbftMessage.Batch(b.creator(), b.seq(), b.sealedAt(), other, b.signature()));
        }
        yield wire;
      }
      case BATCH_FORGE_CERT -> {
        if (!(m instanceof FbftMessage.Proposal p) || p.block().proposer() != self) {
          yield wire;
        }
        Block b = p.block();
        Digest fake = Digest.of(sim.hash().apply(("forged-batch-" + self + "-" + b.round()).getBytes()));
        List<SignerSig> sigs = new ArrayList<>();
        long sealedAt = b.height() - 1;
        sigs.add(new SignerSig(self, sim.auth(self).sign(SigningBytes.batchAck(fake, self, b.round(), sealedAt, 1))));
        if ((b.round() & 1) == 0) {
          // Enough signers, but the others' signatures are garbage.
          for (int i = 0; sigs.size() < (sim.n() - 1) / 3 + 1; i++) {
            if (i != self) {
              sigs.add(new SignerSig(i, new byte[] {7, 7, 7, 7, 7, 7, 7, 7}));
            }
          }
        }
        List<byte[]> payload = new ArrayList<>(b.payload());
        payload.add(sim.codec().encode(new FbftMessage.BatchCert(fake, self, b.round(), sealedAt, 1, sigs)));
        Block alt = Block.create(b.round(), b.height(), b.justify(), self, payload, b.evidence(), sim.hash());
        sim.recordProposed(alt.id());
        yield sim.codec().encode(new FbftMessage.Proposal(alt, p.tc(),
            sim.auth(self).sign(SigningBytes.proposal(alt.id(), alt.round()))));
      }
      case BATCH_REPEAT -> {
        if (!(m instanceof FbftMessage.Proposal p) || p.block().proposer() != self) {
          yield wire;
        }
        Block b = p.block();
        Block parent = sim.proposedBlock(b.parentId());
        if (parent == null || parent.payload().isEmpty()) {
          yield wire;
        }
        List<byte[]> payload = new ArrayList<>(b.payload());
        payload.addAll(parent.payload());
        Block alt = Block.create(b.round(), b.height(), b.justify(), self, payload, b.evidence(), sim.hash());
        sim.recordProposed(alt.id());
        yield sim.codec().encode(new FbftMessage.Proposal(alt, p.tc(),
            sim.auth(self).sign(SigningBytes.proposal(alt.id(), alt.round()))));
      }
      case SILENT_LEADER -> m instanceof FbftMessage.Proposal p && p.block().proposer() == self ? null : wire;
      default -> wire;
    };
  }

  /**
   * A chain on top of the real certificate {@code base} that claims to be far ahead of it ({@link #FORGED_LEAD} heights and
   * rounds), in consecutive rounds (so it looks like a commit proof a lagging replica would jump
   * to), each block holding a payload nobody submitted and justified by a QC of the forger's own
   * signature plus garbage.
   */
  private static FbftMessage.SyncResponse forgedSync(int self, QuorumCert base, int size, Simulation sim) {
    List<Block> forged = new ArrayList<>();
    QuorumCert justify = base;
    long round = base.round() + 1 + FORGED_LEAD;
    // At least three blocks, the shape of a commit proof, even when the honest answer is shorter.
    int count = Math.max(3, size);
    for (int k = 0; k < count; k++) {
      long height = base.height() + 1 + FORGED_LEAD + k;
      Block f = Block.create(round, height, justify, self,
          List.of(("forged-" + self + "-" + height).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
          sim.hash());
      forged.add(f);
      List<SignerSig> sigs = new ArrayList<>();
      for (int i = 0; i < sim.n(); i++) {
        sigs.add(new SignerSig(i, i == self
            ? sim.auth(self).sign(SigningBytes.vote(f.id(), f.round(), f.height()))
            : new byte[] {9, 9, 9, 9, 9, 9, 9, 9}));
      }
      justify = new QuorumCert(f.id(), f.round(), f.height(), sigs);
      round++;
    }
    return new FbftMessage.SyncResponse(forged);
  }

  private static FbftMessage.Proposal reProposal(Simulation sim, int self, long round, long height, QuorumCert justify,
      List<byte[]> payload, Optional<TimeoutCert> tc) {
    Block alt = Block.create(round, height, justify, self, payload, sim.hash());
    sim.recordProposed(alt.id());
    return new FbftMessage.Proposal(alt, tc, sim.auth(self).sign(SigningBytes.proposal(alt.id(), round)));
  }

  /** A DOUBLE_VOTE replica votes for every proposal it receives, and for a made-up block, to everyone. */
  static void onInbound(int self, byte[] wire, Simulation sim) {
    if (!(sim.codec().decode(wire) instanceof MessageCodec.Decoded.Ok(FbftMessage.Proposal p))) {
      return;
    }
    Block b = p.block();
    Digest fake = Digest.of(sim.hash().apply(("phantom-" + self + "-" + b.round()).getBytes()));
    for (Digest id : List.of(b.id(), fake)) {
      FbftMessage.Vote v = new FbftMessage.Vote(id, b.round(), b.height(), self,
          sim.auth(self).sign(SigningBytes.vote(id, b.round(), b.height())));
      byte[] bytes = sim.codec().encode(v);
      for (int to = 0; to < sim.n(); to++) {
        if (to != self) {
          sim.transmit(self, to, bytes);
        }
      }
    }
  }
}
