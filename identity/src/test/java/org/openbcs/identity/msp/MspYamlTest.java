package org.openbcs.identity.msp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MspYamlTest {
  @Test
  void parsesFabricConfigYamlWithCommentsQuotesAndOuList() {
    String text =
        """
        # written by cryptogen
        NodeOUs:
          Enable: true   # NodeOUs on
          ClientOUIdentifier:
            Certificate: "cacerts/ca.org1.example.com-cert.pem"
            OrganizationalUnitIdentifier: client
          PeerOUIdentifier:
            Certificate: cacerts/ca.org1.example.com-cert.pem
            OrganizationalUnitIdentifier: 'peer'
        OrganizationalUnitIdentifiers:
        - Certificate: cacerts/ca.pem
          OrganizationalUnitIdentifier: COP
          - skipped: never
        """;
    // The last item line is more indented than the mapping it would belong to: invalid.
    assertThatThrownBy(() -> MspYaml.parse(text)).hasMessageContaining("unexpected indentation");

    Map<String, Object> yaml = MspYaml.parse(text.replace("  - skipped: never\n", ""));
    @SuppressWarnings("unchecked")
    Map<String, Object> nodeOus = (Map<String, Object>) yaml.get("NodeOUs");
    assertThat(nodeOus.get("Enable")).isEqualTo("true");
    assertThat(nodeOus.get("ClientOUIdentifier"))
        .isEqualTo(
            Map.of(
                "Certificate", "cacerts/ca.org1.example.com-cert.pem",
                "OrganizationalUnitIdentifier", "client"));
    assertThat(((Map<?, ?>) nodeOus.get("PeerOUIdentifier")).get("OrganizationalUnitIdentifier"))
        .isEqualTo("peer");
    assertThat(yaml.get("OrganizationalUnitIdentifiers"))
        .isEqualTo(
            List.of(
                Map.of("Certificate", "cacerts/ca.pem", "OrganizationalUnitIdentifier", "COP")));
  }

  @Test
  void generatedNodeOusConfigParsesBack() {
    Map<String, Object> yaml = MspYaml.parse(MspYaml.nodeOusConfig("cacerts/ca.x-cert.pem"));
    Map<?, ?> nodeOus = (Map<?, ?>) yaml.get("NodeOUs");
    assertThat(nodeOus.get("Enable")).isEqualTo("true");
    for (String key :
        List.of(
            "ClientOUIdentifier", "PeerOUIdentifier", "AdminOUIdentifier", "OrdererOUIdentifier")) {
      assertThat(((Map<?, ?>) nodeOus.get(key)).get("Certificate"))
          .isEqualTo("cacerts/ca.x-cert.pem");
    }
  }

  @Test
  void rejectsTabsAndFlowStyle() {
    assertThatThrownBy(() -> MspYaml.parse("NodeOUs:\n\tEnable: true\n"))
        .hasMessageContaining("tabs");
    assertThatThrownBy(() -> MspYaml.parse("NodeOUs: {Enable: true}\n"))
        .hasMessageContaining("unsupported YAML construct");
  }
}
