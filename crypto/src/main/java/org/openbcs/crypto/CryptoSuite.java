package org.openbcs.crypto;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

/**
 * The one place that names algorithms. A suite is chosen per network/channel ("ecdsa-p256", later
 * "sm"); block hashes, signatures, key and certificate encodings all go through it, so a new suite
 * changes nothing outside this module.
 *
 * <p>Implementations are thread-safe.
 */
public interface CryptoSuite {
  /** Stable suite name used in configuration, e.g. {@code ecdsa-p256}. */
  String name();

  /** The suite's hash of {@code data} (SHA-256 for ecdsa-p256, SM3 for sm). */
  byte[] hash(byte[] data);

  /** An incremental hasher for data that arrives in pieces (block data hash). */
  Hasher newHasher();

  KeyPair generateKeyPair();

  /** Hashes {@code message} and signs it; the result is the suite's canonical encoding (DER, low-S for ECDSA). */
  byte[] sign(PrivateKey key, byte[] message);

  /**
   * Verifies {@code signature} over {@code message}. Malformed or non-canonical (high-S) signatures
   * are rejected, never thrown.
   */
  boolean verify(PublicKey key, byte[] message, byte[] signature);

  /** JCA algorithm name for signing X.509 certificates and CRLs with this suite's keys. */
  String certificateSignatureAlgorithm();

  /** Parses a PKCS#8 private key, PEM or DER. */
  PrivateKey decodePrivateKey(byte[] pemOrDer);

  /** PKCS#8 PEM text of a private key. */
  String encodePrivateKeyPem(PrivateKey key);

  /** Parses an X.509 SubjectPublicKeyInfo public key, PEM ({@code PUBLIC KEY}) or DER. */
  PublicKey decodePublicKey(byte[] pemOrDer);

  /** {@code PUBLIC KEY} PEM text of a public key. */
  String encodePublicKeyPem(PublicKey key);

  /** Parses an X.509 certificate, PEM or DER. Throws {@link CryptoException} with the reason. */
  X509Certificate parseCertificate(byte[] pemOrDer);

  /** PEM text of a certificate. */
  String encodeCertificatePem(X509Certificate certificate);

  /** Incremental hash. Not thread-safe; one per use. */
  interface Hasher {
    Hasher update(byte[] data);

    Hasher update(byte[] data, int offset, int length);

    byte[] digest();
  }
}
