package org.openbcs.crypto.verify;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import org.openbcs.crypto.CryptoException;

/**
 * The identity of one (public key, message, signature) triple: SHA-256 over the three,
 * each prefixed with its length so that no two different triples share an input. SHA-256 is fixed
 * here whatever the suite, because this is only a cache key: collision resistance is all it needs.
 */
record TripleDigest(long w0, long w1, long w2, long w3) {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
              throw new CryptoException("SHA-256 unavailable", e);
            }
          });

  static TripleDigest of(PublicKey key, byte[] message, byte[] signature) {
    byte[] encodedKey = key.getEncoded();
    if (encodedKey == null) {
      throw new CryptoException("public key " + key.getAlgorithm() + " has no encoding");
    }
    MessageDigest md = SHA256.get();
    byte[] length = new byte[Integer.BYTES];
    update(md, length, encodedKey);
    update(md, length, message);
    update(md, length, signature);
    ByteBuffer d = ByteBuffer.wrap(md.digest());
    return new TripleDigest(d.getLong(), d.getLong(), d.getLong(), d.getLong());
  }

  private static void update(MessageDigest md, byte[] lengthScratch, byte[] part) {
    ByteBuffer.wrap(lengthScratch).putInt(part.length);
    md.update(lengthScratch);
    md.update(part);
  }
}
