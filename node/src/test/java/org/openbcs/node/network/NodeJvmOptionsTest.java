package org.openbcs.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeJvmOptionsTest {

  @AfterEach
  void clear() {
    System.clearProperty("bcs.node.jvmOpts");
  }

  @Test
  void propertySplitsOnWhitespaceAndNamesEachNodesFile() {
    System.setProperty(
        "bcs.node.jvmOpts", "  -XX:StartFlightRecording=filename=/tmp/{node}.jfr   -Xss1m ");

    assertThat(LocalNetwork.extraJvmOptions("peer0.org1.example.com"))
        .containsExactly("-XX:StartFlightRecording=filename=/tmp/peer0.org1.example.com.jfr", "-Xss1m");
  }

  @Test
  void blankPropertyAddsNothing() {
    System.setProperty("bcs.node.jvmOpts", "   ");

    assertThat(LocalNetwork.extraJvmOptions("orderer.example.com")).isEmpty();
  }
}
