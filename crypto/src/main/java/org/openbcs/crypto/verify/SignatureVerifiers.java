package org.openbcs.crypto.verify;

import org.openbcs.crypto.CryptoSuite;

/** Builds signature verifiers; the node wires one per process and shares it. */
public final class SignatureVerifiers {
  private SignatureVerifiers() {}

  /**
   * A verifier on {@code threads} pool threads (plus each caller) that remembers up to {@code
   * cacheEntriesMax} verified triples ({@code 0} turns the cache off). Close it to stop the pool.
   */
  public static ParallelSignatureVerifier create(CryptoSuite suite, int threads, int cacheEntriesMax) {
    return new ParallelSignatureVerifier(suite, threads, cacheEntriesMax);
  }

  /** One thread per core and {@link ParallelSignatureVerifier#CACHE_ENTRIES_DEFAULT} entries. */
  public static ParallelSignatureVerifier create(CryptoSuite suite) {
    return create(suite, Runtime.getRuntime().availableProcessors(), ParallelSignatureVerifier.CACHE_ENTRIES_DEFAULT);
  }
}
