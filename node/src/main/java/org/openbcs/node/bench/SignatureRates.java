package org.openbcs.node.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import org.openbcs.crypto.CryptoSuite;

/** Single-threaded sign and verify rates of a crypto suite, measured for a fixed time each. */
public record SignatureRates(String provider, double signsPerSecond, double verifiesPerSecond) {
  /** Distinct messages cycled through, so no layer can answer a repeated verify from a cache. */
  private static final int MESSAGES = 64;

  public static SignatureRates measure(CryptoSuite suite, Duration each) {
    KeyPair pair = suite.generateKeyPair();
    byte[][] messages = new byte[MESSAGES][];
    byte[][] signatures = new byte[MESSAGES][];
    for (int i = 0; i < MESSAGES; i++) {
      // About the size of a proposal's signed bytes; hashing is a small share of the cost anyway.
      messages[i] = ("message " + i + " " + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII);
      signatures[i] = suite.sign(pair.getPrivate(), messages[i]);
    }
    runFor(Duration.ofMillis(300), i -> {
      suite.sign(pair.getPrivate(), messages[i]);
      suite.verify(pair.getPublic(), messages[i], signatures[i]);
    });
    double signs = runFor(each, i -> suite.sign(pair.getPrivate(), messages[i]));
    double verifies = runFor(each, i -> {
      if (!suite.verify(pair.getPublic(), messages[i], signatures[i])) {
        throw new IllegalStateException("crypto suite " + suite.name() + " rejected its own signature");
      }
    });
    return new SignatureRates(suite.toString(), signs, verifies);
  }

  /** Runs {@code op} repeatedly for {@code d}; returns operations per second. */
  private static double runFor(Duration d, java.util.function.IntConsumer op) {
    long n = 0;
    long start = System.nanoTime();
    long end = start + d.toNanos();
    long now;
    do {
      op.accept((int) (n % MESSAGES));
      n++;
      now = System.nanoTime();
    } while (now < end);
    return n / ((now - start) / 1e9);
  }
}
