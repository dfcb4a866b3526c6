package org.openbcs.fbft.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes each signature covers. A domain tag per message kind keeps a vote signature from
 * ever being replayed as a timeout signature (R4.1).
 */
public final class SigningBytes {
  private static final byte[] VOTE = "FBFT-VOTE1".getBytes(StandardCharsets.US_ASCII);
  /** Version 2 adds the voted bit (R2.5); a TMO1 signature never verifies as TMO2. */
  private static final byte[] TIMEOUT = "FBFT-TMO2".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROPOSAL = "FBFT-PROP1".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] CHECKPOINT = "FBFT-CKPT1".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] BATCH = "FBFT-BATCH1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BATCH_ACK = "FBFT-BACK1".getBytes(StandardCharsets.US_ASCII);

  private SigningBytes() {}

  /** The creator's signature on its batch (R9.1); the digest covers creator, seq and envelopes. */
  public static byte[] batch(Digest digest) {
    ByteBuffer b = ByteBuffer.allocate(BATCH.length + Digest.LENGTH);
    b.put(BATCH);
    digest.writeTo(b);
    return b.array();
  }

  /**
   * An acknowledgement "I store this batch" (R9.2). The header is signed too, so a
   * certificate's header cannot be altered without invalidating every signature in it.
   */
  public static byte[] batchAck(Digest digest, int creator, long seq, long sealedAt, int envelopeCount) {
    ByteBuffer b = ByteBuffer.allocate(BATCH_ACK.length + Digest.LENGTH + 24);
    b.put(BATCH_ACK);
    digest.writeTo(b);
    return b.putInt(creator).putLong(seq).putLong(sealedAt).putInt(envelopeCount).array();
  }

  /**
   * A ledger checkpoint (R3.8). The scope (the channel) is signed too: replicas use one key across
   * channels, and a checkpoint of one channel must not count as a vote for another's.
   */
  public static byte[] checkpoint(String scope, long height, long ledgerHeight, Digest ledgerTipHash) {
    byte[] s = scope.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(CHECKPOINT.length + 4 + s.length + 16 + Digest.LENGTH);
    b.put(CHECKPOINT).putInt(s.length).put(s).putLong(height).putLong(ledgerHeight);
    ledgerTipHash.writeTo(b);
    return b.array();
  }

  public static byte[] vote(Digest blockId, long round, long height) {
    ByteBuffer b = ByteBuffer.allocate(VOTE.length + Digest.LENGTH + 16);
    b.put(VOTE);
    blockId.writeTo(b);
    return b.putLong(round).putLong(height).array();
  }

  /** A timeout: the signer gave up on {@code round}, holds a QC of {@code highQcRound}, and had ({@code voted}) or had not voted in the round. */
  public static byte[] timeout(long round, long highQcRound, boolean voted) {
    return ByteBuffer.allocate(TIMEOUT.length + 17).put(TIMEOUT).putLong(round).putLong(highQcRound)
        .put((byte) (voted ? 1 : 0)).array();
  }

  public static byte[] proposal(Digest blockId, long round) {
    ByteBuffer b = ByteBuffer.allocate(PROPOSAL.length + Digest.LENGTH + 8);
    b.put(PROPOSAL);
    blockId.writeTo(b);
    return b.putLong(round).array();
  }
}
