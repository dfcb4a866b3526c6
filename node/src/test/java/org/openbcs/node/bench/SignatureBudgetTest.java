package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openbcs.crypto.CryptoSuites;

class SignatureBudgetTest {
  @Test
  void twoOrgsMajorityCountsEverySignatureOfATransaction() {
    // 2 client + 2 endorse + 1 commit status + 1 block/100;
    // 2 proposal + 1 orderer + 2 x (1 + 2) - 2 own endorsements + 1 + 2 blocks/100
    SignatureBudget b = SignatureBudget.submit(BenchResults.majority(2), 2, 100);
    assertThat(b.signsPerTx()).isCloseTo(5.01, within(1e-9));
    assertThat(b.verifiesPerTx()).isCloseTo(8.02, within(1e-9));
  }

  @Test
  void oneTransactionPerBlockPaysTheWholeBlockSignature() {
    SignatureBudget b = SignatureBudget.submit(2, 2, 1);
    assertThat(b.signsPerTx()).isEqualTo(6.0);
    assertThat(b.verifiesPerTx()).isEqualTo(10.0);
  }

  @Test
  void ceilingIsCoresOverSignatureTimePerTransaction() {
    SignatureBudget b = new SignatureBudget(5, 10, "test");
    // 5 / 10000 + 10 / 5000 = 0.0025 s per tx per core; 2 cores => 800 TPS
    assertThat(b.ceilingTps(2, 10_000, 5_000)).isCloseTo(800.0, within(1e-9));
    assertThat(b.ceilingTps(1, 10_000, 5_000)).isCloseTo(400.0, within(1e-9));
  }

  @Test
  void evaluateCostsOneVerifyAndTwoSigns() {
    SignatureBudget b = SignatureBudget.evaluate();
    assertThat(b.ceilingTps(1, 1000, 1000)).isCloseTo(1000.0 / 3, within(1e-9));
  }

  @Test
  void majorityOfOrganisations() {
    assertThat(BenchResults.majority(1)).isEqualTo(1);
    assertThat(BenchResults.majority(2)).isEqualTo(2);
    assertThat(BenchResults.majority(3)).isEqualTo(2);
    assertThat(BenchResults.majority(4)).isEqualTo(3);
  }

  @Test
  void rejectsImpossibleTopologies() {
    assertThatThrownBy(() -> SignatureBudget.submit(0, 2, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignatureBudget.submit(2, 2, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignatureBudget(1, 1, "").ceilingTps(2, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void measuresPositiveRatesOfTheDefaultSuite() {
    SignatureRates r = SignatureRates.measure(CryptoSuites.defaultSuite(), Duration.ofMillis(200));
    assertThat(r.signsPerSecond()).isGreaterThan(10);
    assertThat(r.verifiesPerSecond()).isGreaterThan(10);
    assertThat(r.provider()).isNotBlank();
  }
}
