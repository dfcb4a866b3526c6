package org.openbcs.fbft.message;

/** One replica's signature inside a certificate. */
public record SignerSig(int signer, byte[] signature) {
  public SignerSig {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Internal read without copy, for encoders and verifiers that never mutate it. */
  byte[] signatureUnsafe() {
    return signature;
  }
}
