package org.openbcs.chaincode.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fabric-style ccaas packages: layout, ids, connection.json fields, and what is refused. */
class CcaasPackageTest {
  @TempDir Path dir;

  @Test
  void aBuiltPackageReadsBackWithFabricsIdAndIsDeterministic() throws IOException {
    CcaasConnection c =
        new CcaasConnection("127.0.0.1", 9999, Duration.ofMillis(2500), true, true, "ROOT\n", "CERT\n", "KEY\n");
    byte[] bytes = CcaasPackage.build("basic_1.0", c);
    Path file = dir.resolve("p.tar.gz");
    Files.write(file, bytes);

    CcaasPackage pkg = CcaasPackage.read(file);
    assertThat(pkg.label()).isEqualTo("basic_1.0");
    assertThat(pkg.connection()).isEqualTo(c);
    assertThat(pkg.packageId()).isEqualTo(CcaasPackage.idOf("basic_1.0", bytes)).startsWith("basic_1.0:").hasSize(10 + 64);
    assertThat(CcaasPackage.build("basic_1.0", c)).isEqualTo(bytes);
    assertThat(CcaasPackage.build("basic_2.0", c)).isNotEqualTo(bytes);
    assertThat(ChaincodePackage.isCcaas(file)).isTrue();
  }

  @Test
  void readsAFabricStyleConnectionJsonWithDefaultsAndUnknownMembers() {
    byte[] code = TarGz.write(Map.of("connection.json", bytes(
        "{\n  \"address\": \"cc.example.com:7052\", \"dial_timeout\": \"1m30s\",\n"
            + "  \"tls_required\": false, \"extra\": 3, \"note\": null }")));
    Map<String, byte[]> outer = new LinkedHashMap<>();
    outer.put("metadata.json", bytes("{\"path\":\"\",\"type\":\"ccaas\",\"label\":\"basic\"}"));
    outer.put("code.tar.gz", code);
    CcaasPackage pkg = CcaasPackage.parse(TarGz.write(outer), "test");
    assertThat(pkg.connection().host()).isEqualTo("cc.example.com");
    assertThat(pkg.connection().port()).isEqualTo(7052);
    assertThat(pkg.connection().dialTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(pkg.connection().tlsRequired()).isFalse();
  }

  @Test
  void otherFilesAndBrokenPackagesAreNotCcaas() throws IOException {
    Path jarDir = dir.resolve("jars");
    Files.createDirectories(jarDir);
    Path text = Files.writeString(dir.resolve("x.tar.gz"), "not gzip");
    Map<String, byte[]> outer = new LinkedHashMap<>();
    outer.put("metadata.json", bytes("{\"type\":\"java\",\"label\":\"basic\"}"));
    Path java = dir.resolve("java.tar.gz");
    Files.write(java, TarGz.write(outer));

    assertThat(ChaincodePackage.isCcaas(jarDir)).isFalse();
    assertThat(ChaincodePackage.isCcaas(text)).isFalse();
    assertThat(ChaincodePackage.isCcaas(java)).isFalse();
    assertThatThrownBy(() -> CcaasPackage.read(java)).hasMessageContaining("not \"ccaas\"");

    outer.put("metadata.json", bytes("{\"type\":\"ccaas\",\"label\":\"basic\"}"));
    assertThatThrownBy(() -> CcaasPackage.parse(TarGz.write(outer), "nocode")).hasMessageContaining("no code.tar.gz");
  }

  @Test
  void connectionSettingsAreValidated() {
    assertThatThrownBy(() -> CcaasConnection.fromJson("{\"dial_timeout\":\"10s\"}")).hasMessageContaining("address");
    assertThatThrownBy(() -> CcaasConnection.fromJson("{\"address\":\"h:1\",\"tls_required\":true}"))
        .hasMessageContaining("root_cert");
    assertThatThrownBy(() -> CcaasConnection.fromJson(
            "{\"address\":\"h:1\",\"tls_required\":true,\"root_cert\":\"R\",\"client_auth_required\":true}"))
        .hasMessageContaining("client_cert");
    assertThatThrownBy(() -> CcaasConnection.fromJson("{\"address\":\"h:1\",\"dial_timeout\":\"ten\"}"))
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> CcaasConnection.plaintext("nohost")).hasMessageContaining("host:port");
    assertThat(CcaasConnection.plaintext("[::1]:7052").address()).isEqualTo("[::1]:7052");
    assertThat(CcaasConnection.parseGoDuration("250ms")).isEqualTo(Duration.ofMillis(250));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
