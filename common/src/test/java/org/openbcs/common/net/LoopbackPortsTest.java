package org.openbcs.common.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void portsAreBelowTheEphemeralRangeDistinctAndBindable() throws Exception {
    int ephemeralLow = LoopbackPorts.ephemeralLow();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = LoopbackPorts.reserve("127.0.0.1");
      assertTrue(port >= 10_000 && port < ephemeralLow, "port " + port + " outside [10000, " + ephemeralLow + ")");
      assertTrue(seen.add(port), "port " + port + " handed out twice");
    }
    int port = LoopbackPorts.reserve("127.0.0.1");
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(port, s.getLocalPort());
    }
  }

  @Test
  void aPortInUseIsNeverHandedOut() throws Exception {
    // Occupy a port that the allocator never handed out, and make its generator propose that port
    // first: only the bind check can reject it.
    try (ServerSocket holder = bindSomewhereAbove(20_000)) {
      int taken = holder.getLocalPort();
      RandomGenerator proposeTakenThenAny = new RandomGenerator() {
        int calls;
        @Override public long nextLong() { return RandomGenerator.getDefault().nextLong(); }
        @Override public int nextInt(int bound) {
          return calls++ == 0 ? taken - 10_000 : RandomGenerator.getDefault().nextInt(bound);
        }
      };
      int port = LoopbackPorts.reserve("127.0.0.1", proposeTakenThenAny);
      assertNotEquals(taken, port, "a bound port was handed out");
    }
  }

  private static ServerSocket bindSomewhereAbove(int from) throws Exception {
    for (int p = from; p < LoopbackPorts.ephemeralLow(); p++) {
      try {
        return new ServerSocket(p, 1, InetAddress.getLoopbackAddress());
      } catch (java.io.IOException busy) {
        // try the next one
      }
    }
    throw new IllegalStateException("no bindable port above " + from);
  }
}
