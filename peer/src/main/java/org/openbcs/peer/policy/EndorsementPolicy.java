package org.openbcs.peer.policy;

import java.util.List;
import java.util.Set;
import org.openbcs.common.Verdict;
import org.openbcs.identity.Identity;

/**
 * A chaincode's endorsement policy: a Fabric signature policy ({@code AND('Org1MSP.peer',
 * 'Org2MSP.peer')}, {@code OR(...)}, {@code OutOf(n, ...)}) or the channel's implicit {@code
 * MAJORITY Endorsement}. Built by {@code EndorsementPolicies}.
 */
public interface EndorsementPolicy {
  /**
   * Whether the endorsers (already signature-checked, deduplicated by identity) satisfy the policy;
   * a rejection says what is missing.
   */
  Verdict evaluate(List<Identity> endorsers);

  /** The MSP ids the policy names; the gateway plans endorsement over these organisations. */
  Set<String> organizations();

  /** The policy in Fabric's text syntax, for display and for the lifecycle record. */
  String expression();
}
