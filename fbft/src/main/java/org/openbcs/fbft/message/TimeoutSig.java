package org.openbcs.fbft.message;

/**
 * One replica's signed timeout inside a TC: it gave up on the round, reports its highest QC round,
 * and states whether it had voted in the round (R2.5 proof of blame); the signature covers all three.
 */
public record TimeoutSig(int signer, long highQcRound, boolean voted, byte[] signature) {
  public TimeoutSig {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }
}
