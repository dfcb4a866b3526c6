package org.openbcs.ledger.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.Version;

/**
 * Byte layouts of the world state and history column families.
 *
 * <ul>
 *   <li>state key: {@code ns 0x00 key}, so each namespace is one contiguous range in UTF-8 byte order;
 *   <li>state value: {@code blockNum u64 | txNum u64 | value};
 *   <li>history key: {@code ns 0x00 key 0x00 (MAX - blockNum) u64 | (MAX - txNum) u64}, so a forward
 *       scan of a key's prefix is newest first. Keys may contain 0x00 (composite keys), so an entry
 *       belongs to {@code key} only if exactly 16 bytes follow the prefix;
 *   <li>history value: {@code flags u8 (1 = delete) | timestamp millis u64 | txId length u32 | txId |
 *       value}.
 * </ul>
 */
public final class StateCodec {
  public static final int VERSION_BYTES = 16;

  private StateCodec() {}

  public static byte[] namespacePrefix(String namespace) {
    byte[] ns = namespaceBytes(namespace);
    byte[] p = Arrays.copyOf(ns, ns.length + 1);
    p[ns.length] = 0;
    return p;
  }

  /** First key after every key of the namespace. */
  public static byte[] namespaceEnd(String namespace) {
    byte[] p = namespacePrefix(namespace);
    p[p.length - 1] = 1;
    return p;
  }

  public static byte[] stateKey(String namespace, String key) {
    byte[] ns = namespaceBytes(namespace);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[ns.length + 1 + k.length];
    System.arraycopy(ns, 0, out, 0, ns.length);
    System.arraycopy(k, 0, out, ns.length + 1, k.length);
    return out;
  }

  /** The namespace-relative key of a state key whose namespace prefix has {@code prefixLength} bytes. */
  public static String keyOf(byte[] stateKey, int prefixLength) {
    return new String(stateKey, prefixLength, stateKey.length - prefixLength, StandardCharsets.UTF_8);
  }

  /** Splits a state key into namespace and key (first 0x00 separates them). */
  public static String[] split(byte[] stateKey) {
    for (int i = 0; i < stateKey.length; i++) {
      if (stateKey[i] == 0) {
        return new String[] {
          new String(stateKey, 0, i, StandardCharsets.UTF_8),
          new String(stateKey, i + 1, stateKey.length - i - 1, StandardCharsets.UTF_8)
        };
      }
    }
    throw new LedgerException("state key without namespace separator: " + Arrays.toString(stateKey));
  }

  private static byte[] namespaceBytes(String namespace) {
    if (namespace.indexOf('\u0000') >= 0) {
      throw new LedgerException("namespace '" + namespace.replace("\u0000", "\\u0000") + "' contains U+0000");
    }
    return namespace.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] encodeValue(Version version, byte[] value) {
    return ByteBuffer.allocate(VERSION_BYTES + value.length)
        .putLong(version.blockNum())
        .putLong(version.txNum())
        .put(value)
        .array();
  }

  public static Version decodeVersion(byte[] stored) {
    checkLength(stored);
    ByteBuffer b = ByteBuffer.wrap(stored);
    return new Version(b.getLong(), b.getLong());
  }

  public static byte[] decodeValue(byte[] stored) {
    checkLength(stored);
    return Arrays.copyOfRange(stored, VERSION_BYTES, stored.length);
  }

  private static void checkLength(byte[] stored) {
    if (stored.length < VERSION_BYTES) {
      throw new LedgerException("state value of " + stored.length + " bytes is shorter than its version");
    }
  }

  public static byte[] historyPrefix(byte[] stateKey) {
    byte[] p = Arrays.copyOf(stateKey, stateKey.length + 1);
    p[stateKey.length] = 0;
    return p;
  }

  public static byte[] historyKey(byte[] stateKey, Version version) {
    return ByteBuffer.allocate(stateKey.length + 1 + VERSION_BYTES)
        .put(stateKey)
        .put((byte) 0)
        .putLong(Long.MAX_VALUE - version.blockNum())
        .putLong(Long.MAX_VALUE - version.txNum())
        .array();
  }

  public static Version historyVersion(byte[] historyKey) {
    ByteBuffer b = ByteBuffer.wrap(historyKey, historyKey.length - VERSION_BYTES, VERSION_BYTES);
    return new Version(Long.MAX_VALUE - b.getLong(), Long.MAX_VALUE - b.getLong());
  }

  public static byte[] encodeHistory(String txId, long timestampMillis, boolean isDelete, byte[] value) {
    byte[] id = txId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 8 + 4 + id.length + value.length)
        .put((byte) (isDelete ? 1 : 0))
        .putLong(timestampMillis)
        .putInt(id.length)
        .put(id)
        .put(value)
        .array();
  }

  /** Decoded history value. */
  public record HistoryValue(String txId, long timestampMillis, boolean isDelete, byte[] value) {}

  public static HistoryValue decodeHistory(byte[] stored) {
    if (stored.length < 13) {
      throw new LedgerException("history value of " + stored.length + " bytes is too short");
    }
    ByteBuffer b = ByteBuffer.wrap(stored);
    boolean delete = b.get() == 1;
    long ts = b.getLong();
    int idLen = b.getInt();
    if (idLen < 0 || idLen > b.remaining()) {
      throw new LedgerException("history value has a tx id length " + idLen + " beyond its end");
    }
    String txId = new String(stored, 13, idLen, StandardCharsets.UTF_8);
    byte[] value = Arrays.copyOfRange(stored, 13 + idLen, stored.length);
    return new HistoryValue(txId, ts, delete, value);
  }
}
