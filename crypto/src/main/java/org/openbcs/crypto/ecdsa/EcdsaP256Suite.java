package org.openbcs.crypto.ecdsa;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.EnumMap;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.crypto.encoding.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ECDSA P-256 with SHA-256, Fabric's default suite. Signatures are strict DER with low S, exactly
 * as Fabric's bccsp produces and demands them.
 *
 * <p>Signing and verification run on the fastest provider that works here (see {@link
 * EcdsaProvider}); hashing, key generation and key/certificate parsing stay on the JDK so that the
 * keys and certificates handed to the rest of the node are plain JDK objects.
 */
public final class EcdsaP256Suite implements CryptoSuite {
  private static final Logger LOG = LoggerFactory.getLogger(EcdsaP256Suite.class);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final String DIGEST_ALGORITHM = "SHA-256";
  private static final String CURVE = "secp256r1";

  private static final Map<EcdsaProvider, EcdsaP256Suite> BY_PROVIDER = new EnumMap<>(EcdsaProvider.class);

  private final EcdsaProvider kind;
  private final Provider provider;
  private final ProviderKeys keys;
  private final ThreadLocal<Signature> signatures;
  private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(EcdsaP256Suite::newDigest);

  /**
   * Source of ECDSA nonces for the JCA providers (Conscrypt draws from BoringSSL's own generator).
   * A seeded DRBG per thread rather than the JVM default, which on Linux is NativePRNG: one shared
   * /dev/urandom reader behind a lock that every signing thread would queue on.
   */
  private final ThreadLocal<SecureRandom> nonces = ThreadLocal.withInitial(EcdsaP256Suite::newDrbg);

  EcdsaP256Suite(EcdsaProvider kind, Provider provider) {
    this.kind = kind;
    this.provider = provider;
    this.keys = new ProviderKeys(provider);
    this.signatures =
        ThreadLocal.withInitial(
            () -> {
              try {
                return Signature.getInstance(SIGNATURE_ALGORITHM, provider);
              } catch (GeneralSecurityException e) {
                throw new CryptoException(kind.id() + " has no " + SIGNATURE_ALGORITHM, e);
              }
            });
  }

  /** The process-wide suite on the selected provider (chosen and logged on first use). */
  public static EcdsaP256Suite instance() {
    return DefaultHolder.INSTANCE;
  }

  /**
   * A suite pinned to {@code provider} (benchmarks, cross-provider tests). Throws {@link
   * CryptoException} with the reason if that provider does not work on this machine.
   */
  public static EcdsaP256Suite withProvider(EcdsaProvider provider) {
    synchronized (BY_PROVIDER) {
      EcdsaP256Suite existing = BY_PROVIDER.get(provider);
      if (existing == null) {
        existing = ProviderSelection.selfTested(provider);
        BY_PROVIDER.put(provider, existing);
      }
      return existing;
    }
  }

  /** Whether {@code provider} loads and passes the self-test on this machine. */
  public static boolean isAvailable(EcdsaProvider provider) {
    try {
      withProvider(provider);
      return true;
    } catch (CryptoException e) {
      LOG.debug("ecdsa-p256 provider {} unavailable: {}", provider.id(), e.getMessage());
      return false;
    }
  }

  /** Which provider signs and verifies: {@code conscrypt}, {@code bc} or {@code sunec}. */
  public String providerName() {
    return kind.id();
  }

  public EcdsaProvider provider() {
    return kind;
  }

  String jcaProviderInfo() {
    return provider.getName() + " " + provider.getVersionStr();
  }

  @Override
  public String name() {
    return CryptoSuites.ECDSA_P256;
  }

  @Override
  public byte[] hash(byte[] data) {
    return digests.get().digest(data);
  }

  @Override
  public Hasher newHasher() {
    MessageDigest md = newDigest();
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

  private static MessageDigest newDigest() {
    try {
      // The JDK's SHA-256 uses the CPU's SHA instructions and avoids a JNI hop per call.
      return MessageDigest.getInstance(DIGEST_ALGORITHM);
    } catch (GeneralSecurityException e) {
      throw new CryptoException(DIGEST_ALGORITHM + " unavailable", e);
    }
  }

  private static SecureRandom newDrbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (GeneralSecurityException e) {
      throw new CryptoException("no DRBG SecureRandom in this JVM", e);
    }
  }

