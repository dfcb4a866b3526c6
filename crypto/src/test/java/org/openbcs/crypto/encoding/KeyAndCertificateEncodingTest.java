package org.openbcs.crypto.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;

class KeyAndCertificateEncodingTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();

  @Test
  void privateKeyRoundTripsThroughPemAndDer() {
    KeyPair pair = suite.generateKeyPair();
    String pem = suite.encodePrivateKeyPem(pair.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");

    PrivateKey fromPem = suite.decodePrivateKey(pem.getBytes(StandardCharsets.US_ASCII));
    PrivateKey fromDer = suite.decodePrivateKey(pair.getPrivate().getEncoded());
    assertThat(fromPem.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    assertThat(fromDer.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());

    byte[] message = "signed with the decoded key".getBytes(StandardCharsets.UTF_8);
    assertThat(suite.verify(pair.getPublic(), message, suite.sign(fromPem, message))).isTrue();
  }

  @Test
  void sec1PrivateKeyIsAcceptedAsPemAndDer() throws Exception {
    KeyPair pair = suite.generateKeyPair();
    byte[] sec1 =
        PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
    String pem = Pem.encode("EC PRIVATE KEY", sec1);

    PrivateKey fromPem = suite.decodePrivateKey(pem.getBytes(StandardCharsets.US_ASCII));
    PrivateKey fromDer = suite.decodePrivateKey(sec1);
    byte[] message = "sec1".getBytes(StandardCharsets.UTF_8);
    assertThat(suite.verify(pair.getPublic(), message, suite.sign(fromPem, message))).isTrue();
    assertThat(suite.verify(pair.getPublic(), message, suite.sign(fromDer, message))).isTrue();
  }

  @Test
  void publicKeyRoundTripsThroughPem() {
    PublicKey key = suite.generateKeyPair().getPublic();
    String pem = suite.encodePublicKeyPem(key);
    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n");
    assertThat(suite.decodePublicKey(pem.getBytes(StandardCharsets.US_ASCII))).isEqualTo(key);
    assertThat(suite.decodePublicKey(key.getEncoded())).isEqualTo(key);
  }

  @Test
  void selfSignedCertificateRoundTripsAndItsKeyVerifies() throws Exception {
    KeyPair pair = suite.generateKeyPair();
    X509Certificate cert = selfSigned(pair, "CN=peer0.org1.example.com,O=Org1");

    String pem = suite.encodeCertificatePem(cert);
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
    assertThat(pem.lines().filter(l -> !l.startsWith("-----")).allMatch(l -> l.length() <= 64)).isTrue();

    X509Certificate fromPem = suite.parseCertificate(pem.getBytes(StandardCharsets.US_ASCII));
    X509Certificate fromDer = suite.parseCertificate(cert.getEncoded());
    assertThat(fromPem).isEqualTo(cert);
    assertThat(fromDer).isEqualTo(cert);
    fromPem.verify(pair.getPublic()); // the BC-built signature is a valid X.509 signature

    byte[] message = "endorsement".getBytes(StandardCharsets.UTF_8);
    byte[] signature = suite.sign(pair.getPrivate(), message);
    assertThat(suite.verify(fromPem.getPublicKey(), message, signature)).isTrue();
  }

  @Test
  void garbageIsRefusedWithAReason() {
    assertThatThrownBy(() -> suite.parseCertificate("not a cert".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(CryptoException.class)
        .hasMessageStartingWith("not an X.509 certificate");
    assertThatThrownBy(() -> suite.parseCertificate(new byte[0]))
        .isInstanceOf(CryptoException.class)
        .hasMessage("not an X.509 certificate: empty input");
    assertThatThrownBy(() -> suite.decodePrivateKey(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))
        .isInstanceOf(CryptoException.class)
        .hasMessageStartingWith("not a PKCS#8 or SEC1 P-256 private key");
    assertThatThrownBy(() -> Pem.decodeFirst("-----BEGIN X-----\n!!!!\n-----END X-----\n".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(CryptoException.class)
        .hasMessageContaining("PEM");
  }

  static X509Certificate selfSigned(KeyPair pair, String subject) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X500Name name = new X500Name(subject);
    X509CertificateHolder holder =
        new JcaX509v3CertificateBuilder(
                name,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(365, ChronoUnit.DAYS)),
                name,
                pair.getPublic())
            .build(new JcaContentSignerBuilder(CryptoSuites.defaultSuite().certificateSignatureAlgorithm()).build(pair.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }
}
