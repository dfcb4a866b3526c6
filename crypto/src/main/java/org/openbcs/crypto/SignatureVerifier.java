package org.openbcs.crypto;

import java.security.PublicKey;
import java.util.List;

/**
 * Verifies many signatures at once, on all cores, and remembers what it verified so the same
 * (key, message, signature) triple is never checked twice (endorsement at the gateway and again at
 * commit, the same block from two orderers).
 */
public interface SignatureVerifier {
  /** One signature to check. */
  record Request(PublicKey key, byte[] message, byte[] signature) {}

  boolean verify(Request request);

  /** Results in request order. Runs the requests in parallel across the verifier's threads. */
  boolean[] verifyAll(List<Request> requests);

  /**
   * Records a triple as valid without checking it. Only for signatures this node has just made
   * with its own key (its endorsements): checking them again at commit would verify, at full
   * price, a fact the node already knows. Verifiers without a cache ignore it.
   */
  default void remember(Request ownSignature) {}
}
