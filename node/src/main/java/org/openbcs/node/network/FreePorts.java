package org.openbcs.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ephemeral ports for networks whose nodes must know each other's ports before they start (tests
 * run many networks side by side). The port is free when chosen; a race with another process is
 * possible but shows up as a clear bind error at start.
 */
final class FreePorts {
  private FreePorts() {}

  static int next(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host, e);
    }
  }
}
