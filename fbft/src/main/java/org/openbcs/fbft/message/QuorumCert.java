package org.openbcs.fbft.message;

import java.util.List;

/**
 * Proof that a quorum (n - f) voted for {@code blockId} at {@code round} (spec R1.4). The genesis
 * certificate is the only one without signatures.
 */
public record QuorumCert(Digest blockId, long round, long height, List<SignerSig> signatures) {
  public QuorumCert {
    signatures = List.copyOf(signatures);
  }

  public boolean isGenesis() {
    return round == 0 && signatures.isEmpty();
  }

  /** The fact a QC proves; two QCs with the same key prove the same statement (spec R4.3). */
  public record Key(Digest blockId, long round, long height) {}

  public Key key() {
    return new Key(blockId, round, height);
  }
}
