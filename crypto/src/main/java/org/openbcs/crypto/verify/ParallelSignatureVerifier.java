package org.openbcs.crypto.verify;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.openbcs.common.Invariants;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.crypto.cache.BoundedLruCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies batches on a fixed pool plus the calling thread, and remembers every triple it has
 * verified as valid so it never checks it again (the gateway verifies a client's signature at
 * endorsement, commit verifies it again; two orderers deliver the same block).
 *
 * <p>Only positive results are cached. A negative result is cheap to reproduce for an attacker
 * and rare for honest clients, so caching it saves nothing, while it would let garbage evict
 * useful entries and would make a transient failure (say, a key the provider refused once)
 * sticky. A cached "valid" is a fact about the triple alone and never goes stale; whether the key's
 * certificate is still trusted (expiry, revocation) is the MSP's question, asked on every use.
 *
 * <p>The calling thread works on its own batch too, so a batch never waits for a pool thread that
 * is busy with someone else's batch, and calling from a pool thread cannot deadlock.
 */
public final class ParallelSignatureVerifier implements SignatureVerifier, AutoCloseable {
  /** Default bound on remembered triples: ~100 bytes each, so ~10 MB. */
  public static final int CACHE_ENTRIES_DEFAULT = 100_000;

  /** Requests a worker claims at a time: large enough to amortise the claim, small enough to balance. */
  static final int CHUNK_SIZE = 4;

  /** Bound on helper tasks waiting for a pool thread; past it the caller does the work itself. */
  static final int PENDING_TASKS_MAX = 1_024;

  private static final Logger LOG = LoggerFactory.getLogger(ParallelSignatureVerifier.class);
  private static final AtomicInteger POOL_SEQUENCE = new AtomicInteger();

  private final CryptoSuite suite;
  private final int threads;
  private final BoundedLruCache<TripleDigest, Boolean> verified; // null when caching is off
  private final ThreadPoolExecutor pool;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** Counters since creation; {@code cacheSize} is the current number of remembered triples. */
  public record Stats(long cacheHits, long cacheMisses, int cacheSize) {}

  ParallelSignatureVerifier(CryptoSuite suite, int threads, int cacheEntriesMax) {
    if (threads < 1) {
      throw new IllegalArgumentException("verifier threads must be >= 1, got " + threads);
    }
    if (cacheEntriesMax < 0) {
      throw new IllegalArgumentException("cacheEntriesMax must be >= 0, got " + cacheEntriesMax);
    }
    this.suite = suite;
    this.threads = threads;
    this.verified = cacheEntriesMax == 0 ? null : new BoundedLruCache<>(cacheEntriesMax);
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(PENDING_TASKS_MAX),
            daemonThreads("openbcs-sigverify-" + POOL_SEQUENCE.incrementAndGet() + "-"),
            new ThreadPoolExecutor.CallerRunsPolicy());
    LOG.info(
        "signature verifier: suite {}, {} threads, cache {} entries",
        suite.name(),
        threads,
        cacheEntriesMax);
  }

  @Override
  public boolean verify(Request request) {
    if (request == null
        || request.key() == null
        || request.message() == null
        || request.signature() == null) {
      return false;
    }
    TripleDigest id = null;
    if (verified != null) {
      id = TripleDigest.of(request.key(), request.message(), request.signature());
      if (verified.get(id) != null) {
        hits.increment();
        return true;
      }
    }
    misses.increment();
    boolean ok = suite.verify(request.key(), request.message(), request.signature());
    if (ok && id != null) {
      verified.put(id, Boolean.TRUE);
    }
    return ok;
  }

  @Override
  public void remember(Request ownSignature) {
    if (verified != null
        && ownSignature.key() != null
        && ownSignature.message() != null
        && ownSignature.signature() != null) {
      verified.put(
          TripleDigest.of(ownSignature.key(), ownSignature.message(), ownSignature.signature()),
          Boolean.TRUE);
    }
  }

  @Override
  public boolean[] verifyAll(List<Request> requests) {
    int n = requests.size();
    boolean[] results = new boolean[n];
    int chunks = (n + CHUNK_SIZE - 1) / CHUNK_SIZE;
    int helpers = Math.min(threads, chunks) - 1;
    if (helpers <= 0) {
      for (int i = 0; i < n; i++) {
        results[i] = verify(requests.get(i));
      }
      return results;
    }
    Batch batch = new Batch(requests, results, chunks);
    for (int h = 0; h < helpers; h++) {
      pool.execute(batch::drain); // after close() the task is dropped; the caller still drains
    }
    batch.drain();
    batch.awaitAll();
    return results;
  }

  public long cacheHits() {
    return hits.sum();
  }

  public long cacheMisses() {
    return misses.sum();
  }

  public Stats stats() {
    return new Stats(hits.sum(), misses.sum(), verified == null ? 0 : verified.size());
  }

  public int threads() {
    return threads;
  }

  /** Stops the pool; verification still works afterwards, on the calling thread only. */
  @Override
  public void close() {
    pool.shutdown();
  }

  /** One verifyAll call: workers claim chunks until none are left. */
  private final class Batch {
    private final List<Request> requests;
    private final boolean[] results;
    private final int chunks;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final CountDownLatch chunksDone;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Batch(List<Request> requests, boolean[] results, int chunks) {
      this.requests = requests;
      this.results = results;
      this.chunks = chunks;
      this.chunksDone = new CountDownLatch(chunks);
    }

    void drain() {
      for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
        try {
          int end = Math.min(results.length, (c + 1) * CHUNK_SIZE);
          for (int i = c * CHUNK_SIZE; i < end; i++) {
            results[i] = verify(requests.get(i));
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          chunksDone.countDown();
        }
      }
    }

    /**
     * Waits for chunks other workers claimed. The caller has drained the rest, so the wait is
     * bounded by one chunk's work; an interrupt is kept for the caller rather than abandoning
     * results half-written.
     */
    void awaitAll() {
      boolean interrupted = false;
      while (true) {
        try {
          chunksDone.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Throwable t = failure.get();
      if (t instanceof Error e) {
        throw e;
      }
      if (t instanceof RuntimeException e) {
        throw e;
      }
      Invariants.check(t == null, "unexpected checked failure in signature verification: %s", t);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true); // a verifier nobody closed must not keep the JVM alive
      return t;
    };
  }
}
