package org.openbcs.peer.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

  MajorityEndorsementPolicy(Set<String> mspIds, PrincipalMatcher matcher) {
    if (mspIds.isEmpty()) {
      throw new IllegalArgumentException("MAJORITY Endorsement needs at least one application organisation");
    }
    this.mspIds = Collections.unmodifiableSet(new TreeSet<>(mspIds));
    this.matcher = matcher;
  }

  int required() {
    return mspIds.size() / 2 + 1;
  }

  @Override
  public Verdict evaluate(List<Identity> endorsers) {
    List<String> missing = new ArrayList<>();
    int endorsed = 0;
    for (String mspId : mspIds) {
      MSPPrincipal peer = Principals.role(mspId, MSPRole.MSPRoleType.PEER);
      if (endorsers.stream().anyMatch(id -> matcher.satisfies(id, peer))) {
        endorsed++;
      } else {
        missing.add(mspId + ".peer");
      }
    }
    if (endorsed >= required()) {
      return Verdict.accept();
    }
    return Verdict.reject(
        "policy %s not satisfied: %d of %d organisations endorsed, %d required; no endorsement from %s",
        EXPRESSION, endorsed, mspIds.size(), required(), String.join(", ", missing));
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
