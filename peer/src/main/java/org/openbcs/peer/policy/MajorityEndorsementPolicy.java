package org.openbcs.peer.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.openbcs.common.Verdict;
import org.openbcs.identity.Identity;

/**
 * The channel's implicit {@code MAJORITY Endorsement}: more than half of the application
 * organisations each endorsed with a valid peer identity (each org's own Endorsement policy is
 * Fabric's default {@code OR('OrgX.peer')}).
 */
final class MajorityEndorsementPolicy implements EndorsementPolicy {
  static final String EXPRESSION = "MAJORITY Endorsement";

  private final Set<String> mspIds;
  private final PrincipalMatcher matcher;
  private final Map<String, MSPPrincipal> peerPrincipals;

  MajorityEndorsementPolicy(Set<String> mspIds, PrincipalMatcher matcher) {
    if (mspIds.isEmpty()) {
      throw new IllegalArgumentException("MAJORITY Endorsement needs at least one application organisation");
    }
    this.mspIds = Collections.unmodifiableSet(new TreeSet<>(mspIds));
    this.matcher = matcher;
    // Built once: evaluate() runs at least twice per transaction on the gateway's hot path, and
    // building each principal serialises an MSPRole.
    Map<String, MSPPrincipal> principals = new LinkedHashMap<>();
    for (String mspId : this.mspIds) {
      principals.put(mspId, Principals.role(mspId, MSPRole.MSPRoleType.PEER));
    }
    this.peerPrincipals = Collections.unmodifiableMap(principals);
  }

  int required() {
    return mspIds.size() / 2 + 1;
  }

  @Override
  public Verdict evaluate(List<Identity> endorsers) {
    List<String> missing = new ArrayList<>();
    int endorsed = 0;
    for (Map.Entry<String, MSPPrincipal> entry : peerPrincipals.entrySet()) {
      String mspId = entry.getKey();
      MSPPrincipal peer = entry.getValue();
      if (endorsers.stream().anyMatch(id -> matcher.satisfies(id, peer))) {
        endorsed++;
      } else {
        missing.add(mspId + ".peer");
      }
    }
    if (endorsed >= required()) {
      return Verdict.accept();
    }
    // Concatenation, not String.format: the gateway asks "does this peer alone satisfy it?" for
    // every transaction, so the rejection is the common answer, not an error path.
    return Verdict.reject(
        "policy " + EXPRESSION + " not satisfied: " + endorsed + " of " + mspIds.size()
            + " organisations endorsed, " + required() + " required; no endorsement from "
            + String.join(", ", missing));
  }

  @Override
  public Set<String> organizations() {
    return mspIds;
  }

  @Override
  public String expression() {
    return EXPRESSION;
  }

  @Override
  public String toString() {
    return EXPRESSION + " over " + mspIds;
  }
}
