package org.openbcs.ordering.server;

import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.MSPRole.MSPRoleType;
import org.hyperledger.fabric.protos.common.Status;
import org.openbcs.identity.Identity;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ordering.channel.ChannelConfig;

/**
 * The channel's /Channel/Readers and /Channel/Writers policies as the genesis config defines them
 * (ANY org's Readers/Writers): readers are application admins, peers and clients plus orderer-org
 * members; writers are application admins and clients plus orderer-org members.
 */
final class ChannelAccess {
  private final MspManager msps;
  private final List<MSPPrincipal> readers;
  private final List<MSPPrincipal> writers;

  ChannelAccess(ChannelConfig config, MspManager msps) {
    this.msps = msps;
    List<MSPPrincipal> r = new ArrayList<>();
    List<MSPPrincipal> w = new ArrayList<>();
    for (ChannelConfig.OrgSpec org : config.applicationOrgs()) {
      r.add(role(org.mspId(), MSPRoleType.ADMIN));
      r.add(role(org.mspId(), MSPRoleType.PEER));
      r.add(role(org.mspId(), MSPRoleType.CLIENT));
      w.add(role(org.mspId(), MSPRoleType.ADMIN));
      w.add(role(org.mspId(), MSPRoleType.CLIENT));
    }
    for (ChannelConfig.OrgSpec org : config.ordererOrgs()) {
      r.add(role(org.mspId(), MSPRoleType.MEMBER));
      w.add(role(org.mspId(), MSPRoleType.MEMBER));
    }
    this.readers = List.copyOf(r);
    this.writers = List.copyOf(w);
  }

  void requireReader(Identity identity) {
    require(identity, readers, "Readers");
  }

  void requireWriter(Identity identity) {
    require(identity, writers, "Writers");
  }

  private void require(Identity identity, List<MSPPrincipal> principals, String policy) {
    for (MSPPrincipal p : principals) {
      if (msps.satisfies(identity, p)) {
        return;
      }
    }
    throw new RequestException(
        Status.FORBIDDEN,
        "implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the '"
            + policy + "' sub-policies to be satisfied (creator of MSP " + identity.mspId()
            + " with roles " + identity.roles() + ")");
  }

  private static MSPPrincipal role(String mspId, MSPRoleType type) {
    return MSPPrincipal.newBuilder()
        .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
        .setPrincipal(MSPRole.newBuilder().setMspIdentifier(mspId).setRole(type).build().toByteString())
        .build();
  }
}
