package org.openbcs.fbft.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes each signature covers. A domain tag per message kind keeps a vote signature from
 * ever being replayed as a timeout signature (R4.1).
 */
public final class SigningBytes {
  private static final byte[] VOTE = "FBFT-VOTE1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TIMEOUT = "FBFT-TMO1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROPOSAL = "FBFT-PROP1".getBytes(StandardCharsets.US_ASCII);

  private SigningBytes() {}

  public static byte[] vote(Digest blockId, long round, long height) {
    ByteBuffer b = ByteBuffer.allocate(VOTE.length + Digest.LENGTH + 16);
    b.put(VOTE);
    blockId.writeTo(b);
    return b.putLong(round).putLong(height).array();
  }

  public static byte[] timeout(long round, long highQcRound) {
    return ByteBuffer.allocate(TIMEOUT.length + 16).put(TIMEOUT).putLong(round).putLong(highQcRound).array();
  }

  public static byte[] proposal(Digest blockId, long round) {
    ByteBuffer b = ByteBuffer.allocate(PROPOSAL.length + Digest.LENGTH + 8);
    b.put(PROPOSAL);
    blockId.writeTo(b);
    return b.putLong(round).array();
  }
}
