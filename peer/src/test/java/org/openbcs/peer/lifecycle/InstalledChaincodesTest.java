package org.openbcs.peer.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.openbcs.chaincode.launcher.CcaasConnection;
import org.openbcs.chaincode.launcher.CcaasPackage;
import org.openbcs.chaincode.launcher.PackageId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-peer install registry: ids, idempotence, and which package a definition binds to. */
class InstalledChaincodesTest {
  @TempDir Path dir;

  @Test
  void installCopiesTheJarsAndKeepsTheLaunchersPackageId() throws IOException {
    Path pkg = packageDir("one", "v1");
    InstalledChaincodes installed = new InstalledChaincodes(dir.resolve("peer"));

    String id = installed.install("basic_1.0", pkg);

    assertThat(id).isEqualTo(PackageId.of("basic_1.0", pkg));
    InstalledChaincodes.InstalledPackage copy = installed.list().getFirst();
    assertThat(PackageId.of("basic_1.0", copy.directory())).isEqualTo(id);
    assertThat(copy.directory().resolve("lib").resolve("dep.jar")).exists();
    assertThat(installed.install("basic_1.0", pkg)).isEqualTo(id);
    assertThat(installed.list()).hasSize(1);
  }

  @Test
  void aDefinitionBindsToNameAndVersionFirstThenToTheBareName() throws IOException {
    InstalledChaincodes installed = new InstalledChaincodes(dir.resolve("peer"));
    String bare = installed.install("basic", packageDir("bare", "x"));
    String versioned = installed.install("basic_2.0", packageDir("versioned", "y"));

    assertThat(installed.forDefinition("basic", "2.0")).get().extracting(InstalledChaincodes.InstalledPackage::packageId).isEqualTo(versioned);
    assertThat(installed.forDefinition("basic", "1.0")).get().extracting(InstalledChaincodes.InstalledPackage::packageId).isEqualTo(bare);
    assertThat(installed.forDefinition("other", "1.0")).isEmpty();
  }

  @Test
  void aCcaasPackageIsKeptAsIsUnderItsOwnLabelAndFabricsId() throws IOException {
    byte[] bytes = CcaasPackage.build("basic_1.0", CcaasConnection.plaintext("127.0.0.1:9999"));
    Path file = Files.write(dir.resolve("basic.tar.gz"), bytes);
    InstalledChaincodes installed = new InstalledChaincodes(dir.resolve("peer"));

    String id = installed.install("basic_1.0", file);

    assertThat(id).isEqualTo(CcaasPackage.idOf("basic_1.0", bytes));
    InstalledChaincodes.InstalledPackage pkg = installed.forDefinition("basic", "1.0").orElseThrow();
    assertThat(pkg.isCcaas()).isTrue();
    assertThat(pkg.packageId()).isEqualTo(id);
    assertThat(Files.readAllBytes(pkg.ccaasFile())).isEqualTo(bytes);
    assertThat(installed.installCcaas(bytes)).isEqualTo(id);
    assertThat(installed.list()).hasSize(1);
    assertThatThrownBy(() -> installed.install("basic_2.0", file))
        .hasMessageContaining("labelled 'basic_1.0', not 'basic_2.0'");
  }

  @Test
  void badLabelsAndMissingPackagesAreRefused() {
    InstalledChaincodes installed = new InstalledChaincodes(dir.resolve("peer"));
    assertThatThrownBy(() -> installed.install("bad label", dir)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> installed.install("ok", dir.resolve("missing")))
        .hasMessageContaining("is not a directory");
  }

  private Path packageDir(String name, String content) throws IOException {
    Path pkg = dir.resolve(name);
    Files.createDirectories(pkg.resolve("lib"));
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "example.Main" + content);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(pkg.resolve("cc.jar")), manifest)) {
      out.flush();
    }
    Files.writeString(pkg.resolve("lib").resolve("dep.jar"), "dependency " + content);
    Files.writeString(pkg.resolve("README.txt"), "not part of the package");
    return pkg;
  }
}
