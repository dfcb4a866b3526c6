package org.openbcs.chaincode.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A runnable chaincode package directory: its id, its classpath and the Main-Class of its one
 * top-level jar that declares one (a contract-API chaincode names ContractRouter there).
 */
public record ChaincodePackage(
    String label, String packageId, Path directory, List<Path> classpath, String mainClass) {

  public static ChaincodePackage load(String label, Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("chaincode package directory " + dir + " does not exist");
    }
    String id = PackageId.of(label, dir);
    List<Path> jars = PackageId.jars(dir);
    List<String> mains = new ArrayList<>();
    try (Stream<Path> top = Files.list(dir)) {
      for (Path jar : top.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
        String main = mainClassOf(jar);
        if (main != null) {
          mains.add(main);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list chaincode package directory " + dir, e);
    }
    if (mains.size() != 1) {
      throw new IllegalArgumentException(
          "chaincode package "
              + dir
              + " must have exactly one top-level jar with a Main-Class, found "
              + mains);
    }
    return new ChaincodePackage(label, id, dir, jars, mains.getFirst());
  }

  /**
   * True if {@code path} is a chaincode-as-a-service package file ({@link CcaasPackage}): the peer
   * dials the server it names instead of starting a JVM from a package directory.
   */
  public static boolean isCcaas(Path path) {
    return CcaasPackage.recognises(path);
  }

  private static String mainClassOf(Path jar) {
    try (JarFile jf = new JarFile(jar.toFile())) {
      Manifest m = jf.getManifest();
      return m == null ? null : m.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chaincode jar " + jar, e);
    }
  }

  /** File-system-safe short name for logs and per-package files. */
  public String fileStem() {
    return label + "-" + packageId.substring(packageId.indexOf(':') + 1, packageId.indexOf(':') + 13);
  }
}
