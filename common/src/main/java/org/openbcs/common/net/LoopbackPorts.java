package org.openbcs.common.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Ports for networks whose nodes must know each other's ports before any of them binds (channel
 * configs name every endpoint; tests run many networks side by side).
 *
 * <p>A port taken with {@code bind(0)} comes from the kernel's ephemeral range, the same range
 * the kernel draws <em>source</em> ports from for every outgoing connection on the box; between
 * choosing such a port and the node binding it, any client connection (gRPC, Maven, another
 * test) may take it as its source port, and the node fails to start. Ports here are drawn
 * below that range, where the kernel never assigns anything on its own, so the only remaining
 * race is with another allocator of this kind, made unlikely by random choice and excluded
 * within one JVM.
 */
public final class LoopbackPorts {
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 2_000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private LoopbackPorts() {}

  /** A port on {@code host} that is bindable now and outside the kernel's ephemeral range. */
  public static int reserve(String host) {
    return reserve(host, RandomGenerator.getDefault());
  }

  static int reserve(String host, RandomGenerator random) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + host + " to choose a port", e);
    }
    int highest = ephemeralLow() - 1;
    if (highest <= LOWEST) {
      throw new IllegalStateException(
          "the kernel's ephemeral port range starts at " + (highest + 1) + "; no room for fixed ports above " + LOWEST);
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = LOWEST + random.nextInt(highest - LOWEST + 1);
      synchronized (HANDED_OUT) {
        if (HANDED_OUT.contains(port) || !bindable(address, port)) {
          continue;
        }
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port on " + host + " between " + LOWEST + " and " + highest
        + " after " + ATTEMPTS + " attempts");
  }

  private static boolean bindable(InetAddress address, int port) {
    try (ServerSocket s = new ServerSocket()) {
      // No SO_REUSEADDR: a port with a lingering TIME_WAIT connection is skipped rather than
      // handed to a node that may then see it refused on some kernels.
      s.setReuseAddress(false);
      s.bind(new java.net.InetSocketAddress(address, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** First port of the kernel's ephemeral range; Linux's default when the file is unreadable. */
  static int ephemeralLow() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      if (Files.isReadable(range)) {
        // readAllLines, not readString: procfs reports size 0 and readString returns one byte.
        String[] parts = Files.readAllLines(range).get(0).trim().split("\\s+");
        int low = Integer.parseInt(parts[0]);
        if (low > 1024) {
          return low;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the default
    }
    return 32_768;
  }
}
