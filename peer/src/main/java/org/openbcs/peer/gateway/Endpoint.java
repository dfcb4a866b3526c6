package org.openbcs.peer.gateway;

/** A {@code host:port} network address from configuration or the command line. */
public record Endpoint(String host, int port) {
  public static Endpoint parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("endpoint '" + text + "' is not host:port");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint '" + text + "' has a non-numeric port");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("endpoint '" + text + "' has port out of range");
    }
    return new Endpoint(text.substring(0, colon), port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
