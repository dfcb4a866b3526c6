package org.openbcs.fbft.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/** The name of a batch (R9.1): a hash over creator, sequence number, sealing height and envelopes, in order. */
public final class BatchDigest {
  private static final byte[] TAG = "FBFT-BATCHD1".getBytes(StandardCharsets.US_ASCII);

  private BatchDigest() {}

  public static Digest of(int creator, long seq, long sealedAt, List<byte[]> envelopes, UnaryOperator<byte[]> hash) {
    int size = TAG.length + 4 + 8 + 8 + 4;
    for (byte[] e : envelopes) {
      size += 4 + e.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(TAG).putInt(creator).putLong(seq).putLong(sealedAt).putInt(envelopes.size());
    for (byte[] e : envelopes) {
      b.putInt(e.length).put(e);
    }
    return Digest.of(hash.apply(b.array()));
  }

  public static Digest of(FbftMessage.Batch batch, UnaryOperator<byte[]> hash) {
    return of(batch.creator(), batch.seq(), batch.sealedAt(), batch.envelopes(), hash);
  }
}
