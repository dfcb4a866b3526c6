package org.openbcs.bench.crypto;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openbcs.crypto.SignatureVerifier.Request;
import org.openbcs.crypto.ecdsa.EcdsaP256Suite;
import org.openbcs.crypto.ecdsa.EcdsaProvider;
import org.openbcs.crypto.verify.ParallelSignatureVerifier;
import org.openbcs.crypto.verify.SignatureVerifiers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * ECDSA P-256 sign and verify rates per provider (single thread), and the parallel verifier's
 * throughput on 2 threads, uncached (every request a distinct triple) and fully cached.
 *
 * <p>Messages are 1 KiB, about a Fabric proposal; public keys are JDK key objects as parsed from
 * certificates, so the provider's key-conversion cache is on the measured path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SignatureBench {
  static final int MESSAGE_BYTES = 1_024;
  static final int DISTINCT_MESSAGES = 512;
  static final int BATCH = 256;

  @State(Scope.Benchmark)
  public static class ProviderState {
    @Param({"conscrypt", "bc", "sunec"})
    public String provider;

    EcdsaP256Suite suite;
    KeyPair pair;
    byte[][] messages;
    byte[][] signatures;
    List<Request> batch;
    ParallelSignatureVerifier verifier;

    @Setup(Level.Trial)
    public void setUp() {
      suite = EcdsaP256Suite.withProvider(EcdsaProvider.byId(provider));
      pair = suite.generateKeyPair();
      SplittableRandom random = new SplittableRandom(42);
      messages = new byte[DISTINCT_MESSAGES][];
      signatures = new byte[DISTINCT_MESSAGES][];
      for (int i = 0; i < DISTINCT_MESSAGES; i++) {
        messages[i] = new byte[MESSAGE_BYTES];
        random.nextBytes(messages[i]);
        signatures[i] = suite.sign(pair.getPrivate(), messages[i]);
      }
      batch = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        batch.add(new Request(pair.getPublic(), messages[i], signatures[i]));
      }
      // Cache off: this measures verification, not remembering.
      verifier = SignatureVerifiers.create(suite, 2, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      verifier.close();
    }
  }

  /** Per-thread cursor so consecutive calls use different messages. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      next = (next + 1) % DISTINCT_MESSAGES;
      return next;
    }
  }

  @Benchmark
  public byte[] sign(ProviderState s, Cursor c) {
    return s.suite.sign(s.pair.getPrivate(), s.messages[c.advance()]);
  }

  @Benchmark
  public boolean verify(ProviderState s, Cursor c) {
    int i = c.advance();
    PublicKey key = s.pair.getPublic();
    boolean ok = s.suite.verify(key, s.messages[i], s.signatures[i]);
    if (!ok) {
      throw new IllegalStateException("benchmark signature failed to verify");
    }
    return ok;
  }

  /** Signatures per second through the verifier, 2 pool threads, no cache. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public boolean[] verifierBatch2Threads(ProviderState s) {
    return s.verifier.verifyAll(s.batch);
  }

  @State(Scope.Benchmark)
  public static class CachedState {
    List<Request> batch;
    ParallelSignatureVerifier verifier;

    @Setup(Level.Trial)
    public void setUp() {
      EcdsaP256Suite suite = EcdsaP256Suite.instance();
      KeyPair pair = suite.generateKeyPair();
      SplittableRandom random = new SplittableRandom(7);
      batch = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        byte[] message = new byte[MESSAGE_BYTES];
        random.nextBytes(message);
        batch.add(new Request(pair.getPublic(), message, suite.sign(pair.getPrivate(), message)));
      }
      verifier = SignatureVerifiers.create(suite, 2, ParallelSignatureVerifier.CACHE_ENTRIES_DEFAULT);
      verifier.verifyAll(batch); // every later call is a cache hit
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      verifier.close();
    }
  }

  /** Signatures per second when every triple was verified before (default provider). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public boolean[] verifierBatchCached(CachedState s) {
    return s.verifier.verifyAll(s.batch);
  }
}
