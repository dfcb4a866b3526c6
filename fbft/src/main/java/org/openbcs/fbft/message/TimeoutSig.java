package org.openbcs.fbft.message;

/** One replica's signed timeout inside a TC: it gave up on the round and reports its highest QC round. */
public record TimeoutSig(int signer, long highQcRound, byte[] signature) {
  public TimeoutSig {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }
}
