package org.openbcs.fbft.sim;

import java.util.SplittableRandom;
import org.openbcs.fbft.Authenticator;

/**
 * Cheap deterministic MACs standing in for signatures in simulation: 8 bytes of a keyed 64-bit
 * mix. Every replica's key is derived from the run's seed; a simulated Byzantine replica only ever
 * holds its own, so it can forge nothing but garbage, as with real signatures.
 */
public final class SimAuthenticator implements Authenticator {
  private final int self;
  private final long[] keys;

  private SimAuthenticator(int self, long[] keys) {
    this.self = self;
    this.keys = keys;
  }

  /** One authenticator per replica, sharing the verification keys. */
  public static SimAuthenticator[] forNetwork(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5EEDC0DEL);
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = r.nextLong();
    }
    SimAuthenticator[] out = new SimAuthenticator[n];
    for (int i = 0; i < n; i++) {
      out[i] = new SimAuthenticator(i, keys);
    }
    return out;
  }

  @Override
  public int self() {
    return self;
  }

  @Override
  public byte[] sign(byte[] message) {
    return toBytes(mac(keys[self], message));
  }

  @Override
  public boolean verify(int signer, byte[] message, byte[] signature) {
    if (signer < 0 || signer >= keys.length || signature.length != 8) {
      return false;
    }
    return java.util.Arrays.equals(toBytes(mac(keys[signer], message)), signature);
  }

  private static long mac(long key, byte[] m) {
    long h = key ^ (m.length * 0x9E3779B97F4A7C15L);
    for (byte b : m) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
      h ^= h >>> 29;
    }
    h ^= key;
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 31);
  }

  private static byte[] toBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return b;
  }
}
