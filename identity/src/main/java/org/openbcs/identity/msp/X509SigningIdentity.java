package org.openbcs.identity.msp;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.SigningIdentity;

/** A local X.509 identity with its private key, signing through its crypto suite. */
public record X509SigningIdentity(
    String mspId,
    X509Certificate certificate,
    PrivateKey privateKey,
    byte[] serialized,
    CryptoSuite suite)
    implements SigningIdentity {
  @Override
  public byte[] serialized() {
    return serialized.clone();
  }

  @Override
  public byte[] sign(byte[] message) {
    return suite.sign(privateKey, message);
  }

  @Override
  public String toString() {
    return "X509SigningIdentity[" + mspId + ", " + certificate.getSubjectX500Principal() + "]";
  }
}
