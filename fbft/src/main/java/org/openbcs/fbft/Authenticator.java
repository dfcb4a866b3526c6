package org.openbcs.fbft;

/**
 * Message authentication port (spec R4.1). One instance per replica: it signs as {@link #self()}
 * and verifies any replica's signature. Implementations must be deterministic given their keys so
 * that simulation runs replay exactly.
 */
public interface Authenticator {
  int self();

  byte[] sign(byte[] message);

  /** False for an unknown signer, a malformed signature or a wrong one; never throws. */
  boolean verify(int signer, byte[] message, byte[] signature);
}
