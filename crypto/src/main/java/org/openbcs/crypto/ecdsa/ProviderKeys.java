package org.openbcs.crypto.ecdsa;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.cache.BoundedLruCache;

/**
 * Converts keys from whatever provider made them (usually the JDK's certificate parser) into the
 * signing provider's own key objects, and remembers the result: Conscrypt and BouncyCastle would
 * otherwise re-parse and re-validate the curve point on every signature.
 */
final class ProviderKeys {
  /** Distinct public keys remembered: every member, client and node identity a node sees, with margin. */
  static final int PUBLIC_KEYS_MAX = 20_000;

  /** Distinct private keys remembered: a node signs with a handful of identities. */
  static final int PRIVATE_KEYS_MAX = 64;

  private final Provider provider;
  private final BoundedLruCache<Encoded, PublicKey> publicKeys = new BoundedLruCache<>(PUBLIC_KEYS_MAX);
  private final BoundedLruCache<Encoded, PrivateKey> privateKeys = new BoundedLruCache<>(PRIVATE_KEYS_MAX);

  ProviderKeys(Provider provider) {
    this.provider = provider;
  }

  /** The provider's P-256 public key equal to {@code key}; throws if it is not a P-256 EC key. */
  PublicKey publicKey(PublicKey key) {
    byte[] encoded = encodedEcKey(key, "X.509");
    return publicKeys.computeIfAbsent(
        new Encoded(encoded),
        e -> {
          try {
            PublicKey converted = keyFactory().generatePublic(new X509EncodedKeySpec(e.bytes()));
            requireP256(converted);
            return converted;
          } catch (GeneralSecurityException | RuntimeException ex) {
            throw new CryptoException("not a P-256 public key: " + ex.getMessage(), ex);
          }
        });
  }

  /** The provider's P-256 private key equal to {@code key}; throws if it is not a P-256 EC key. */
  PrivateKey privateKey(PrivateKey key) {
    byte[] encoded = encodedEcKey(key, "PKCS#8");
    return privateKeys.computeIfAbsent(
        new Encoded(encoded),
        e -> {
          try {
            PrivateKey converted = keyFactory().generatePrivate(new PKCS8EncodedKeySpec(e.bytes()));
            requireP256(converted);
            return converted;
          } catch (GeneralSecurityException | RuntimeException ex) {
            throw new CryptoException("not a P-256 private key: " + ex.getMessage(), ex);
          }
        });
  }

  private static byte[] encodedEcKey(Key key, String format) {
    if (!"EC".equals(key.getAlgorithm())) {
      throw new CryptoException("not an EC key: algorithm " + key.getAlgorithm());
    }
    byte[] encoded = key.getEncoded();
    if (encoded == null || !format.equals(key.getFormat())) {
      throw new CryptoException("EC key has no " + format + " encoding (format " + key.getFormat() + ")");
    }
    return encoded;
  }

  private static void requireP256(Key key) {
    if (!(key instanceof ECKey ec)
        || !EcdsaDerSignature.P256_ORDER.equals(ec.getParams().getOrder())) {
      throw new CryptoException("EC key is not on curve P-256 (secp256r1)");
    }
  }

  private KeyFactory keyFactory() throws GeneralSecurityException {
    return KeyFactory.getInstance("EC", provider);
  }

  /** Key encoding compared by content, as a cache key. */
  private record Encoded(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Encoded other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Encoded[" + bytes.length + " bytes]";
    }
  }
}
