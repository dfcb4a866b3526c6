package org.openbcs.fbft.message;

import java.util.Arrays;
import java.util.List;

/**
 * What a block records about the failed round just before it (R2.5 proof of blame): which replicas
 * signed the TC for round {@code block.round - 1} that justified the proposal, and which of them
 * stated, under that signature, that they had voted in the round. It is a summary of the TC, so it
 * needs no signatures of its own: the block's id covers it, and a quorum of voters (at least one
 * honest) checked it against the TC before the block could be certified. Leader reputation then
 * reads it from the chain like every other block field, identically on every replica.
 *
 * <p>Bit i of {@code signers}/{@code voted} is byte i/8, bit i%8. {@link #NONE} (no bytes) means the
 * block follows a certified round, or was proposed before proofs existed.
 */
public record TimeoutEvidence(byte[] signers, byte[] voted) {
  public static final TimeoutEvidence NONE = new TimeoutEvidence(new byte[0], new byte[0]);

  public TimeoutEvidence {
    signers = signers.clone();
    voted = voted.clone();
  }

  /** The evidence of {@code tc} for a network of {@code n} replicas; signers outside 0..n-1 are ignored (the TC would not verify). */
  public static TimeoutEvidence of(TimeoutCert tc, int n) {
    byte[] s = new byte[bytesFor(n)];
    byte[] v = new byte[bytesFor(n)];
    for (TimeoutSig t : tc.timeouts()) {
      int i = t.signer();
      if (i >= 0 && i < n) {
        s[i >>> 3] |= (byte) (1 << (i & 7));
        if (t.voted()) {
          v[i >>> 3] |= (byte) (1 << (i & 7));
        }
      }
    }
    return new TimeoutEvidence(s, v);
  }

  public static int bytesFor(int n) {
    return (n + 7) >>> 3;
  }

  public boolean isNone() {
    return signers.length == 0 && voted.length == 0;
  }

  /**
   * Well-formed for {@code n} replicas: both bitmaps sized for n, no bit at or above n, and only
   * signers can have voted. A certified block never carries anything else unless a quorum's honest
   * members failed to check it, but reputation must not trust that.
   */
  public boolean wellFormed(int n) {
    if (signers.length != bytesFor(n) || voted.length != bytesFor(n)) {
      return false;
    }
    for (int i = 0; i < signers.length; i++) {
      if ((voted[i] & ~signers[i]) != 0) {
        return false;
      }
    }
    int tail = n & 7;
    return tail == 0 || ((signers[signers.length - 1] & 0xFF) >>> tail) == 0;
  }

  public boolean signed(int replica) {
    return bit(signers, replica);
  }

  public boolean votedBy(int replica) {
    return bit(voted, replica);
  }

  public int signerCount() {
    return count(signers);
  }

  public int votedCount() {
    return count(voted);
  }

  @Override
  public byte[] signers() {
    return signers.clone();
  }

  @Override
  public byte[] voted() {
    return voted.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeoutEvidence e && Arrays.equals(signers, e.signers) && Arrays.equals(voted, e.voted);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(signers) + Arrays.hashCode(voted);
  }

  @Override
  public String toString() {
    return isNone() ? "none" : "signers=" + indices(signers) + " voted=" + indices(voted);
  }

  /** Internal reads without copies, for the encoder and the block id. */
  byte[] signersUnsafe() {
    return signers;
  }

  byte[] votedUnsafe() {
    return voted;
  }

  private static boolean bit(byte[] bits, int i) {
    return i >= 0 && (i >>> 3) < bits.length && (bits[i >>> 3] & (1 << (i & 7))) != 0;
  }

  private static int count(byte[] bits) {
    int c = 0;
    for (byte b : bits) {
      c += Integer.bitCount(b & 0xFF);
    }
    return c;
  }

  private static List<Integer> indices(byte[] bits) {
    java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < bits.length * 8; i++) {
      if (bit(bits, i)) {
        out.add(i);
      }
    }
    return out;
  }
}
