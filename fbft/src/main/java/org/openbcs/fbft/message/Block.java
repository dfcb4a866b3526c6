package org.openbcs.fbft.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A proposed block. Its parent is the block its justify QC certifies (chained HotStuff), so the
 * parent link and the certificate cannot disagree. The id is a hash over everything except the
 * justify signatures, computed locally and never trusted from the wire. A block that follows a
 * failed round carries the {@link TimeoutEvidence} of the TC that justified it (R2.5).
 */
public record Block(
    Digest id, long round, long height, QuorumCert justify, int proposer, List<byte[]> payload,
    TimeoutEvidence evidence) {
  public static final int GENESIS_PROPOSER = -1;

  public Block {
    payload = List.copyOf(payload);
  }

  /** A block without evidence: it follows a certified round (or predates proofs of blame). */
  public Block(Digest id, long round, long height, QuorumCert justify, int proposer, List<byte[]> payload) {
    this(id, round, height, justify, proposer, payload, TimeoutEvidence.NONE);
  }

  public Digest parentId() {
    return justify.blockId();
  }

  /** Builds a block and computes its id with {@code hash}. */
  public static Block create(
      long round,
      long height,
      QuorumCert justify,
      int proposer,
      List<byte[]> payload,
      UnaryOperator<byte[]> hash) {
    return create(round, height, justify, proposer, payload, TimeoutEvidence.NONE, hash);
  }

  /** Builds a block that records {@code evidence} and computes its id with {@code hash}. */
  public static Block create(
      long round,
      long height,
      QuorumCert justify,
      int proposer,
      List<byte[]> payload,
      TimeoutEvidence evidence,
      UnaryOperator<byte[]> hash) {
    return new Block(computeId(round, height, justify, proposer, payload, evidence, hash), round, height, justify,
        proposer, payload, evidence);
  }

  public static Digest computeId(
      long round, long height, QuorumCert justify, int proposer, List<byte[]> payload, UnaryOperator<byte[]> hash) {
    return computeId(round, height, justify, proposer, payload, TimeoutEvidence.NONE, hash);
  }

  /** Recomputes the id of {@code b} from its contents (R4.4). */
  public static Digest computeId(Block b, UnaryOperator<byte[]> hash) {
    return computeId(b.round(), b.height(), b.justify(), b.proposer(), b.payload(), b.evidence(), hash);
  }

  /**
   * The id. Evidence is hashed only when present, after the fields every block has, so the ids of
   * blocks without it are those of the format before proofs of blame (WALs and peers keep them).
   */
  public static Digest computeId(
      long round, long height, QuorumCert justify, int proposer, List<byte[]> payload, TimeoutEvidence evidence,
      UnaryOperator<byte[]> hash) {
    int payloadBytes = 0;
    for (byte[] e : payload) {
      payloadBytes += 4 + e.length;
    }
    ByteBuffer payloadBuf = ByteBuffer.allocate(4 + payloadBytes);
    payloadBuf.putInt(payload.size());
    for (byte[] e : payload) {
      payloadBuf.putInt(e.length).put(e);
    }
    byte[] payloadHash = hash.apply(payloadBuf.array());
    int evidenceBytes = evidence.isNone() ? 0 : 8 + evidence.signersUnsafe().length + evidence.votedUnsafe().length;
    ByteBuffer header =
        ByteBuffer.allocate(9 + 8 + 8 + Digest.LENGTH + 8 + 8 + 4 + payloadHash.length + evidenceBytes);
    header.put("FBFT-BLK".getBytes(StandardCharsets.US_ASCII)).put((byte) 1);
    header.putLong(round).putLong(height);
    justify.blockId().writeTo(header);
    header.putLong(justify.round()).putLong(justify.height()).putInt(proposer).put(payloadHash);
    if (!evidence.isNone()) {
      header.putInt(evidence.signersUnsafe().length).put(evidence.signersUnsafe());
      header.putInt(evidence.votedUnsafe().length).put(evidence.votedUnsafe());
    }
    return Digest.of(hash.apply(header.array()));
  }

  /** The common root every replica starts from; identical on all nodes of a network. */
  public static Block genesis(UnaryOperator<byte[]> hash) {
    Digest id = Digest.of(hash.apply("openbcs-fbft-genesis".getBytes(StandardCharsets.US_ASCII)));
    return new Block(id, 0, 0, new QuorumCert(id, 0, 0, List.of()), GENESIS_PROPOSER, List.of());
  }

  public boolean isGenesis() {
    return proposer == GENESIS_PROPOSER && round == 0;
  }

  @Override
  public String toString() {
    return "Block[" + id + " r=" + round + " h=" + height + " by=" + proposer + " qc.r=" + justify.round()
        + " n=" + payload.size() + (evidence.isNone() ? "" : " tc=" + evidence) + "]";
  }
}
