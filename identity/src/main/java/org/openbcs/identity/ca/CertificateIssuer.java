package org.openbcs.identity.ca;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.openbcs.crypto.CryptoSuite;

/**
 * Builds X.509 certificates and CRLs signed with a crypto suite's keys, with the extensions Fabric
 * tools and TLS stacks expect. Stateless apart from the serial-number source.
 */
public final class CertificateIssuer {
  /** What a leaf certificate is for: MSP signing identity or TLS endpoint. */
  public enum Usage {
    SIGNING,
    TLS
  }

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final CryptoSuite suite;
  private final SecureRandom random;

  public CertificateIssuer(CryptoSuite suite, SecureRandom random) {
    this.suite = suite;
    this.random = random;
  }

  /** A self-signed CA certificate (CA=true, keyCertSign + cRLSign, subject key id). */
  public X509Certificate selfSignedCa(
      KeyPair keys, X500Name subject, Instant notBefore, Instant notAfter) {
    X509v3CertificateBuilder b = builder(subject, subject, keys.getPublic(), notBefore, notAfter);
    addCaExtensions(b, keys.getPublic());
    return sign(b, new CaKey(null, keys.getPrivate()));
  }

  /**
   * An intermediate CA certificate issued by {@code parent}, with the same CA extensions plus
   * authority key id.
   */
  public X509Certificate intermediateCa(
      CaKey parent, PublicKey key, X500Name subject, Instant notBefore, Instant notAfter) {
    X500Name issuer =
        X500Name.getInstance(parent.certificate().getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b = builder(issuer, subject, key, notBefore, notAfter);
    addCaExtensions(b, key);
    try {
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier(subjectKeyId(parent.certificate().getPublicKey())));
    } catch (CertIOException e) {
      throw new CaException("cannot encode CA certificate extensions: " + e.getMessage(), e);
    }
    return sign(b, parent);
  }

  private void addCaExtensions(X509v3CertificateBuilder b, PublicKey key) {
    byte[] ski = subjectKeyId(key);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              KeyUsage.digitalSignature
                  | KeyUsage.keyEncipherment
                  | KeyUsage.keyCertSign
                  | KeyUsage.cRLSign));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
      b.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(ski));
    } catch (CertIOException e) {
      throw new CaException("cannot encode CA certificate extensions: " + e.getMessage(), e);
    }
  }

  /**
   * A leaf certificate issued by {@code ca}: CA=false, subject and authority key ids; SIGNING gets
   * digitalSignature; TLS gets digitalSignature + keyEncipherment, serverAuth + clientAuth and
   * {@code hostnames} as DNS or IP subject alternative names.
   */
  public X509Certificate issue(
      CaKey ca,
      X500Name subject,
      PublicKey subjectKey,
      Instant notBefore,
      Instant notAfter,
      Usage usage,
      List<String> hostnames) {
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b = builder(issuer, subject, subjectKey, notBefore, notAfter);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new SubjectKeyIdentifier(subjectKeyId(subjectKey)));
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier(subjectKeyId(ca.certificate().getPublicKey())));
      switch (usage) {
        case SIGNING ->
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        case TLS -> {
          b.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
          b.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(
                  new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                  }));
          if (!hostnames.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hostnames));
          }
        }
      }
    } catch (CertIOException e) {
      throw new CaException("cannot encode certificate extensions: " + e.getMessage(), e);
    }
    return sign(b, ca);
  }

  /**
   * A CRL of {@code ca} holding the entries of {@code previous} (may be null) plus {@code serial}
   * revoked at {@code now}; its CRL number is one more than the previous one.
   */
  public X509CRLHolder crl(CaKey ca, X509CRLHolder previous, BigInteger serial, Instant now) {
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    X509v2CRLBuilder b = new X509v2CRLBuilder(issuer, Date.from(seconds(now)));
    b.setNextUpdate(Date.from(seconds(now).plus(java.time.Duration.ofDays(365))));
    BigInteger number = BigInteger.ONE;
    if (previous != null) {
      b.addCRL(previous);
      Extension n = previous.getExtension(Extension.cRLNumber);
      if (n != null) {
        number = CRLNumber.getInstance(n.getParsedValue()).getCRLNumber().add(BigInteger.ONE);
      }
    }
    if (previous == null || previous.getRevokedCertificate(serial) == null) {
      b.addCRLEntry(serial, Date.from(seconds(now)), CRLReason.unspecified);
    }
    try {
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new AuthorityKeyIdentifier(subjectKeyId(ca.certificate().getPublicKey())));
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
    } catch (CertIOException e) {
      throw new CaException("cannot encode CRL extensions: " + e.getMessage(), e);
    }
    return b.build(signer(ca));
  }

  /**
   * Subject key identifier: the suite's hash of the public key bits, as Fabric's tools derive it.
   */
  public byte[] subjectKeyId(PublicKey key) {
    return suite.hash(
        SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes());
  }

  private X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant notBefore, Instant notAfter) {
    return new X509v3CertificateBuilder(
        issuer,
        serial(),
        Date.from(seconds(notBefore)),
        Date.from(seconds(notAfter)),
        subject,
        SubjectPublicKeyInfo.getInstance(key.getEncoded()));
  }

  private X509Certificate sign(X509v3CertificateBuilder b, CaKey ca) {
    try {
      return suite.parseCertificate(b.build(signer(ca)).getEncoded());
    } catch (IOException e) {
      throw new CaException("cannot encode certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Signs through the suite rather than a JCA signer so certificates and CRLs carry the suite's
   * canonical signature encoding (low-S for ECDSA), which strict verifiers require.
   */
  private ContentSigner signer(CaKey ca) {
    AlgorithmIdentifier algorithm;
    try {
      algorithm =
          new DefaultSignatureAlgorithmIdentifierFinder()
              .find(suite.certificateSignatureAlgorithm());
    } catch (IllegalArgumentException e) {
      throw new CaException(
          "no X.509 algorithm identifier for "
              + suite.certificateSignatureAlgorithm()
              + " of suite "
              + suite.name(),
          e);
    }
    ByteArrayOutputStream tbs = new ByteArrayOutputStream(1024);
    return new ContentSigner() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
      }

      @Override
      public OutputStream getOutputStream() {
        return tbs;
      }

      @Override
      public byte[] getSignature() {
        return suite.sign(ca.privateKey(), tbs.toByteArray());
      }
    };
  }

  /** A positive 127-bit random serial, unique in practice without a serial database. */
  private BigInteger serial() {
    return new BigInteger(127, random).setBit(0);
  }

  private static GeneralNames subjectAltNames(List<String> hostnames) {
    Set<String> unique = new LinkedHashSet<>(hostnames);
    List<GeneralName> names = new ArrayList<>();
    for (String h : unique) {
      boolean ip = IPV4.matcher(h).matches() || h.contains(":");
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /**
   * X.509 times have second precision; truncating keeps what we compute equal to what is encoded.
   */
  private static Instant seconds(Instant t) {
    return Instant.ofEpochSecond(t.getEpochSecond());
  }

  /** Whether {@code cert} carries a valid signature of {@code ca}. */
  public static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
    try {
      cert.verify(ca.getPublicKey());
      return cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
