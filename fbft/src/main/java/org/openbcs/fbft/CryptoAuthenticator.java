package org.openbcs.fbft;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import org.openbcs.crypto.CryptoSuite;

/** Signs and verifies with a {@link CryptoSuite} (ECDSA P-256 by default); replica i owns keys.get(i). */
public final class CryptoAuthenticator implements Authenticator {
  private final int self;
  private final PrivateKey key;
  private final List<PublicKey> replicaKeys;
  private final CryptoSuite suite;

  public CryptoAuthenticator(int self, PrivateKey key, List<PublicKey> replicaKeys, CryptoSuite suite) {
    if (self < 0 || self >= replicaKeys.size()) {
      throw new IllegalArgumentException("replica " + self + " outside the " + replicaKeys.size() + " configured keys");
    }
    this.self = self;
    this.key = key;
    this.replicaKeys = List.copyOf(replicaKeys);
    this.suite = suite;
  }

  @Override
  public int self() {
    return self;
  }

  @Override
  public byte[] sign(byte[] message) {
    return suite.sign(key, message);
  }

  @Override
  public boolean verify(int signer, byte[] message, byte[] signature) {
    if (signer < 0 || signer >= replicaKeys.size()) {
      return false;
    }
    return suite.verify(replicaKeys.get(signer), message, signature);
  }
}
