package org.openbcs.chaincode.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package ids and the chaincode JVM's command line and Fabric environment. */
class LauncherPackagingTest {

  private static void jar(Path file, String mainClass) throws Exception {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    Files.createDirectories(file.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), m)) {
      out.flush();
    }
  }

  @Test
  void packageIdHashesOnlyTheJarsAndChangesWithThem(@TempDir Path dir) throws Exception {
    jar(dir.resolve("cc.jar"), "org.example.Main");
    jar(dir.resolve("lib/dep.jar"), null);
    String id = PackageId.of("basic_1.0", dir);
    assertThat(id).matches("basic_1\\.0:[0-9a-f]{64}");

    Files.writeString(dir.resolve("notes.txt"), "build leftovers");
    Files.createDirectories(dir.resolve("classes"));
    assertThat(PackageId.of("basic_1.0", dir)).isEqualTo(id);

    Files.write(dir.resolve("lib/dep.jar"), new byte[] {1, 2, 3});
    assertThat(PackageId.of("basic_1.0", dir)).isNotEqualTo(id);
    assertThat(PackageId.of("other", dir)).startsWith("other:");
    assertThatThrownBy(() -> PackageId.of("bad label", dir)).hasMessageContaining("invalid chaincode package label");
  }

  @Test
  void processSpecCarriesFabricEnvironmentAndShimTlsQuirk(@TempDir Path dir) throws Exception {
    Path pkgDir = dir.resolve("pkg");
    jar(pkgDir.resolve("cc.jar"), "org.hyperledger.fabric.contract.ContractRouter");
    jar(pkgDir.resolve("lib/a.jar"), null);
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Files.writeString(tls.resolve("ca.crt"), "CA PEM");
    Files.writeString(tls.resolve("client.crt"), "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n");
    Files.writeString(tls.resolve("client.key"), "-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n");

    ChaincodePackage pkg = ChaincodePackage.load("basic", pkgDir);
    assertThat(pkg.mainClass()).isEqualTo("org.hyperledger.fabric.contract.ContractRouter");
    LauncherConfig config =
        new LauncherConfig("127.0.0.1:7052",
            new ChaincodeTls(tls.resolve("ca.crt"), tls.resolve("client.crt"), tls.resolve("client.key")),
            "Org1MSP", dir.resolve("data"), Duration.ofSeconds(5), List.of("-Xmx64m"));
    ChaincodeProcessSpec spec = ChaincodeProcessSpec.of(pkg, config);

    assertThat(spec.command().getFirst()).isEqualTo(ProcessHandle.current().info().command().orElseThrow());
    assertThat(spec.command()).contains("-Xmx64m", "org.hyperledger.fabric.contract.ContractRouter");
    assertThat(spec.command().get(spec.command().indexOf("-cp") + 1))
        .contains("cc.jar").contains("a.jar");
    var env = spec.environment();
    assertThat(env).containsEntry("CORE_CHAINCODE_ID_NAME", pkg.packageId())
        .containsEntry("CORE_PEER_ADDRESS", "127.0.0.1:7052")
        .containsEntry("CORE_PEER_TLS_ENABLED", "true")
        .containsEntry("CORE_PEER_LOCALMSPID", "Org1MSP")
        // Without them the shim's contract router logs every transaction at INFO.
        .containsEntry(
            "CORE_CHAINCODE_LOGGING_LEVEL",
            Objects.requireNonNullElse(System.getenv("CORE_CHAINCODE_LOGGING_LEVEL"), "warning"))
        .containsEntry(
            "CORE_CHAINCODE_LOGGING_SHIM",
            Objects.requireNonNullElse(System.getenv("CORE_CHAINCODE_LOGGING_SHIM"), "warning"));
    // *_PATH files hold the base64 of the PEM text; *_FILE files hold the PEM itself.
    byte[] certB64 = Files.readAllBytes(Path.of(env.get("CORE_TLS_CLIENT_CERT_PATH")));
    assertThat(new String(Base64.getDecoder().decode(certB64), StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(tls.resolve("client.crt")));
    byte[] keyB64 = Files.readAllBytes(Path.of(env.get("CORE_TLS_CLIENT_KEY_PATH")));
    assertThat(new String(Base64.getDecoder().decode(keyB64), StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(tls.resolve("client.key")));
    assertThat(Files.readString(Path.of(env.get("CORE_TLS_CLIENT_KEY_FILE"))))
        .isEqualTo(Files.readString(tls.resolve("client.key")));
    assertThat(Files.readString(Path.of(env.get("CORE_TLS_CLIENT_CERT_FILE"))))
        .isEqualTo(Files.readString(tls.resolve("client.crt")));
    assertThat(env.get("CORE_PEER_TLS_ROOTCERT_FILE")).endsWith("ca.crt");
    assertThat(spec.logFile().startsWith(dir.resolve("data"))).isTrue();
  }

  @Test
  void packageWithoutMainClassIsRejected(@TempDir Path dir) throws Exception {
    jar(dir.resolve("cc.jar"), null);
    assertThatThrownBy(() -> ChaincodePackage.load("x", dir))
        .hasMessageContaining("exactly one top-level jar with a Main-Class");
  }
}
