package org.openbcs.crypto.verify;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.openbcs.crypto.CryptoSuite;

/** A real suite that also records which threads verified; lets tests see the pool at work. */
final class ThreadRecordingSuite implements CryptoSuite {
  private final CryptoSuite real;
  private final Set<String> threads;

  ThreadRecordingSuite(CryptoSuite real, Set<String> threads) {
    this.real = real;
    this.threads = threads;
  }

  @Override
  public boolean verify(PublicKey key, byte[] message, byte[] signature) {
    threads.add(Thread.currentThread().getName());
    return real.verify(key, message, signature);
  }

  @Override
  public String name() {
    return real.name();
  }

  @Override
  public byte[] hash(byte[] data) {
    return real.hash(data);
  }

  @Override
  public Hasher newHasher() {
    return real.newHasher();
  }

  @Override
  public KeyPair generateKeyPair() {
    return real.generateKeyPair();
  }

  @Override
  public byte[] sign(PrivateKey key, byte[] message) {
    return real.sign(key, message);
  }

  @Override
  public String certificateSignatureAlgorithm() {
    return real.certificateSignatureAlgorithm();
  }

  @Override
  public PrivateKey decodePrivateKey(byte[] pemOrDer) {
    return real.decodePrivateKey(pemOrDer);
  }

  @Override
  public String encodePrivateKeyPem(PrivateKey key) {
    return real.encodePrivateKeyPem(key);
  }

  @Override
  public PublicKey decodePublicKey(byte[] pemOrDer) {
    return real.decodePublicKey(pemOrDer);
  }

  @Override
  public String encodePublicKeyPem(PublicKey key) {
    return real.encodePublicKeyPem(key);
  }

  @Override
  public X509Certificate parseCertificate(byte[] pemOrDer) {
    return real.parseCertificate(pemOrDer);
  }

  @Override
  public String encodeCertificatePem(X509Certificate certificate) {
    return real.encodeCertificatePem(certificate);
  }
}
