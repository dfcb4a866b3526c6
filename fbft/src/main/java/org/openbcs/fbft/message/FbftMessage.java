package org.openbcs.fbft.message;

import java.util.List;
import java.util.Optional;

/** Everything replicas say to each other (spec section 4). */
public sealed interface FbftMessage {
  /** A leader's block for {@code block.round()}; carries a TC when the previous round did not certify (R1.3). */
  record Proposal(Block block, Optional<TimeoutCert> tc, byte[] signature) implements FbftMessage {}

  /** A vote for one block, sent only to the next round's leader (R1.2). */
  record Vote(Digest blockId, long round, long height, int voter, byte[] signature) implements FbftMessage {}

  /**
   * "I give up on {@code round}", broadcast with the sender's highest QC (R2.3), and whether the
   * sender had voted in the round (R2.5 proof of blame); the signature covers round, QC round and bit.
   */
  record Timeout(long round, QuorumCert highQc, boolean voted, int sender, byte[] signature) implements FbftMessage {}

  /** Certificates forwarded to a replica that is behind (R2.6). */
  record CertForward(QuorumCert highQc, Optional<TimeoutCert> tc) implements FbftMessage {}

  /** Asks for the certified chain ending at {@code target}, above height {@code fromHeight} (R3.4). */
  record SyncRequest(Digest target, long fromHeight) implements FbftMessage {}

  /** Blocks in ascending height, each linked to the previous one (R3.4). */
  record SyncResponse(List<Block> blocks) implements FbftMessage {
    public SyncResponse {
      blocks = List.copyOf(blocks);
    }
  }

  /**
   * Asks for the sender's signed {@link Checkpoint} at FBFT height {@code height} (R3.8). Handled by
   * the driver that owns the ledger, not by the replica core.
   */
  record CheckpointRequest(long height) implements FbftMessage {}

  /**
   * "Right after applying FBFT height {@code height}, my ledger held {@code ledgerHeight} blocks and
   * the last one's header hash is {@code ledgerTipHash}", signed by {@code signer} over
   * {@link SigningBytes#checkpoint} (R3.8). A state transfer trusts it only when f + 1 replicas sign
   * the same statement.
   */
  record Checkpoint(long height, long ledgerHeight, Digest ledgerTipHash, int signer, byte[] signature)
      implements FbftMessage {}

  /**
   * A sealed batch of client envelopes, broadcast once by its creator (R9.1). Its digest is
   * {@link BatchDigest#of}, computed by every receiver, never taken from the wire; the signature
   * is the creator's over {@link SigningBytes#batch}. {@code sealedAt} is the creator's committed
   * height when it sealed the batch: blocks may reference it only at heights
   * {@code sealedAt + 1 .. sealedAt + W} (R9.4).
   */
  record Batch(int creator, long seq, long sealedAt, List<byte[]> envelopes, byte[] signature)
      implements FbftMessage {
    public Batch {
      envelopes = List.copyOf(envelopes);
    }
  }

  /** "I store batch {@code digest}", sent to its creator (R9.2); signed over {@link SigningBytes#batchAck}. */
  record BatchAck(Digest digest, int signer, byte[] signature) implements FbftMessage {}

  /**
   * f + 1 acknowledgements of one batch (R9.3): at least one honest replica stores it. Also the
   * entry of a block's payload in batch mode, encoded by {@link MessageCodec}.
   */
  record BatchCert(Digest digest, int creator, long seq, long sealedAt, int envelopeCount,
      List<SignerSig> signatures) implements FbftMessage {
    public BatchCert {
      signatures = List.copyOf(signatures);
    }
  }

  /** Asks a replica for the batch with {@code digest} (R9.5); answered with the {@link Batch}. */
  record BatchRequest(Digest digest) implements FbftMessage {}

  /** Short name for logs and counters. */
  default String kind() {
    return switch (this) {
      case Proposal p -> "proposal";
      case Vote v -> "vote";
      case Timeout t -> "timeout";
      case CertForward c -> "cert-forward";
      case SyncRequest s -> "sync-request";
      case SyncResponse s -> "sync-response";
      case CheckpointRequest c -> "checkpoint-request";
      case Checkpoint c -> "checkpoint";
      case Batch b -> "batch";
      case BatchAck a -> "batch-ack";
      case BatchCert c -> "batch-cert";
      case BatchRequest r -> "batch-request";
    };
  }
}
