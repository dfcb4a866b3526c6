package org.openbcs.peer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;
import org.junit.jupiter.api.Test;
import org.openbcs.common.Verdict;
import org.openbcs.identity.Identity;
import org.openbcs.identity.Role;

/**
 * Parser and evaluator with an identity-role matcher that mirrors MspManager's ROLE semantics (the
 * real MspManager is exercised in the committer tests).
 */
class EndorsementPoliciesTest {
  static final PrincipalMatcher ROLES =
      (id, principal) -> {
        MSPRole r = Principals.parseRole(principal);
        if (!r.getMspIdentifier().equals(id.mspId())) {
          return false;
        }
        return switch (r.getRole()) {
          case MEMBER -> true;
          case PEER -> id.hasRole(Role.PEER);
          case CLIENT -> id.hasRole(Role.CLIENT);
          case ADMIN -> id.hasRole(Role.ADMIN);
          case ORDERER -> id.hasRole(Role.ORDERER);
          case UNRECOGNIZED -> false;
        };
      };

  static Identity id(String msp, String name, Role role) {
    return new Identity(msp, null, (msp + "/" + name).getBytes(StandardCharsets.UTF_8), EnumSet.of(role));
  }

  static final Identity P1 = id("Org1MSP", "peer0", Role.PEER);
  static final Identity P1B = id("Org1MSP", "peer1", Role.PEER);
  static final Identity P2 = id("Org2MSP", "peer0", Role.PEER);
  static final Identity P3 = id("Org3MSP", "peer0", Role.PEER);
  static final Identity C1 = id("Org1MSP", "client", Role.CLIENT);
  static final Identity A2 = id("Org2MSP", "admin", Role.ADMIN);

  static Verdict eval(String expr, Identity... ids) {
    return EndorsementPolicies.parse(expr, ROLES).evaluate(List.of(ids));
  }

  @Test
  void andRequiresEveryOrg() {
    assertThat(eval("AND('Org1MSP.peer','Org2MSP.peer')", P1, P2).accepted()).isTrue();
    Verdict v = eval("AND('Org1MSP.peer','Org2MSP.peer')", P1);
    assertThat(v.accepted()).isFalse();
    assertThat(v.reason())
        .isEqualTo(
            "policy AND('Org1MSP.peer','Org2MSP.peer') not satisfied: no endorsement from Org2MSP.peer");
  }

  @Test
  void orAndCaseInsensitiveNamesAndSpacesAndDoubleQuotes() {
    assertThat(eval(" or ( \"Org1MSP.peer\" ,  'Org2MSP.peer' ) ", P2).accepted()).isTrue();
    assertThat(eval("Or('Org1MSP.peer','Org2MSP.peer')").accepted()).isFalse();
    assertThat(EndorsementPolicies.parse("or( 'A.peer' , 'B.member')", ROLES).expression())
        .isEqualTo("OR('A.peer','B.member')");
  }

  @Test
  void outOfCountsSatisfiedRules() {
    String expr = "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')";
    assertThat(eval(expr, P1, P3).accepted()).isTrue();
    assertThat(eval(expr, P2, P3).accepted()).isTrue();
    Verdict v = eval(expr, P2);
    assertThat(v.accepted()).isFalse();
    assertThat(v.reason()).contains("Org1MSP.peer", "Org3MSP.peer").doesNotContain("Org2MSP.peer,");
    assertThat(EndorsementPolicies.parse(expr, ROLES).expression())
        .isEqualTo("OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')");
  }

  @Test
  void nestedPolicies() {
    String expr = "OR(AND('Org1MSP.peer','Org2MSP.peer'), AND('Org3MSP.peer', OutOf(1,'Org2MSP.admin')))";
    assertThat(eval(expr, P1, P2).accepted()).isTrue();
    assertThat(eval(expr, P3, A2).accepted()).isTrue();
    assertThat(eval(expr, P3, P2).accepted()).isFalse();
    assertThat(EndorsementPolicies.parse(expr, ROLES).organizations())
        .containsExactly("Org1MSP", "Org2MSP", "Org3MSP");
  }

