package org.openbcs.ledger;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.openbcs.crypto.CryptoSuite;

/**
 * Fabric's block hashes. {@code data_hash} is the hash of the plain concatenation of the envelope
 * bytes; the header hash is the hash of the DER encoding of {@code SEQUENCE { INTEGER number, OCTET
 * STRING previous_hash, OCTET STRING data_hash }} (Go's encoding/asn1 of Fabric's asn1Header).
 */
public final class BlockHashing {
  private BlockHashing() {}

  public static byte[] dataHash(CryptoSuite suite, BlockData data) {
    CryptoSuite.Hasher h = suite.newHasher();
    // One scratch buffer instead of a fresh array per envelope: a 500-tx block hashed ~1 MB of garbage.
    byte[] scratch = new byte[8192];
    for (ByteString envelope : data.getDataList()) {
      int size = envelope.size();
      if (size > scratch.length) {
        scratch = new byte[Math.max(size, scratch.length * 2)];
      }
      envelope.copyTo(scratch, 0);
      h.update(scratch, 0, size);
    }
    return h.digest();
  }

  public static byte[] headerHash(CryptoSuite suite, BlockHeader header) {
    return suite.hash(headerDer(header));
  }

  /** DER bytes of the header, as hashed. */
  public static byte[] headerDer(BlockHeader header) {
    if (header.getNumber() < 0) {
      throw new LedgerException("block number " + header.getNumber() + " is negative");
    }
    byte[] number = BigInteger.valueOf(header.getNumber()).toByteArray(); // minimal, two's complement
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    tlv(body, 0x02, number);
    tlv(body, 0x04, header.getPreviousHash().toByteArray());
    tlv(body, 0x04, header.getDataHash().toByteArray());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tlv(out, 0x30, body.toByteArray());
    return out.toByteArray();
  }

  private static void tlv(ByteArrayOutputStream out, int tag, byte[] value) {
    out.write(tag);
    int len = value.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      byte[] l = BigInteger.valueOf(len).toByteArray();
      int start = l[0] == 0 ? 1 : 0;
      out.write(0x80 | (l.length - start));
      out.write(l, start, l.length - start);
    }
    out.write(value, 0, value.length);
  }
}
