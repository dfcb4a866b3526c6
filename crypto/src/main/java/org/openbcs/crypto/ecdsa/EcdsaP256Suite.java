package org.openbcs.crypto.ecdsa;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;

/**
 * ECDSA P-256 with SHA-256, Fabric's default. Placeholder JCA implementation (SunEC); the crypto
 * module owner replaces the sign/verify path with the fastest measured provider and low-S rules.
 */
public final class EcdsaP256Suite implements CryptoSuite {
  private static final EcdsaP256Suite INSTANCE = new EcdsaP256Suite();

  public static EcdsaP256Suite instance() {
    return INSTANCE;
  }

  private EcdsaP256Suite() {}

  @Override
  public String name() {
    return "ecdsa-p256";
  }

  @Override
  public byte[] hash(byte[] data) {
    return sha256().digest(data);
  }

  @Override
  public Hasher newHasher() {
    MessageDigest md = sha256();
    return new Hasher() {
      @Override
      public Hasher update(byte[] data) {
        md.update(data);
        return this;
      }

      @Override
      public Hasher update(byte[] data, int offset, int length) {
        md.update(data, offset, length);
        return this;
      }

      @Override
      public byte[] digest() {
        return md.digest();
      }
    };
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new CryptoException("SHA-256 unavailable", e);
    }
  }

  @Override
  public KeyPair generateKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new CryptoException("cannot generate P-256 key pair", e);
    }
  }

  @Override
  public byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ECDSA sign failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public String certificateSignatureAlgorithm() {
    return "SHA256withECDSA";
  }

  @Override
  public PrivateKey decodePrivateKey(byte[] pemOrDer) {
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(pemOrDer)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new CryptoException("not a PKCS#8 EC private key: " + e.getMessage(), e);
    }
  }

  @Override
  public String encodePrivateKeyPem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  @Override
  public X509Certificate parseCertificate(byte[] pemOrDer) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pemOrDer));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new CryptoException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public String encodeCertificatePem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new CryptoException("cannot encode certificate", e);
    }
  }

  private static byte[] der(byte[] pemOrDer) {
    String text = new String(pemOrDer, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN")) {
      return pemOrDer;
    }
    String body = text.replaceAll("-----(BEGIN|END)[^-]*-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
