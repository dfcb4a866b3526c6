package org.openbcs.crypto.ecdsa;

import java.math.BigInteger;
import java.util.Optional;
import org.openbcs.common.Invariants;

/**
 * An ECDSA signature {@code (r, s)} in strict DER, with Fabric's low-S rule for P-256.
 *
 * <p>Fabric (bccsp/utils) accepts only {@code s <= n/2} and signers flip {@code s} to {@code n - s}
 * when it is larger; otherwise one signature has two valid encodings. We parse more strictly than
 * Fabric in one respect: bytes after the DER SEQUENCE are rejected rather than ignored, since no
 * honest signer produces them and accepting them would be another form of malleability.
 */
public record EcdsaDerSignature(BigInteger r, BigInteger s) {
  /** Order n of the P-256 base point (FIPS 186-4, D.1.2.3). */
  public static final BigInteger P256_ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  /** n / 2: the largest S Fabric accepts. */
  public static final BigInteger P256_HALF_ORDER = P256_ORDER.shiftRight(1);

  /** SEQUENCE header (2) + two INTEGERs of at most 33 content bytes (2 + 33 each). */
  private static final int DER_LENGTH_MAX = 2 + 2 * (2 + 33);

  private static final int INTEGER_CONTENT_MAX = 33;
  private static final byte TAG_SEQUENCE = 0x30;
  private static final byte TAG_INTEGER = 0x02;

  public EcdsaDerSignature {
    if (r.signum() < 0 || s.signum() < 0) {
      throw new IllegalArgumentException("ECDSA r and s are non-negative");
    }
  }

  /**
   * Parses strict DER: short-form lengths, minimal positive INTEGERs, nothing trailing. Returns
   * empty for anything else; range checks are separate ({@link #isCanonicalP256()}).
   */
  public static Optional<EcdsaDerSignature> parse(byte[] der) {
    if (der == null || der.length < 8 || der.length > DER_LENGTH_MAX) {
      return Optional.empty();
    }
    if (der[0] != TAG_SEQUENCE || (der[1] & 0xFF) != der.length - 2) {
      return Optional.empty();
    }
    int rLength = integerLength(der, 2);
    if (rLength < 0) {
      return Optional.empty();
    }
    int sOffset = 2 + 2 + rLength;
    int sLength = integerLength(der, sOffset);
    if (sLength < 0 || sOffset + 2 + sLength != der.length) {
      return Optional.empty();
    }
    BigInteger r = new BigInteger(1, der, 4, rLength);
    BigInteger s = new BigInteger(1, der, sOffset + 2, sLength);
    return Optional.of(new EcdsaDerSignature(r, s));
  }

  /** Content length of a minimal, non-negative INTEGER at {@code offset}, or -1 if it is not one. */
  private static int integerLength(byte[] der, int offset) {
    if (offset + 2 > der.length || der[offset] != TAG_INTEGER) {
      return -1;
    }
    int length = der[offset + 1] & 0xFF;
    int content = offset + 2;
    if (length == 0 || length > INTEGER_CONTENT_MAX || content + length > der.length) {
      return -1;
    }
    if ((der[content] & 0x80) != 0) {
      return -1; // negative
    }
    if (length > 1 && der[content] == 0 && (der[content + 1] & 0x80) == 0) {
      return -1; // non-minimal leading zero
    }
    return length;
  }

  /** {@code 0 < r < n} and {@code 0 < s <= n/2}: the only form Fabric and we accept. */
  public boolean isCanonicalP256() {
    return r.signum() > 0
        && r.compareTo(P256_ORDER) < 0
        && s.signum() > 0
        && s.compareTo(P256_HALF_ORDER) <= 0;
  }

  /** The same signature with {@code s} replaced by {@code n - s} when {@code s > n/2}. */
  public EcdsaDerSignature toLowS() {
    return s.compareTo(P256_HALF_ORDER) > 0 ? new EcdsaDerSignature(r, P256_ORDER.subtract(s)) : this;
  }

  /** The other valid {@code s} of the same signature; used by tests to build high-S signatures. */
  public EcdsaDerSignature withNegatedS() {
    return new EcdsaDerSignature(r, P256_ORDER.subtract(s));
  }

  /** Strict DER encoding. */
  public byte[] encode() {
    byte[] rBytes = r.toByteArray(); // minimal two's complement: a leading 0 only when needed
    byte[] sBytes = s.toByteArray();
    int bodyLength = 2 + rBytes.length + 2 + sBytes.length;
    Invariants.check(bodyLength < 0x80, "ECDSA signature body of %d bytes needs a long-form length", bodyLength);
    byte[] out = new byte[2 + bodyLength];
    out[0] = TAG_SEQUENCE;
    out[1] = (byte) bodyLength;
    out[2] = TAG_INTEGER;
    out[3] = (byte) rBytes.length;
    System.arraycopy(rBytes, 0, out, 4, rBytes.length);
    int sOffset = 4 + rBytes.length;
    out[sOffset] = TAG_INTEGER;
    out[sOffset + 1] = (byte) sBytes.length;
    System.arraycopy(sBytes, 0, out, sOffset + 2, sBytes.length);
    return out;
  }
}
