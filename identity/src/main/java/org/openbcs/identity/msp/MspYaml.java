package org.openbcs.identity.msp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML subset of Fabric's MSP {@code config.yaml}: nested block mappings, block sequences ("-
 * key: value" items), plain or quoted scalars and comments. Flow style, anchors and multi-line
 * scalars are not part of that file and are rejected rather than misread.
 */
public final class MspYaml {
  private record Line(int number, int indent, String text) {}

  private final List<Line> lines;
  private int pos;

  private MspYaml(List<Line> lines) {
    this.lines = lines;
  }

  /**
   * Parses {@code text}: values are {@code String}, {@code Map<String,Object>} or {@code
   * List<Object>}.
   */
  public static Map<String, Object> parse(String text) {
    List<Line> lines = new ArrayList<>();
    String[] raw = text.split("\r?\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String s = stripComment(raw[i]);
      if (s.isBlank() || s.strip().equals("---")) {
        continue;
      }
      int indent = s.length() - s.stripLeading().length();
      if (s.substring(0, indent).indexOf('\t') >= 0) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": tabs are not allowed for indentation");
      }
      lines.add(new Line(i + 1, indent, s.strip()));
    }
    if (lines.isEmpty()) {
      return new LinkedHashMap<>();
    }
    MspYaml p = new MspYaml(lines);
    Object root = p.block(lines.get(0).indent());
    if (p.pos < lines.size()) {
      Line l = lines.get(p.pos);
      throw new IllegalArgumentException("line " + l.number() + ": unexpected indentation");
    }
    if (!(root instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("the document must be a mapping");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) root;
    return map;
  }

  private Object block(int indent) {
    Line l = lines.get(pos);
    return isItem(l.text()) ? sequence(indent) : mapping(indent);
  }

  private Map<String, Object> mapping(int indent) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (pos < lines.size()) {
      Line l = lines.get(pos);
      if (l.indent() < indent || (l.indent() == indent && isItem(l.text()))) {
        break;
      }
      if (l.indent() > indent) {
        throw new IllegalArgumentException("line " + l.number() + ": unexpected indentation");
      }
      int colon = keyEnd(l.text());
      if (colon < 0) {
        throw new IllegalArgumentException("line " + l.number() + ": expected 'key: value'");
      }
      String key = unquote(l.text().substring(0, colon).strip());
      String rest = l.text().substring(colon + 1).strip();
      pos++;
      Object value;
      if (!rest.isEmpty()) {
        value = scalar(rest, l.number());
      } else if (pos < lines.size() && lines.get(pos).indent() > indent) {
        value = block(lines.get(pos).indent());
      } else if (pos < lines.size()
          && lines.get(pos).indent() == indent
          && isItem(lines.get(pos).text())) {
        value = sequence(indent);
      } else {
        value = "";
      }
      if (map.put(key, value) != null) {
        throw new IllegalArgumentException("line " + l.number() + ": duplicate key '" + key + "'");
      }
    }
    return map;
  }

  private List<Object> sequence(int indent) {
    List<Object> list = new ArrayList<>();
    while (pos < lines.size()) {
      Line l = lines.get(pos);
      if (l.indent() != indent || !isItem(l.text())) {
        break;
      }
      String content = l.text().substring(1).strip();
      if (content.isEmpty()) {
        pos++;
        list.add(
            pos < lines.size() && lines.get(pos).indent() > indent
                ? block(lines.get(pos).indent())
                : "");
      } else if (keyEnd(content) >= 0) {
        // "- key: value" opens a mapping whose keys line up with the text after the dash.
        int contentIndent = indent + (l.text().length() - content.length());
        lines.set(pos, new Line(l.number(), contentIndent, content));
        list.add(mapping(contentIndent));
      } else {
        pos++;
        list.add(scalar(content, l.number()));
      }
    }
    return list;
  }

  private static boolean isItem(String text) {
    return text.equals("-") || text.startsWith("- ");
  }

  /** Index of the colon that ends a key, or -1 when the text is not "key:" or "key: value". */
  private static int keyEnd(String text) {
    char first = text.charAt(0);
    int from = 0;
    if (first == '"' || first == '\'') {
      int close = text.indexOf(first, 1);
      if (close < 0) {
        return -1;
      }
      from = close + 1;
    }
    for (int i = from; i < text.length(); i++) {
      if (text.charAt(i) == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }

  private static String scalar(String text, int line) {
    char c = text.charAt(0);
    if (c == '{' || c == '[' || c == '&' || c == '*' || c == '|' || c == '>') {
      throw new IllegalArgumentException(
          "line " + line + ": unsupported YAML construct '" + text + "' in MSP config.yaml");
    }
    return unquote(text);
  }

  private static String unquote(String s) {
    if (s.length() >= 2
        && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private static String stripComment(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  /**
   * Fabric's {@code config.yaml} enabling NodeOUs, every role certified by {@code caCertPath}
   * (relative to the MSP directory, e.g. {@code cacerts/ca.org1.example.com-cert.pem}).
   */
  public static String nodeOusConfig(String caCertPath) {
    StringBuilder b = new StringBuilder("NodeOUs:\n  Enable: true\n");
    for (String[] ou :
        new String[][] {
          {"ClientOUIdentifier", "client"},
          {"PeerOUIdentifier", "peer"},
          {"AdminOUIdentifier", "admin"},
          {"OrdererOUIdentifier", "orderer"}
        }) {
      b.append("  ").append(ou[0]).append(":\n");
      b.append("    Certificate: ").append(caCertPath).append('\n');
      b.append("    OrganizationalUnitIdentifier: ").append(ou[1]).append('\n');
    }
    return b.toString();
  }
}
