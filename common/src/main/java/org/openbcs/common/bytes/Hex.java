package org.openbcs.common.bytes;

import java.util.HexFormat;

/** Lowercase hex, as Fabric prints transaction ids and hashes. */
public final class Hex {
  private static final HexFormat FORMAT = HexFormat.of();

  private Hex() {}

  public static String encode(byte[] bytes) {
    return FORMAT.formatHex(bytes);
  }

  public static byte[] decode(String hex) {
    return FORMAT.parseHex(hex);
  }
}
