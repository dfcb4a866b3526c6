package org.openbcs.identity;

import java.security.PrivateKey;

/** A local identity with its private key: a peer, orderer, admin or client. */
public interface SigningIdentity {
  String mspId();

  /** The {@code msp.SerializedIdentity} bytes of this identity (mspid + PEM certificate). */
  byte[] serialized();

  java.security.cert.X509Certificate certificate();

  PrivateKey privateKey();

  /** Signs {@code message} with the identity's crypto suite (hash then sign). */
  byte[] sign(byte[] message);
}
