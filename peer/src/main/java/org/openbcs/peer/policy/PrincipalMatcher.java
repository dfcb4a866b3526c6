package org.openbcs.peer.policy;

import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.openbcs.identity.Identity;

/**
 * Decides whether an identity satisfies a policy principal. In production this is {@code
 * MspManager::satisfies}; keeping it a seam lets the evaluator be tested on its own.
 */
@FunctionalInterface
interface PrincipalMatcher {
  boolean satisfies(Identity identity, MSPPrincipal principal);
}
