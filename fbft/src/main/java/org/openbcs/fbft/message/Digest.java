package org.openbcs.fbft.message;

import java.util.Arrays;
import org.openbcs.common.bytes.Hex;

/** A 32-byte hash naming a block. Immutable; equality by content. */
public final class Digest implements Comparable<Digest> {
  public static final int LENGTH = 32;

  private final byte[] bytes;
  private final int hash;

  private Digest(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** Copies {@code bytes}; they must be exactly {@link #LENGTH} long. */
  public static Digest of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("digest must be " + LENGTH + " bytes, got " + bytes.length);
    }
    return new Digest(bytes.clone());
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Writes the bytes without copying; for encoders. */
  void writeTo(java.nio.ByteBuffer out) {
    out.put(bytes);
  }

  public String shortHex() {
    return Hex.encode(bytes).substring(0, 12);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && hash == d.hash && Arrays.equals(bytes, d.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(Digest o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return shortHex();
  }
}
