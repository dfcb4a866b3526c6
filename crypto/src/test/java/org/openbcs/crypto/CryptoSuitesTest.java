package org.openbcs.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CryptoSuitesTest {
  @Test
  void namesAndLookup() {
    assertThat(CryptoSuites.names()).containsExactly("ecdsa-p256");
    assertThat(CryptoSuites.byName("ECDSA-P256")).isSameAs(CryptoSuites.defaultSuite());
    assertThat(CryptoSuites.defaultSuite().name()).isEqualTo("ecdsa-p256");
  }

  @Test
  void unknownSuiteIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> CryptoSuites.byName("sm"))
        .isInstanceOf(CryptoException.class)
        .hasMessage("unknown crypto suite 'sm', known suites: ecdsa-p256");
  }
}
