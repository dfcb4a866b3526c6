package org.openbcs.identity.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A CA's certificate and signing key. */
public record CaKey(X509Certificate certificate, PrivateKey privateKey) {
  @Override
  public String toString() {
    return "CaKey[" + certificate.getSubjectX500Principal() + "]";
  }
}
