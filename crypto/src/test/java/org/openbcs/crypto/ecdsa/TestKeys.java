package org.openbcs.crypto.ecdsa;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

/** Keys of the wrong kind, generated once: RSA generation is slow on a busy machine. */
final class TestKeys {
  static final KeyPair RSA = rsa();

  private TestKeys() {}

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(1024);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
