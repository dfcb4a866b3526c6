package org.openbcs.node.bench;

/**
 * How many signatures one transaction costs across the whole system (client included), counted
 * from the topology. Per-block work (the orderer's block signature and each peer's check of it)
 * is amortised over the observed transactions per block.
 */
public record SignatureBudget(double signsPerTx, double verifiesPerTx, String derivation) {

  /**
   * A submitted transaction: the client signs the proposal and the envelope; each endorsing peer
   * verifies the proposal and signs its endorsement; the orderer verifies the envelope and signs
   * each block; each committing peer verifies the block signature, the creator's signature and
   * every endorsement but its own (a peer knows the signature it made, see {@code
   * SignatureVerifier.remember}; the gateway's check of the other endorsements is the commit's,
   * cached); the CommitStatus request is signed by the client and verified by its peer. Endorsing
   * peers are assumed to be committing peers too, as in the bench's one-peer-per-org networks.
   */
  public static SignatureBudget submit(int endorsements, int committingPeers, double txPerBlock) {
    if (endorsements < 1 || committingPeers < 1 || !(txPerBlock >= 1)) {
      throw new IllegalArgumentException(
          "need endorsements >= 1, peers >= 1, tx/block >= 1; got " + endorsements + ", " + committingPeers + ", " + txPerBlock);
    }
    double signs = 2 + endorsements + 1 + 1.0 / txPerBlock;
    int ownEndorsements = Math.min(endorsements, committingPeers);
    double verifies =
        endorsements + 1 + committingPeers * (1.0 + endorsements) - ownEndorsements + 1 + committingPeers / txPerBlock;
    String how = String.format(
        "signs = 2 client + %d endorse + 1 commit-status + 1/%.1f block; verifies = %d proposal + 1 orderer + %d peers x (1 creator + %d endorsements) - %d own endorsements + 1 commit-status + %d/%.1f block",
        endorsements, txPerBlock, endorsements, committingPeers, endorsements, ownEndorsements, committingPeers, txPerBlock);
    return new SignatureBudget(signs, verifies, how);
  }

  /** An evaluated (query) transaction: the client signs the proposal, the peer verifies it and signs its response. */
  public static SignatureBudget evaluate() {
    return new SignatureBudget(2, 1, "signs = 1 client proposal + 1 peer response; verifies = 1 proposal");
  }

  /**
   * The TPS the signature work alone allows: {@code cores / (signs * tSign + verifies * tVerify)}
   * with per-core single-threaded rates.
   */
  public double ceilingTps(int cores, double signsPerSecondPerCore, double verifiesPerSecondPerCore) {
    if (!(signsPerSecondPerCore > 0) || !(verifiesPerSecondPerCore > 0) || cores < 1) {
      throw new IllegalArgumentException("rates and cores must be positive");
    }
    double secondsPerTx = signsPerTx / signsPerSecondPerCore + verifiesPerTx / verifiesPerSecondPerCore;
    return cores / secondsPerTx;
  }
}
