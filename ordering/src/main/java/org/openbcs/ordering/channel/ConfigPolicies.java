package org.openbcs.ordering.channel;

import java.util.List;
import org.hyperledger.fabric.protos.common.ConfigPolicy;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;

/** Builds the policies Fabric's configtxgen writes for a channel (test-network profile). */
final class ConfigPolicies {
  private ConfigPolicies() {}

  /** {@code OR('msp.role1', 'msp.role2', ...)} as a signature policy. */
  static ConfigPolicy anyOf(String mspId, List<MSPRole.MSPRoleType> roles) {
    SignaturePolicy.NOutOf.Builder anyOne = SignaturePolicy.NOutOf.newBuilder().setN(1);
    SignaturePolicyEnvelope.Builder env = SignaturePolicyEnvelope.newBuilder().setVersion(0);
    for (int i = 0; i < roles.size(); i++) {
      anyOne.addRules(SignaturePolicy.newBuilder().setSignedBy(i));
      env.addIdentities(
          MSPPrincipal.newBuilder()
              .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
              .setPrincipal(
                  MSPRole.newBuilder().setMspIdentifier(mspId).setRole(roles.get(i)).build()
                      .toByteString()));
    }
    env.setRule(SignaturePolicy.newBuilder().setNOutOf(anyOne));
    return wrap(Policy.PolicyType.SIGNATURE, env.build().toByteString());
  }

  static ConfigPolicy implicitMeta(ImplicitMetaPolicy.Rule rule, String subPolicy) {
    return wrap(
        Policy.PolicyType.IMPLICIT_META,
        ImplicitMetaPolicy.newBuilder().setRule(rule).setSubPolicy(subPolicy).build()
            .toByteString());
  }

  private static ConfigPolicy wrap(Policy.PolicyType type, com.google.protobuf.ByteString value) {
    return ConfigPolicy.newBuilder()
        .setModPolicy(ConfigKeys.ADMINS)
        .setPolicy(Policy.newBuilder().setType(type.getNumber()).setValue(value))
        .build();
  }
}
