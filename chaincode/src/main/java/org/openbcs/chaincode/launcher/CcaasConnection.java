package org.openbcs.chaincode.launcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how the peer dials a chaincode running as a service: Fabric's {@code connection.json}
 * of a "ccaas" package. {@code rootCert} (PEM) verifies the server when {@code tlsRequired};
 * {@code clientCert}/{@code clientKey} (PEM) are presented when {@code clientAuthRequired}. PEM
 * fields are empty strings when unused.
 */
public record CcaasConnection(
    String host,
    int port,
    Duration dialTimeout,
    boolean tlsRequired,
    boolean clientAuthRequired,
    String rootCert,
    String clientCert,
    String clientKey) {

  /** Fabric's default when connection.json has no dial_timeout. */
  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  public CcaasConnection {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("chaincode server address has no host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("chaincode server port " + port + " is out of range");
    }
    if (dialTimeout == null || dialTimeout.isNegative() || dialTimeout.isZero()) {
      throw new IllegalArgumentException("dial_timeout must be positive, got " + dialTimeout);
    }
    rootCert = rootCert == null ? "" : rootCert;
    clientCert = clientCert == null ? "" : clientCert;
    clientKey = clientKey == null ? "" : clientKey;
    if (tlsRequired && rootCert.isBlank()) {
      throw new IllegalArgumentException("tls_required needs root_cert (PEM of the CA that issued the chaincode server's certificate)");
    }
    if (clientAuthRequired && !tlsRequired) {
      throw new IllegalArgumentException("client_auth_required needs tls_required");
    }
    if (clientAuthRequired && (clientCert.isBlank() || clientKey.isBlank())) {
      throw new IllegalArgumentException("client_auth_required needs client_cert and client_key (PEM)");
    }
  }

  public static CcaasConnection plaintext(String address) {
    HostPort hp = HostPort.parse(address);
    return new CcaasConnection(hp.host(), hp.port(), DEFAULT_DIAL_TIMEOUT, false, false, "", "", "");
  }

  public String address() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  /** Parses connection.json; unknown members are ignored, as Fabric's builder ignores them. */
  public static CcaasConnection fromJson(String json) {
    Map<String, Object> m = FlatJson.parse(json);
    Object address = m.get("address");
    if (!(address instanceof String a) || a.isBlank()) {
      throw new IllegalArgumentException("connection.json has no \"address\" (host:port of the chaincode server)");
    }
    HostPort hp = HostPort.parse(a);
    Object timeout = m.get("dial_timeout");
    Duration dial = timeout == null ? DEFAULT_DIAL_TIMEOUT : parseGoDuration(String.valueOf(timeout));
    return new CcaasConnection(
        hp.host(),
        hp.port(),
        dial,
        bool(m, "tls_required"),
        bool(m, "client_auth_required"),
        string(m, "root_cert"),
        string(m, "client_cert"),
        string(m, "client_key"));
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", address());
    m.put("dial_timeout", dialTimeout.toMillis() % 1000 == 0 ? dialTimeout.toSeconds() + "s" : dialTimeout.toMillis() + "ms");
    m.put("tls_required", tlsRequired);
    if (tlsRequired) {
      m.put("client_auth_required", clientAuthRequired);
      m.put("root_cert", rootCert);
    }
    if (clientAuthRequired) {
      m.put("client_cert", clientCert);
      m.put("client_key", clientKey);
    }
    return FlatJson.write(m);
  }

  /** Go's time.Duration text as Fabric writes it: "10s", "500ms", "1m30s". */
  public static Duration parseGoDuration(String text) {
    String s = text.strip();
    Matcher mt = GO_DURATION_PART.matcher(s);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < s.length() && mt.find(at) && mt.start() == at) {
      double n = Double.parseDouble(mt.group(1));
      long nanosPerUnit =
          switch (mt.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      total = total.plusNanos(Math.round(n * nanosPerUnit));
      at = mt.end();
    }
    if (s.isEmpty() || at != s.length()) {
      throw new IllegalArgumentException("dial_timeout '" + text + "' is not a duration like \"10s\"");
    }
    return total;
  }

  private static boolean bool(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException("connection.json \"" + key + "\" must be true or false, got " + v);
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return "";
    }
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("connection.json \"" + key + "\" must be a string");
  }

  /** A host:port pair; IPv6 hosts in brackets. */
  public record HostPort(String host, int port) {
    public static HostPort parse(String address) {
      String a = address.strip();
      int colon = a.lastIndexOf(':');
      if (colon <= 0 || colon == a.length() - 1) {
        throw new IllegalArgumentException("chaincode server address '" + address + "' is not host:port");
      }
      String host = a.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        return new HostPort(host, Integer.parseInt(a.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("chaincode server address '" + address + "' has no numeric port", e);
      }
    }
  }
}
