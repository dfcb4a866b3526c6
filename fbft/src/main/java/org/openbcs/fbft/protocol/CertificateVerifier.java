package org.openbcs.fbft.protocol;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbcs.fbft.Authenticator;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.QuorumCert;
import org.openbcs.fbft.message.SignerSig;
import org.openbcs.fbft.message.SigningBytes;
import org.openbcs.fbft.message.TimeoutCert;
import org.openbcs.fbft.message.TimeoutSig;

/**
 * Checks QCs and TCs and remembers what it proved (R4.2, R4.3). A QC proves "a quorum voted for
 * (block, round, height)"; once that fact is established, any other QC stating it is accepted
 * without checking its signatures again, so each QC costs its signature checks once per replica.
 */
final class CertificateVerifier {
  /** Bound on remembered facts; old ones are only re-verified, never trusted blindly. */
  static final int MAX_CACHED_CERTIFICATES = 4096;

  private final FbftConfig config;
  private final Authenticator auth;
  private final Digest genesisId;
  private final Map<Object, Boolean> proven =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Boolean> e) {
          return size() > MAX_CACHED_CERTIFICATES;
        }
      };
  private long signatureChecks;

  CertificateVerifier(FbftConfig config, Authenticator auth, Digest genesisId) {
    this.config = config;
    this.auth = auth;
    this.genesisId = genesisId;
  }

  boolean verifyQc(QuorumCert qc) {
    if (qc.round() == 0) {
      return qc.blockId().equals(genesisId) && qc.height() == 0 && qc.signatures().isEmpty();
    }
    QuorumCert.Key key = qc.key();
    if (proven.containsKey(key)) {
      return true;
    }
    if (qc.signatures().size() < config.quorum() || qc.signatures().size() > config.n()) {
      return false;
    }
    if (!distinctSignersSigned(qc.signatures(), SigningBytes.vote(qc.blockId(), qc.round(), qc.height()))) {
      return false;
    }
    proven.put(key, Boolean.TRUE);
    return true;
  }

  /** Every signature is by a distinct known replica and verifies over {@code msg}. */
  private boolean distinctSignersSigned(java.util.List<SignerSig> signatures, byte[] msg) {
    BitSet seen = new BitSet(config.n());
    for (SignerSig s : signatures) {
      if (s.signer() < 0 || s.signer() >= config.n() || seen.get(s.signer())) {
        return false;
      }
      seen.set(s.signer());
      signatureChecks++;
      if (!auth.verify(s.signer(), msg, s.signature())) {
        return false;
      }
    }
    return true;
  }

  /** A QC this replica assembled from votes it verified one by one. */
  void markProven(QuorumCert qc) {
    proven.put(qc.key(), Boolean.TRUE);
  }

  /** The voted bits are part of the fact: they decide blame (R2.5), so each is proven by its signature. */
  private record TcKey(long round, List<Long> signerHighQcAndVoted) {}

  private static TcKey tcKey(TimeoutCert tc) {
    List<Long> parts = new ArrayList<>(tc.timeouts().size() * 2);
    for (TimeoutSig t : tc.timeouts()) {
      parts.add(t.voted() ? -1L - t.signer() : t.signer());
      parts.add(t.highQcRound());
    }
    return new TcKey(tc.round(), parts);
  }

  boolean verifyTc(TimeoutCert tc) {
    TcKey key = tcKey(tc);
    if (proven.containsKey(key)) {
      return true;
    }
    if (tc.round() <= 0 || tc.timeouts().size() < config.quorum() || tc.timeouts().size() > config.n()) {
      return false;
    }
    BitSet seen = new BitSet(config.n());
    for (TimeoutSig t : tc.timeouts()) {
      if (t.signer() < 0 || t.signer() >= config.n() || seen.get(t.signer()) || t.highQcRound() >= tc.round()) {
        return false;
      }
      seen.set(t.signer());
      signatureChecks++;
      if (!auth.verify(t.signer(), SigningBytes.timeout(tc.round(), t.highQcRound(), t.voted()), t.signature())) {
        return false;
      }
    }
    proven.put(key, Boolean.TRUE);
    return true;
  }

  void markProven(TimeoutCert tc) {
    proven.put(tcKey(tc), Boolean.TRUE);
  }

  /** The fact a batch certificate proves: f + 1 replicas store the batch with this header (R9.3). */
  private record BatchKey(Digest digest, int creator, long seq, long sealedAt, int envelopeCount) {}

  /** R9.3: at least f + 1 distinct replicas signed the acknowledgement of exactly this header. */
  boolean verifyBatchCert(FbftMessage.BatchCert c) {
    BatchKey key = new BatchKey(c.digest(), c.creator(), c.seq(), c.sealedAt(), c.envelopeCount());
    if (proven.containsKey(key)) {
      return true;
    }
    if (c.creator() < 0 || c.creator() >= config.n() || c.signatures().size() < config.f() + 1
        || c.signatures().size() > config.n()) {
      return false;
    }
    if (!distinctSignersSigned(c.signatures(),
        SigningBytes.batchAck(c.digest(), c.creator(), c.seq(), c.sealedAt(), c.envelopeCount()))) {
      return false;
    }
    proven.put(key, Boolean.TRUE);
    return true;
  }

  long signatureChecks() {
    return signatureChecks;
  }

  boolean verifySingle(int signer, byte[] message, byte[] signature) {
    signatureChecks++;
    return auth.verify(signer, message, signature);
  }
}
