package org.openbcs.peer.policy;

import java.util.List;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;

/** Canonical text of a signature policy, in Fabric's syntax without spaces. */
final class SignaturePolicyText {
  private SignaturePolicyText() {}

  static String of(SignaturePolicyEnvelope envelope) {
    return of(envelope.getRule(), envelope.getIdentitiesList());
  }

  static String of(SignaturePolicy rule, List<MSPPrincipal> principals) {
    return switch (rule.getTypeCase()) {
      case SIGNED_BY -> "'" + Principals.text(principal(rule.getSignedBy(), principals)) + "'";
      case N_OUT_OF -> {
        SignaturePolicy.NOutOf nOutOf = rule.getNOutOf();
        String args =
            nOutOf.getRulesList().stream().map(r -> of(r, principals)).collect(Collectors.joining(","));
        int n = nOutOf.getN();
        int count = nOutOf.getRulesCount();
        if (n == count) {
          yield "AND(" + args + ")";
        } else if (n == 1) {
          yield "OR(" + args + ")";
        } else {
          yield "OutOf(" + n + "," + args + ")";
        }
      }
      case TYPE_NOT_SET -> throw new IllegalArgumentException("signature policy rule has no type");
    };
  }

  static MSPPrincipal principal(int index, List<MSPPrincipal> principals) {
    if (index < 0 || index >= principals.size()) {
      throw new IllegalArgumentException(
          "signed_by index " + index + " out of range, policy has " + principals.size() + " identities");
    }
    return principals.get(index);
  }
}
