package org.openbcs.common.bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Key order of the world state: unsigned UTF-8 byte order, as LevelDB orders Fabric's keys. Java's
 * {@code String.compareTo} orders by UTF-16 code unit and disagrees for supplementary characters,
 * so every range bound and sort goes through here.
 */
public final class Utf8Order {
  private Utf8Order() {}

  public static final Comparator<String> COMPARATOR = Utf8Order::compare;

  public static int compare(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  public static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }
}
