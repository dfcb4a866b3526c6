package org.openbcs.peer.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;

/**
 * Recursive-descent parser for Fabric's signature-policy text ({@code AND}, {@code OR}, {@code
 * OutOf(n, ...)} over {@code 'MSPID.role'} principals, nested). Function names are
 * case-insensitive as in Fabric's policydsl; principals may use single or double quotes. Errors
 * carry the 0-based position of the offending character so a CLI user can find it.
 */
final class SignaturePolicyParser {
  /** Guards the recursion against hostile input ({@code AND(AND(AND(...}). */
  static final int MAX_NESTING_DEPTH = 64;

  private final String text;
  private int pos;
  private final Map<MSPPrincipal, Integer> principals = new LinkedHashMap<>();

  private SignaturePolicyParser(String text) {
    this.text = text;
  }

  static SignaturePolicyEnvelope parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("invalid endorsement policy: expression is empty");
    }
    SignaturePolicyParser p = new SignaturePolicyParser(text);
    p.skipSpaces();
    SignaturePolicy rule = p.node(0);
    p.skipSpaces();
    if (p.pos != text.length()) {
      throw p.error("unexpected trailing input");
    }
    return SignaturePolicyEnvelope.newBuilder()
        .setVersion(0)
        .setRule(rule)
        .addAllIdentities(p.principals.keySet())
        .build();
  }

  private SignaturePolicy node(int depth) {
    if (depth > MAX_NESTING_DEPTH) {
      throw error("policy nested deeper than " + MAX_NESTING_DEPTH + " levels");
    }
    if (pos >= text.length()) {
      throw error("expected a principal such as 'Org1MSP.peer' or AND/OR/OutOf");
    }
    char c = text.charAt(pos);
    if (c == '\'' || c == '"') {
      return principal();
    }
    if (Character.isLetter(c)) {
      return call(depth);
    }
    throw error("expected a principal such as 'Org1MSP.peer' or AND/OR/OutOf");
  }

  private SignaturePolicy call(int depth) {
    int start = pos;
    while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
      pos++;
    }
    String name = text.substring(start, pos);
    String fn = name.toLowerCase(Locale.ROOT);
    if (!fn.equals("and") && !fn.equals("or") && !fn.equals("outof")) {
      pos = start;
      throw error("unknown function '" + name + "', expected AND, OR or OutOf");
    }
    skipSpaces();
    expect('(');
    skipSpaces();
    int n = -1;
    int nPos = pos;
    if (fn.equals("outof")) {
      n = integer();
      skipSpaces();
      expect(',');
      skipSpaces();
    }
    List<SignaturePolicy> rules = new ArrayList<>();
    rules.add(node(depth + 1));
    skipSpaces();
    while (pos < text.length() && text.charAt(pos) == ',') {
      pos++;
      skipSpaces();
      rules.add(node(depth + 1));
      skipSpaces();
    }
    expect(')');
    int required =
        switch (fn) {
          case "and" -> rules.size();
          case "or" -> 1;
          default -> n;
        };
    if (fn.equals("outof") && (n < 1 || n > rules.size())) {
      int end = pos;
      pos = nPos;
      IllegalArgumentException e =
          error("OutOf needs 1 <= n <= " + rules.size() + " (the number of rules), got " + n);
      pos = end;
      throw e;
    }
    return SignaturePolicy.newBuilder()
        .setNOutOf(SignaturePolicy.NOutOf.newBuilder().setN(required).addAllRules(rules))
        .build();
  }

  private SignaturePolicy principal() {
    int start = pos;
    char quote = text.charAt(pos++);
    int close = text.indexOf(quote, pos);
    if (close < 0) {
      pos = start;
      throw error("unterminated principal, missing closing " + quote);
    }
    String body = text.substring(pos, close);
    int dot = body.lastIndexOf('.');
    if (dot <= 0 || dot == body.length() - 1) {
      throw error("principal '" + body + "' is not of the form 'MSPID.role'");
    }
    String mspId = body.substring(0, dot);
    for (int i = 0; i < mspId.length(); i++) {
      char ch = mspId.charAt(i);
      if (!(Character.isLetterOrDigit(ch) || ch == '.' || ch == '-' || ch == '_')) {
        pos += i;
        throw error("invalid character '" + ch + "' in MSP id '" + mspId + "'");
      }
    }
    MSPRole.MSPRoleType role = Principals.roleNamed(body.substring(dot + 1));
    if (role == null) {
      pos += dot + 1;
      throw error(
          "unknown role '" + body.substring(dot + 1) + "', expected member, admin, client, peer or orderer");
    }
    pos = close + 1;
    MSPPrincipal principal = Principals.role(mspId, role);
    int index = principals.computeIfAbsent(principal, k -> principals.size());
    return SignaturePolicy.newBuilder().setSignedBy(index).build();
  }

  private int integer() {
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw error("OutOf expects a number as its first argument");
    }
    try {
      return Integer.parseInt(text.substring(start, pos));
    } catch (NumberFormatException e) {
      pos = start;
      throw error("number too large");
    }
  }

  private void expect(char c) {
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String what) {
    String found = pos >= text.length() ? "end of input" : "'" + text.charAt(pos) + "'";
    return new IllegalArgumentException(
        "invalid endorsement policy \"" + text + "\": " + what + " at position " + pos
            + " (found " + found + ")");
  }
}
