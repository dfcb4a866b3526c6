package org.openbcs.bench.crypto;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.openbcs.crypto.ecdsa.EcdsaP256Suite;
import org.openbcs.crypto.ecdsa.EcdsaProvider;

/**
 * Sign and verify rates per provider in operations per CPU-second of the measuring thread. On a
 * shared machine wall-clock JMH scores swing with other people's load; CPU time charged to the
 * thread does not, so the ratios between providers stay meaningful. Providers are interleaved
 * round by round and the median round is reported.
 *
 * <p>Run: {@code java -cp "bench/target/openbcs-bench.jar:bench/target/lib/*"
 * org.openbcs.bench.crypto.SignatureCpuRates [rounds]}
 */
public final class SignatureCpuRates {
  private static final int MESSAGE_BYTES = 1_024;
  private static final int VERIFY_OPS = 2_000;
  private static final int SIGN_OPS = 1_000;
  private static final int WARMUP_ROUNDS = 2;

  private SignatureCpuRates() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<EcdsaProvider> providers = new ArrayList<>();
    for (EcdsaProvider p : EcdsaProvider.values()) {
      if (EcdsaP256Suite.isAvailable(p)) {
        providers.add(p);
      }
    }
    Map<EcdsaProvider, double[]> verifyRates = new EnumMap<>(EcdsaProvider.class);
    Map<EcdsaProvider, double[]> signRates = new EnumMap<>(EcdsaProvider.class);
    for (EcdsaProvider p : providers) {
      verifyRates.put(p, new double[rounds]);
      signRates.put(p, new double[rounds]);
    }
    SplittableRandom random = new SplittableRandom(42);
    byte[][] messages = new byte[256][MESSAGE_BYTES];
    for (byte[] m : messages) {
      random.nextBytes(m);
    }
    for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
      for (EcdsaProvider p : providers) {
        EcdsaP256Suite suite = EcdsaP256Suite.withProvider(p);
        KeyPair pair = suite.generateKeyPair();
        byte[][] signatures = new byte[messages.length][];
        long start = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < SIGN_OPS; i++) {
          signatures[i % messages.length] = suite.sign(pair.getPrivate(), messages[i % messages.length]);
        }
        long signNanos = mx.getCurrentThreadCpuTime() - start;
        start = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < VERIFY_OPS; i++) {
          int k = i % messages.length;
          if (!suite.verify(pair.getPublic(), messages[k], signatures[k])) {
            throw new IllegalStateException(p.id() + " failed to verify its own signature");
          }
        }
        long verifyNanos = mx.getCurrentThreadCpuTime() - start;
        if (round >= 0) {
          signRates.get(p)[round] = SIGN_OPS * 1e9 / signNanos;
          verifyRates.get(p)[round] = VERIFY_OPS * 1e9 / verifyNanos;
        }
      }
    }
    double sunVerify = median(verifyRates.get(EcdsaProvider.SUNEC));
    double sunSign = median(signRates.get(EcdsaProvider.SUNEC));
    System.out.printf("%-10s %14s %8s %14s %8s%n", "provider", "verify/cpu-s", "x sunec", "sign/cpu-s", "x sunec");
    for (EcdsaProvider p : providers) {
      double v = median(verifyRates.get(p));
      double s = median(signRates.get(p));
      System.out.printf("%-10s %14.0f %8.1f %14.0f %8.1f%n", p.id(), v, v / sunVerify, s, s / sunSign);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
