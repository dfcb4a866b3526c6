package org.openbcs.peer.policy;

import java.util.LinkedHashSet;
import java.util.Set;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ordering.channel.ChannelConfig;

/**
 * Builds endorsement policies from Fabric's text syntax, from the implicit channel policies and
 * from the {@code ApplicationPolicy} stored with a chaincode definition.
 */
public final class EndorsementPolicies {
  /** Fabric's reference to the channel's implicit MAJORITY Endorsement policy. */
  public static final String CHANNEL_ENDORSEMENT_REFERENCE = "/Channel/Application/Endorsement";

  /** The policy that governs {@code _lifecycle} writes; also MAJORITY in Fabric's defaults. */
  public static final String LIFECYCLE_ENDORSEMENT_REFERENCE = "/Channel/Application/LifecycleEndorsement";

  private EndorsementPolicies() {}

  /**
   * Parses {@code AND('Org1MSP.peer','Org2MSP.peer')}, {@code OR(...)}, {@code OutOf(2, ...)},
   * nested; roles member/peer/client/admin/orderer.
   *
   * @throws IllegalArgumentException naming the position of a syntax error
   */
  public static EndorsementPolicy parse(String expression, MspManager msps) {
    return parse(expression, msps::satisfies);
  }

  static EndorsementPolicy parse(String expression, PrincipalMatcher matcher) {
    return new SignatureEndorsementPolicy(SignaturePolicyParser.parse(expression), matcher);
  }

  /** More than half of {@code mspIds} each with a valid peer endorsement. */
  public static EndorsementPolicy majority(Set<String> mspIds, MspManager msps) {
    return new MajorityEndorsementPolicy(mspIds, msps::satisfies);
  }

  static EndorsementPolicy majority(Set<String> mspIds, PrincipalMatcher matcher) {
    return new MajorityEndorsementPolicy(mspIds, matcher);
  }

  /** MAJORITY over the channel's application organisations (the {@code _lifecycle} policy). */
  public static EndorsementPolicy channelMajority(ChannelConfig config, MspManager msps) {
    return majority(applicationMspIds(config), msps);
  }

  /**
   * The policy a chaincode definition carries: a signature policy, or a reference to the channel's
   * Endorsement / LifecycleEndorsement policy (both MAJORITY of the application organisations).
   */
  public static EndorsementPolicy fromApplicationPolicy(
      ApplicationPolicy policy, ChannelConfig config, MspManager msps) {
    return fromApplicationPolicy(policy, applicationMspIds(config), msps::satisfies);
  }

  static EndorsementPolicy fromApplicationPolicy(
      ApplicationPolicy policy, Set<String> applicationOrgs, PrincipalMatcher matcher) {
    return switch (policy.getTypeCase()) {
      case SIGNATURE_POLICY -> new SignatureEndorsementPolicy(policy.getSignaturePolicy(), matcher);
      case CHANNEL_CONFIG_POLICY_REFERENCE -> {
        String ref = policy.getChannelConfigPolicyReference();
        if (!ref.equals(CHANNEL_ENDORSEMENT_REFERENCE) && !ref.equals(LIFECYCLE_ENDORSEMENT_REFERENCE)) {
          throw new IllegalArgumentException(
              "unsupported channel config policy reference '" + ref + "', supported: "
                  + CHANNEL_ENDORSEMENT_REFERENCE + ", " + LIFECYCLE_ENDORSEMENT_REFERENCE);
        }
        yield new MajorityEndorsementPolicy(applicationOrgs, matcher);
      }
      case TYPE_NOT_SET -> throw new IllegalArgumentException("application policy has no type");
    };
  }

  /**
   * {@code "MAJORITY Endorsement"} becomes a reference to the channel's Endorsement policy; any
   * other text is parsed as a signature policy.
   */
  public static ApplicationPolicy toApplicationPolicy(String expression) {
    if (expression.strip().equalsIgnoreCase(MajorityEndorsementPolicy.EXPRESSION)) {
      return ApplicationPolicy.newBuilder()
          .setChannelConfigPolicyReference(CHANNEL_ENDORSEMENT_REFERENCE)
          .build();
    }
    return ApplicationPolicy.newBuilder().setSignaturePolicy(signaturePolicy(expression)).build();
  }

  /** The {@code SignaturePolicyEnvelope} of a text policy. */
  public static SignaturePolicyEnvelope signaturePolicy(String expression) {
    return SignaturePolicyParser.parse(expression);
  }

  /** Canonical Fabric text of a signature policy envelope. */
  public static String expressionOf(SignaturePolicyEnvelope envelope) {
    return SignaturePolicyText.of(envelope);
  }

  private static Set<String> applicationMspIds(ChannelConfig config) {
    Set<String> ids = new LinkedHashSet<>();
    for (ChannelConfig.OrgSpec org : config.applicationOrgs()) {
      ids.add(org.mspId());
    }
    return ids;
  }
}
