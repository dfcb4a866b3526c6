package org.openbcs.node.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The single certificate or key file that Fabric's MSP layout keeps in signcerts/ and keystore/. */
public final class MspFiles {
  private MspFiles() {}

  public static Path signingCertificate(Path mspDir) {
    return single(mspDir.resolve("signcerts"));
  }

  public static Path privateKey(Path mspDir) {
    return single(mspDir.resolve("keystore"));
  }

  private static Path single(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .sorted()
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no file in " + dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
