package org.openbcs.peer.policy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.openbcs.common.Verdict;
import org.openbcs.identity.Identity;

/**
 * A Fabric signature policy evaluated with Fabric's cauthdsl semantics: every {@code signed_by}
 * leaf consumes a distinct identity (an identity that satisfied one principal cannot satisfy
 * another), and an {@code n_out_of} keeps the identities consumed by a child only if that child
 * was satisfied. Greedy, in identity order, exactly as Fabric does, so both sides agree.
 */
final class SignatureEndorsementPolicy implements EndorsementPolicy {
  private sealed interface Rule {}

  private record SignedBy(MSPPrincipal principal, String text) implements Rule {}

  private record NOutOf(int n, List<Rule> rules) implements Rule {}

  private final SignaturePolicyEnvelope envelope;
  private final Rule root;
  private final String expression;
  private final Set<String> organizations;
  private final PrincipalMatcher matcher;

  SignatureEndorsementPolicy(SignaturePolicyEnvelope envelope, PrincipalMatcher matcher) {
    this.envelope = envelope;
    this.matcher = matcher;
    this.expression = SignaturePolicyText.of(envelope); // validates indexes and principals
    this.root = compile(envelope.getRule(), envelope.getIdentitiesList());
    Set<String> orgs = new LinkedHashSet<>();
    for (MSPPrincipal p : envelope.getIdentitiesList()) {
      orgs.add(Principals.parseRole(p).getMspIdentifier());
    }
    this.organizations = Collections.unmodifiableSet(orgs);
  }

  SignaturePolicyEnvelope envelope() {
    return envelope;
  }

  @Override
  public Verdict evaluate(List<Identity> endorsers) {
    List<Identity> distinct = distinct(endorsers);
    List<String> missing = new ArrayList<>();
    boolean ok = eval(root, distinct, new boolean[distinct.size()], missing);
    if (ok) {
      return Verdict.accept();
    }
    return Verdict.reject(
        "policy %s not satisfied: no endorsement from %s",
        expression, String.join(", ", new LinkedHashSet<>(missing)));
  }

  @Override
  public Set<String> organizations() {
    return organizations;
  }

  @Override
  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression;
  }

  private boolean eval(Rule rule, List<Identity> ids, boolean[] used, List<String> missing) {
    return switch (rule) {
      case SignedBy s -> {
        for (int i = 0; i < ids.size(); i++) {
          if (!used[i] && matcher.satisfies(ids.get(i), s.principal())) {
            used[i] = true;
            yield true;
          }
        }
        missing.add(s.text());
        yield false;
      }
      case NOutOf n -> {
        int satisfied = 0;
        List<String> childMissing = new ArrayList<>();
        for (Rule child : n.rules()) {
          boolean[] tentative = used.clone();
          if (eval(child, ids, tentative, childMissing)) {
            satisfied++;
            System.arraycopy(tentative, 0, used, 0, used.length);
          }
        }
        boolean ok = satisfied >= n.n();
        if (!ok) {
          missing.addAll(childMissing);
        }
        yield ok;
      }
    };
  }

  private static Rule compile(SignaturePolicy rule, List<MSPPrincipal> principals) {
    return switch (rule.getTypeCase()) {
      case SIGNED_BY -> {
        MSPPrincipal p = SignaturePolicyText.principal(rule.getSignedBy(), principals);
        yield new SignedBy(p, Principals.text(p));
      }
      case N_OUT_OF -> {
        List<Rule> children = new ArrayList<>();
        for (SignaturePolicy child : rule.getNOutOf().getRulesList()) {
          children.add(compile(child, principals));
        }
        int n = rule.getNOutOf().getN();
        if (n < 0) {
          throw new IllegalArgumentException("n_out_of with negative n " + n);
        }
        yield new NOutOf(n, List.copyOf(children));
      }
      case TYPE_NOT_SET -> throw new IllegalArgumentException("signature policy rule has no type");
    };
  }

  /** Fabric deduplicates signers by identity before evaluating; one certificate counts once. */
  private static List<Identity> distinct(List<Identity> endorsers) {
    Set<ByteBuffer> seen = new HashSet<>();
    List<Identity> out = new ArrayList<>(endorsers.size());
    for (Identity id : endorsers) {
      if (seen.add(ByteBuffer.wrap(id.serialized()))) {
        out.add(id);
      }
    }
    return out;
  }
}
