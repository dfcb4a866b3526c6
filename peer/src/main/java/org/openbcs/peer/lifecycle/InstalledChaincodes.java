package org.openbcs.peer.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.openbcs.chaincode.launcher.CcaasPackage;
import org.openbcs.chaincode.launcher.ChaincodePackage;
import org.openbcs.chaincode.launcher.PackageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's installed chaincode packages: {@code <dataDir>/chaincodes/<label>.<hash>/} holds a
 * copy of the package's jars (top-level jar with Main-Class plus {@code lib/*.jar}) and a {@code
 * package-id} file. The package id is the launcher's ({@link PackageId}: {@code label:sha256hex}
 * over the jars), so a copy has the same id as its source.
 *
 * <p>A chaincode-as-a-service package ({@link CcaasPackage}: Fabric's "ccaas" type, naming the
 * address of a chaincode server the peer dials) is kept as is, as {@code <label>.<hash>/ccaas.tar.gz};
 * its id is Fabric's, {@code label:sha256(file)}, with the label from its metadata.json.
 *
 * <p>Binding a definition to a package: the package labelled {@code <name>_<version>} if
 * installed, else the one labelled {@code <name>} (newest install wins). {@code bcs chaincode
 * deploy} installs with label {@code <name>_<version>}.
 */
public final class InstalledChaincodes {
  private static final Logger log = LoggerFactory.getLogger(InstalledChaincodes.class);
  static final String ID_FILE = "package-id";
  static final String CCAAS_FILE = "ccaas.tar.gz";

  private final Path root;

  public InstalledChaincodes(Path dataDir) {
    this.root = dataDir.resolve("chaincodes");
  }

  public Path root() {
    return root;
  }

  /**
   * Copies {@code packageDir} in (idempotent: same content, same id) and returns the package id. A
   * ccaas package file is installed with {@link #installCcaas}; its own label must be {@code label}.
   */
  public synchronized String install(String label, Path packageDir) {
    PackageId.requireValidLabel(label);
    if (ChaincodePackage.isCcaas(packageDir)) {
      CcaasPackage pkg = CcaasPackage.read(packageDir);
      if (!pkg.label().equals(label)) {
        throw new IllegalArgumentException(
            "ccaas package " + packageDir + " is labelled '" + pkg.label() + "', not '" + label
                + "' (its id, which the chaincode server registers with, depends on its label)");
      }
      return installCcaas(readAll(packageDir));
    }
    if (!Files.isDirectory(packageDir)) {
      throw new IllegalArgumentException("chaincode package " + packageDir + " is not a directory");
    }
    String packageId = PackageId.of(label, packageDir);
    if (installAtomically(label, packageId, staging -> copyJars(packageDir, staging))) {
      log.info("installed chaincode package {} from {}", packageId, packageDir);
    }
    return packageId;
  }

  /**
   * Installs a chaincode-as-a-service package (the bytes of its file; idempotent) and returns its
   * id, {@code label:sha256} with the label of its metadata.json.
   */
  public synchronized String installCcaas(byte[] packageBytes) {
    CcaasPackage pkg = CcaasPackage.parse(packageBytes, "(to install)");
    boolean installed = installAtomically(pkg.label(), pkg.packageId(), staging -> {
      Files.createDirectories(staging);
      Files.write(staging.resolve(CCAAS_FILE), packageBytes);
    });
    if (installed) {
      log.info("installed chaincode-as-a-service package {} (server {})", pkg.packageId(), pkg.connection().address());
    }
    return pkg.packageId();
  }

  /** Writes a package's files into a staging directory. */
  @FunctionalInterface
  private interface Stager {
    void stage(Path staging) throws IOException;
  }

  /**
   * Installs under {@code <label>.<hash>} unless already there (installs are idempotent): the files
   * and the id file go to a staging directory first, and one rename makes them visible, so a crash
   * never leaves a half-written package. Returns whether it was installed now.
   */
  private boolean installAtomically(String label, String packageId, Stager files) {
    String hash = packageId.substring(packageId.lastIndexOf(':') + 1);
    Path target = root.resolve(label + "." + hash);
    if (Files.exists(target.resolve(ID_FILE))) {
      return false;
    }
    try {
      Path staging = root.resolve(".staging-" + label + "." + hash);
      deleteRecursively(staging);
      files.stage(staging);
      Files.writeString(staging.resolve(ID_FILE), packageId, StandardCharsets.UTF_8);
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install chaincode package " + packageId, e);
    }
    return true;
  }

  /**
   * An installed package: its id and directory. The directory holds either jars (the peer starts
   * a JVM) or a {@link #ccaasFile()} (the peer dials the chaincode server it names).
   */
  public record InstalledPackage(String packageId, String label, Path directory) {
    public boolean isCcaas() {
      return Files.isRegularFile(ccaasFile());
    }

    public Path ccaasFile() {
      return directory.resolve(CCAAS_FILE);
    }
  }

  public List<InstalledPackage> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<InstalledPackage> result = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted(Comparator.comparing(InstalledChaincodes::modified)).toList()) {
        Path idFile = dir.resolve(ID_FILE);
        if (Files.isRegularFile(idFile)) {
          String id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
          result.add(new InstalledPackage(id, id.substring(0, id.lastIndexOf(':')), dir));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list installed chaincodes in " + root, e);
    }
    return result;
  }

  /** The package serving chaincode {@code name} at {@code version}, newest install first. */
  public Optional<InstalledPackage> forDefinition(String name, String version) {
    List<InstalledPackage> all = list();
    for (String label : List.of(name + "_" + version, name)) {
      for (int i = all.size() - 1; i >= 0; i--) {
        if (all.get(i).label().equals(label)) {
          return Optional.of(all.get(i));
        }
      }
    }
    return Optional.empty();
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chaincode package " + file, e);
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  private static void copyJars(Path from, Path to) throws IOException {
    for (Path jar : PackageId.jars(from)) {
      Path target = to.resolve(from.relativize(jar).toString());
      Files.createDirectories(target.getParent());
      Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
