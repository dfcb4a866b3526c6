package org.openbcs.identity.ca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/** File writes of the CA: keys created owner-only from the first byte, public files atomically. */
final class SecretFiles {
  private SecretFiles() {}

  /**
   * Creates {@code file} with mode 0600 at creation (no window in which the key is world-readable)
   * and writes {@code text}. Fails if the file exists.
   */
  static void writeSecret(Path file, String text) {
    createParent(file);
    var options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (SeekableByteChannel ch =
        posix(file)
            ? Files.newByteChannel(file, options, ownerOnly())
            : Files.newByteChannel(file, options)) {
      ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    } catch (FileAlreadyExistsException e) {
      throw new CaException("refusing to overwrite existing key file " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write key file " + file, e);
    }
  }

  /** Creates {@code file} with {@code text}; fails if it exists. */
  static void writeNew(Path file, String text) {
    createParent(file);
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      throw new CaException("refusing to overwrite existing file " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Replaces {@code file} atomically: readers (a node reloading its MSP) see the old or the new
   * content, never a torn one. The temporary name is hidden so MSP loading skips a leftover.
   */
  static void replace(Path file, String text) {
    createParent(file);
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + dir, e);
    }
  }

  private static void createParent(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      createDirectories(parent);
    }
  }

  private static boolean posix(Path file) {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }
}
