package org.openbcs.identity;

/** Turns creator/endorser bytes into a validated {@link Identity}. Thread-safe. */
public interface IdentityDeserializer {
  /**
   * Parses {@code msp.SerializedIdentity} bytes and validates the certificate against the named
   * MSP (chain, validity at the injected current time, CRL, NodeOU roles).
   *
   * @throws IdentityException with the precise reason when the identity is not acceptable
   */
  Identity deserialize(byte[] serializedIdentity);
}