  @Test
  void oneIdentityCannotSatisfyTwoPrincipals() {
    // A peer is also a member, but one signature counts once (Fabric's "used" marking).
    assertThat(eval("AND('Org1MSP.peer','Org1MSP.member')", P1).accepted()).isFalse();
    assertThat(eval("AND('Org1MSP.peer','Org1MSP.member')", P1, P1B).accepted()).isTrue();
    assertThat(eval("AND('Org1MSP.peer','Org1MSP.peer')", P1, P1).accepted())
        .as("the same identity twice is deduplicated")
        .isFalse();
    assertThat(eval("OutOf(2,'Org1MSP.member','Org1MSP.member')", P1, C1).accepted()).isTrue();
  }

  @Test
  void roleMismatchIsRejected() {
    assertThat(eval("OR('Org1MSP.peer')", C1).accepted()).isFalse();
    assertThat(eval("OR('Org1MSP.member')", C1).accepted()).isTrue();
    assertThat(eval("OR('Org2MSP.admin')", P2).accepted()).isFalse();
    assertThat(eval("OR('Org2MSP.peer')", P1).reason()).contains("no endorsement from Org2MSP.peer");
  }

  @Test
  void syntaxErrorsNamePosition() {
    assertThatThrownBy(() -> EndorsementPolicies.parse("AND('A.peer' 'B.peer')", ROLES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected ')' at position 13");
    assertThatThrownBy(() -> EndorsementPolicies.parse("XOR('A.peer')", ROLES))
        .hasMessageContaining("unknown function 'XOR'")
        .hasMessageContaining("position 0");
    assertThatThrownBy(() -> EndorsementPolicies.parse("AND('A.boss')", ROLES))
        .hasMessageContaining("unknown role 'boss'")
        .hasMessageContaining("position 7");
    assertThatThrownBy(() -> EndorsementPolicies.parse("OR('A.peer'", ROLES))
        .hasMessageContaining("found end of input");
    assertThatThrownBy(() -> EndorsementPolicies.parse("OutOf(3,'A.peer','B.peer')", ROLES))
        .hasMessageContaining("OutOf needs 1 <= n <= 2");
    assertThatThrownBy(() -> EndorsementPolicies.parse("OR('Apeer')", ROLES))
        .hasMessageContaining("not of the form 'MSPID.role'");
    assertThatThrownBy(() -> EndorsementPolicies.parse("OR('A.peer') x", ROLES))
        .hasMessageContaining("unexpected trailing input at position 13");
    assertThatThrownBy(() -> EndorsementPolicies.parse("  ", ROLES)).hasMessageContaining("empty");
    assertThatThrownBy(() -> EndorsementPolicies.parse("OR('A.peer\")", ROLES))
        .hasMessageContaining("unterminated");
  }

  @Test
  void signaturePolicyProtoRoundTrip() {
    String expr = "OutOf(2,'Org1MSP.peer',AND('Org2MSP.peer','Org2MSP.admin'),'Org3MSP.client')";
    SignaturePolicyEnvelope env = EndorsementPolicies.signaturePolicy(expr);
    assertThat(env.getIdentitiesCount()).isEqualTo(4);
    assertThat(env.getRule().getNOutOf().getN()).isEqualTo(2);
    assertThat(EndorsementPolicies.expressionOf(env)).isEqualTo(expr);

    ApplicationPolicy ap = EndorsementPolicies.toApplicationPolicy(expr);
    assertThat(ap.getSignaturePolicy()).isEqualTo(env);
    EndorsementPolicy back = EndorsementPolicies.fromApplicationPolicy(ap, Set.of("Org1MSP"), ROLES);
    assertThat(back.expression()).isEqualTo(expr);
    assertThat(back.evaluate(List.of(P1, P3)).accepted()).isFalse();
  }

  @Test
  void fabricBuiltEnvelopeIsEvaluated() {
    // As Fabric's policydsl emits it: one identity per principal occurrence, signed_by indexes.
    MSPPrincipal org1 = Principals.role("Org1MSP", MSPRole.MSPRoleType.PEER);
    MSPPrincipal org2 = Principals.role("Org2MSP", MSPRole.MSPRoleType.PEER);
    SignaturePolicyEnvelope env =
        SignaturePolicyEnvelope.newBuilder()
            .addIdentities(org1)
            .addIdentities(org2)
            .setRule(
                SignaturePolicy.newBuilder()
                    .setNOutOf(
                        SignaturePolicy.NOutOf.newBuilder()
                            .setN(2)
                            .addRules(SignaturePolicy.newBuilder().setSignedBy(0))
                            .addRules(SignaturePolicy.newBuilder().setSignedBy(1))))
            .build();
    EndorsementPolicy p =
        EndorsementPolicies.fromApplicationPolicy(
            ApplicationPolicy.newBuilder().setSignaturePolicy(env).build(), Set.of(), ROLES);
    assertThat(p.expression()).isEqualTo("AND('Org1MSP.peer','Org2MSP.peer')");
    assertThat(p.evaluate(List.of(P2, P1)).accepted()).isTrue();

    SignaturePolicyEnvelope bad =
        env.toBuilder().setRule(SignaturePolicy.newBuilder().setSignedBy(5)).build();
    assertThatThrownBy(
            () ->
                EndorsementPolicies.fromApplicationPolicy(
                    ApplicationPolicy.newBuilder().setSignaturePolicy(bad).build(), Set.of(), ROLES))
        .hasMessageContaining("signed_by index 5 out of range");
  }

  @Test
  void majorityWithTwoOrgsNeedsBoth() {
    EndorsementPolicy m = EndorsementPolicies.majority(Set.of("Org1MSP", "Org2MSP"), ROLES);
    assertThat(m.expression()).isEqualTo("MAJORITY Endorsement");
    assertThat(m.evaluate(List.of(P1, P2)).accepted()).isTrue();
    Verdict v = m.evaluate(List.of(P1, P1B));
    assertThat(v.accepted()).isFalse();
    assertThat(v.reason()).contains("1 of 2 organisations endorsed, 2 required", "Org2MSP.peer");
    assertThat(m.evaluate(List.of(P1, A2)).accepted()).as("admin is not a peer").isFalse();
  }

  @Test
  void majorityWithThreeOrgsNeedsTwo() {
    EndorsementPolicy m = EndorsementPolicies.majority(Set.of("Org1MSP", "Org2MSP", "Org3MSP"), ROLES);
    assertThat(m.evaluate(List.of(P1, P3)).accepted()).isTrue();
    assertThat(m.evaluate(List.of(P2)).accepted()).isFalse();
    assertThat(m.organizations()).containsExactly("Org1MSP", "Org2MSP", "Org3MSP");
  }

  @Test
  void majorityApplicationPolicyRoundTrip() {
    ApplicationPolicy ap = EndorsementPolicies.toApplicationPolicy("MAJORITY Endorsement");
    assertThat(ap.getChannelConfigPolicyReference()).isEqualTo("/Channel/Application/Endorsement");
    EndorsementPolicy p =
        EndorsementPolicies.fromApplicationPolicy(ap, Set.of("Org1MSP", "Org2MSP", "Org3MSP"), ROLES);
    assertThat(p.expression()).isEqualTo("MAJORITY Endorsement");
    assertThat(p.evaluate(List.of(P2, P3)).accepted()).isTrue();
    assertThatThrownBy(
            () ->
                EndorsementPolicies.fromApplicationPolicy(
                    ApplicationPolicy.newBuilder().setChannelConfigPolicyReference("/Channel/Foo").build(),
                    Set.of("Org1MSP"),
                    ROLES))
        .hasMessageContaining("unsupported channel config policy reference '/Channel/Foo'");
  }
}
