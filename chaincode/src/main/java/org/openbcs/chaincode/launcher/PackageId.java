package org.openbcs.chaincode.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openbcs.common.bytes.Hex;

/**
 * Fabric 2.x package ids, {@code label:sha256hex}. A package directory holds the chaincode jar(s)
 * at its top level and their dependencies in {@code lib/}; the hash covers exactly those jars
 * (relative path and content, in path order), so build leftovers next to them do not change the id.
 */
public final class PackageId {
  /** Fabric's label rule (core/chaincode/persistence/chaincode_package.go). */
  private static final Pattern LABEL = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.+-]*$");

  private PackageId() {}

  public static String of(String label, Path packageDir) {
    requireValidLabel(label);
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
    byte[] buffer = new byte[64 * 1024];
    for (Path jar : jars(packageDir)) {
      String rel = packageDir.relativize(jar).toString().replace('\\', '/');
      byte[] name = rel.getBytes(StandardCharsets.UTF_8);
      try {
        // Length-prefixed name and size keep (name, content) pairs unambiguous in the stream.
        sha256.update(ByteBuffer.allocate(12).putInt(name.length).putLong(Files.size(jar)).array());
        sha256.update(name);
        try (InputStream in = Files.newInputStream(jar)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            sha256.update(buffer, 0, n);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read chaincode package file " + jar, e);
      }
    }
    return label + ":" + Hex.encode(sha256.digest());
  }

  public static void requireValidLabel(String label) {
    if (label == null || !LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(
          "invalid chaincode package label '" + label + "': must match " + LABEL.pattern());
    }
  }

  /** The package's jars: {@code *.jar} at the top level, then {@code lib/*.jar}, sorted. */
  public static List<Path> jars(Path packageDir) {
    List<Path> result = new ArrayList<>(jarsIn(packageDir));
    Path lib = packageDir.resolve("lib");
    if (Files.isDirectory(lib)) {
      result.addAll(jarsIn(lib));
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("chaincode package " + packageDir + " contains no jar files");
    }
    return result;
  }

  private static List<Path> jarsIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list chaincode package directory " + dir, e);
    }
  }
}
