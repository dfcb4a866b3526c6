package org.openbcs.peer.endorser;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.openbcs.common.bytes.Hex;

/**
 * Fabric's transaction id: lowercase hex of SHA-256(nonce ‖ creator). Fabric fixes SHA-256 here
 * whatever the channel's crypto suite, and the Gateway clients compute it the same way, so this is
 * the one hash that does not go through the suite.
 */
public final class TxIds {
  private TxIds() {}

  public static String compute(ByteString nonce, ByteString creator) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(nonce.asReadOnlyByteBuffer());
      sha256.update(creator.asReadOnlyByteBuffer());
      return Hex.encode(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
