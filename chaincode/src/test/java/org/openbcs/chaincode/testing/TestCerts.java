package org.openbcs.chaincode.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** EC P-256 certificates for tests: a self-signed client identity, and a small TLS CA. */
public final class TestCerts {
  private TestCerts() {}

  public record Issued(X509Certificate certificate, PrivateKey key) {
    public String certPem() {
      return pem(certificate);
    }

    public String keyPem() {
      return pem(key);
    }

    public void write(Path cert, Path keyFile) {
      try {
        Files.writeString(cert, certPem(), StandardCharsets.UTF_8);
        Files.writeString(keyFile, keyPem(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Issued selfSigned(String cn, boolean ca) {
    KeyPair kp = ecKeyPair();
    return new Issued(build(cn, kp, cn, kp.getPrivate(), ca, false), kp.getPrivate());
  }

  /** A leaf for TLS, valid for localhost and 127.0.0.1. */
  public static Issued issue(Issued issuer, String cn) {
    KeyPair kp = ecKeyPair();
    String issuerCn = issuer.certificate().getSubjectX500Principal().getName().replace("CN=", "");
    return new Issued(build(cn, kp, issuerCn, issuer.key(), false, true), kp.getPrivate());
  }

  private static X509Certificate build(
      String cn, KeyPair subject, String issuerCn, PrivateKey issuerKey, boolean ca, boolean tlsNames) {
    try {
      long now = System.currentTimeMillis();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=" + issuerCn),
              BigInteger.valueOf(now).multiply(BigInteger.valueOf(1000)).add(BigInteger.valueOf(cn.hashCode() & 0xfff)),
              new Date(now - 60_000),
              new Date(now + 86_400_000L),
              new X500Name("CN=" + cn),
              subject.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (tlsNames) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                }));
      }
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      if (o instanceof PrivateKey k) {
        // PKCS#8 ("BEGIN PRIVATE KEY"), the form gRPC's key managers read.
        w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
      } else {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
