package org.openbcs.chaincode.launcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The gzip-compressed tar archives of Fabric chaincode packages: only regular files are read
 * (directories, links and pax headers are skipped), and written archives are deterministic (no
 * timestamps, owners or modes from the host) so the same content always has the same package id.
 */
final class TarGz {
  private static final int BLOCK = 512;

  private TarGz() {}

  /** The regular files of the archive by name; a file larger than {@code maxEntryBytes} is refused. */
  static Map<String, byte[]> read(byte[] archive, long maxEntryBytes) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(archive))) {
      byte[] header = new byte[BLOCK];
      while (readFully(in, header)) {
        if (isZero(header)) {
          break; // end-of-archive marker
        }
        String name = entryName(header);
        long size = parseOctal(header, 124, 12, name);
        char type = (char) header[156];
        if (size < 0 || size > maxEntryBytes) {
          throw new IllegalArgumentException(
              "archive entry '" + name + "' has size " + size + ", limit " + maxEntryBytes);
        }
        byte[] content = new byte[(int) size];
        if (size > 0 && !readFully(in, content)) {
          throw new IllegalArgumentException("archive entry '" + name + "' is truncated");
        }
        long padding = (BLOCK - size % BLOCK) % BLOCK;
        in.skipNBytes(padding);
        if (type == '0' || type == '\0') {
          files.put(name, content);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a gzip-compressed tar archive: " + e.getMessage(), e);
    }
    return files;
  }

  /** A ustar archive of {@code files} in the given order, gzip-compressed. */
  static byte[] write(Map<String, byte[]> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        out.write(header(f.getKey(), f.getValue().length));
        out.write(f.getValue());
        out.write(new byte[(BLOCK - f.getValue().length % BLOCK) % BLOCK]);
      }
      out.write(new byte[2 * BLOCK]);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build archive in memory", e);
    }
    return bytes.toByteArray();
  }

  private static byte[] header(String name, int size) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length > 100) {
      throw new IllegalArgumentException("archive entry name too long: " + name);
    }
    byte[] h = new byte[BLOCK];
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    h[156] = '0';
    byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    // The checksum is computed with its own field as spaces.
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    h[155] = ' ';
    return h;
  }

  /** Zero-padded octal digits followed by NUL, in a field of {@code len} bytes. */
  private static void octal(byte[] h, int off, int len, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, len - 1 - digits.length())) + digits;
    byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  private static String entryName(byte[] h) {
    String name = cString(h, 0, 100);
    boolean ustar = cString(h, 257, 6).startsWith("ustar");
    String prefix = ustar ? cString(h, 345, 155) : "";
    String full = prefix.isEmpty() ? name : prefix + "/" + name;
    return full.startsWith("./") ? full.substring(2) : full;
  }

  private static String cString(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long parseOctal(byte[] h, int off, int len, String entry) {
    String s = cString(h, off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("archive entry '" + entry + "' has a malformed size field", e);
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** False at a clean end of stream; throws on a partial block. */
  private static boolean readFully(InputStream in, byte[] buf) throws IOException {
    int n = in.readNBytes(buf, 0, buf.length);
    if (n == 0) {
      return false;
    }
    if (n < buf.length) {
      throw new IOException("truncated archive");
    }
    return true;
  }
}
