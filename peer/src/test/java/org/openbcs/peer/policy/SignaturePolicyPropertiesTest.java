package org.openbcs.peer.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.openbcs.identity.Identity;
import org.openbcs.identity.Role;

/** Random policy trees: canonical text is a fixed point, and AND/OR mean what they say. */
class SignaturePolicyPropertiesTest {
  static final List<String> ORGS = List.of("Org1MSP", "Org2MSP", "Org3MSP", "Org4MSP");
  static final List<String> ROLES = List.of("member", "peer", "client", "admin");

  @Provide
  Arbitrary<String> policies() {
    return tree(3);
  }

  private Arbitrary<String> tree(int depth) {
    Arbitrary<String> leaf =
        Arbitraries.of(ORGS).flatMap(o -> Arbitraries.of(ROLES).map(r -> "'" + o + "." + r + "'"));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<List<String>> children = tree(depth - 1).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<String> node =
        children.flatMap(
            kids ->
                Arbitraries.integers()
                    .between(1, kids.size())
                    .map(n -> n == kids.size() ? "AND(" + String.join(",", kids) + ")"
                        : n == 1 ? "OR(" + String.join(",", kids) + ")"
                        : "OutOf(" + n + "," + String.join(",", kids) + ")"));
    return Arbitraries.oneOf(leaf, node, node);
  }

  @Property(tries = 200)
  void canonicalTextIsAFixedPointOfParseAndPrint(@ForAll("policies") String text) {
    String canonical = EndorsementPolicies.expressionOf(EndorsementPolicies.signaturePolicy(text));
    assertThat(EndorsementPolicies.expressionOf(EndorsementPolicies.signaturePolicy(canonical)))
        .isEqualTo(canonical);
    assertThat(EndorsementPolicies.signaturePolicy(canonical))
        .isEqualTo(EndorsementPolicies.signaturePolicy(text));
  }

  @Property(tries = 100)
  void andOfDistinctOrgPeersNeedsEveryOne(@ForAll("orgSubsets") List<String> present) {
    String and = "AND(" + String.join(",", ORGS.stream().map(o -> "'" + o + ".peer'").toList()) + ")";
    String or = "OR(" + String.join(",", ORGS.stream().map(o -> "'" + o + ".peer'").toList()) + ")";
    List<Identity> ids = new ArrayList<>();
    for (String org : present) {
      ids.add(EndorsementPoliciesTest.id(org, "peer0", Role.PEER));
    }
    assertThat(EndorsementPolicies.parse(and, EndorsementPoliciesTest.ROLES).evaluate(ids).accepted())
        .isEqualTo(present.size() == ORGS.size());
    assertThat(EndorsementPolicies.parse(or, EndorsementPoliciesTest.ROLES).evaluate(ids).accepted())
        .isEqualTo(!present.isEmpty());
  }

  @Provide
  Arbitrary<List<String>> orgSubsets() {
    return Arbitraries.of(ORGS).set().map(s -> List.copyOf(s));
  }
}