  @Override
  public KeyPair generateKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(CURVE));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new CryptoException("cannot generate P-256 key pair", e);
    }
  }

  @Override
  public byte[] sign(PrivateKey key, byte[] message) {
    PrivateKey providerKey = keys.privateKey(key);
    byte[] der;
    try {
      Signature s = signatures.get();
      s.initSign(providerKey, nonces.get());
      s.update(message);
      der = s.sign();
    } catch (GeneralSecurityException e) {
      throw new CryptoException("ECDSA sign failed (" + kind.id() + "): " + e.getMessage(), e);
    }
    EcdsaDerSignature parsed =
        EcdsaDerSignature.parse(der)
            .orElseThrow(() -> new CryptoException(kind.id() + " produced a non-DER ECDSA signature"));
    EcdsaDerSignature low = parsed.toLowS();
    return low == parsed ? der : low.encode();
  }

  @Override
  public boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (key == null || message == null || signature == null) {
      return false;
    }
    var parsed = EcdsaDerSignature.parse(signature);
    if (parsed.isEmpty() || !parsed.get().isCanonicalP256()) {
      return false;
    }
    try {
      PublicKey providerKey = keys.publicKey(key);
      Signature s = signatures.get();
      s.initVerify(providerKey);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // Wrong key type or curve, or a provider refusing odd input: all mean "not verified".
      LOG.debug("ecdsa-p256 verify rejected input ({}): {}", kind.id(), e.toString());
      return false;
    }
  }

  @Override
  public String certificateSignatureAlgorithm() {
    return SIGNATURE_ALGORITHM;
  }

  @Override
  public PrivateKey decodePrivateKey(byte[] pemOrDer) {
    if (pemOrDer == null || pemOrDer.length == 0) {
      throw new CryptoException("empty private key");
    }
    byte[] der;
    boolean sec1;
    if (Pem.isPem(pemOrDer)) {
      Pem.Block block = Pem.decodeFirst(pemOrDer);
      der = block.der();
      sec1 = block.label().equals("EC PRIVATE KEY");
    } else {
      der = pemOrDer;
      sec1 = false;
    }
    try {
      KeyFactory kf = KeyFactory.getInstance("EC");
      if (!sec1) {
        try {
          return kf.generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException notPkcs8) {
          // Raw DER may be SEC1 (openssl ecparam -genkey output); try that before giving up.
          if (Pem.isPem(pemOrDer)) {
            throw notPkcs8;
          }
        }
      }
      return kf.generatePrivate(new PKCS8EncodedKeySpec(sec1ToPkcs8(der)));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      // BouncyCastle's ASN.1 parser reports garbage with assorted runtime exceptions.
      throw new CryptoException("not a PKCS#8 or SEC1 P-256 private key: " + e.getMessage(), e);
    }
  }

  private static byte[] sec1ToPkcs8(byte[] sec1) throws IOException {
    var algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1);
    return new PrivateKeyInfo(algorithm, org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1))
        .getEncoded();
  }

  @Override
  public String encodePrivateKeyPem(PrivateKey key) {
    return Pem.encode("PRIVATE KEY", key.getEncoded());
  }

  @Override
  public PublicKey decodePublicKey(byte[] pemOrDer) {
    try {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Pem.toDer(pemOrDer)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CryptoException("not an X.509 EC public key: " + e.getMessage(), e);
    }
  }

  @Override
  public String encodePublicKeyPem(PublicKey key) {
    return Pem.encode("PUBLIC KEY", key.getEncoded());
  }

  @Override
  public X509Certificate parseCertificate(byte[] pemOrDer) {
    if (pemOrDer == null || pemOrDer.length == 0) {
      throw new CryptoException("not an X.509 certificate: empty input");
    }
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pemOrDer));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new CryptoException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  @Override
  public String encodeCertificatePem(X509Certificate certificate) {
    try {
      return Pem.encode("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new CryptoException("cannot encode certificate", e);
    }
  }

  @Override
  public String toString() {
    return "EcdsaP256Suite[" + kind.id() + "]";
  }

  private static final class DefaultHolder {
    static final EcdsaP256Suite INSTANCE = ProviderSelection.select();
  }
}
