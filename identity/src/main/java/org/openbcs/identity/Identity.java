package org.openbcs.identity;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * A validated identity: the certificate chained to {@code mspId}'s CA, was in its validity period
 * and not revoked when it was deserialized. {@code serialized} is the exact {@code
 * msp.SerializedIdentity} bytes it came from (the creator / endorser field).
 */
public record Identity(
    String mspId, X509Certificate certificate, byte[] serialized, Set<Role> roles) {
  public PublicKey publicKey() {
    return certificate.getPublicKey();
  }

  public boolean hasRole(Role role) {
    return role == Role.MEMBER || roles.contains(role);
  }
}
