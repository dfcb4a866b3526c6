package org.openbcs.crypto.ecdsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;

class EcdsaP256SuiteTest {
  private static final byte[] MESSAGE = "proposal bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void sunEcAndBouncyCastleAreAlwaysAvailable() {
    assertThat(Providers.available()).contains(EcdsaProvider.BC, EcdsaProvider.SUNEC);
  }

  @Test
  void defaultSuiteUsesTheFastestAvailableProvider() {
    EcdsaP256Suite suite = EcdsaP256Suite.instance();
    String forced = System.getProperty(ProviderSelection.PROPERTY);
    EcdsaProvider expected =
        forced != null ? EcdsaProvider.byId(forced) : Providers.available().getFirst();
    assertThat(suite.provider()).isEqualTo(expected);
    assertThat(suite.providerName()).isEqualTo(expected.id());
    assertThat(suite.name()).isEqualTo("ecdsa-p256");
  }

  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void signThenVerifyRoundTrips(EcdsaProvider provider) {
    CryptoSuite suite = EcdsaP256Suite.withProvider(provider);
    KeyPair pair = suite.generateKeyPair();
    byte[] signature = suite.sign(pair.getPrivate(), MESSAGE);
    assertThat(suite.verify(pair.getPublic(), MESSAGE, signature)).isTrue();
    byte[] other = MESSAGE.clone();
    other[0] ^= 1;
    assertThat(suite.verify(pair.getPublic(), other, signature)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void everySignatureIsStrictDerWithLowS(EcdsaProvider provider) {
    CryptoSuite suite = EcdsaP256Suite.withProvider(provider);
    KeyPair pair = suite.generateKeyPair();
    // Half of raw ECDSA signatures are high-S; 64 low ones in a row by chance is 2^-64.
    for (int i = 0; i < 64; i++) {
      byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
      byte[] signature = suite.sign(pair.getPrivate(), message);
      EcdsaDerSignature parsed = EcdsaDerSignature.parse(signature).orElseThrow();
      assertThat(parsed.isCanonicalP256()).as("signature %d canonical", i).isTrue();
      assertThat(parsed.encode()).isEqualTo(signature);
    }
  }

  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void highSSignatureIsRejectedAlthoughMathematicallyValid(EcdsaProvider provider) throws Exception {
    CryptoSuite suite = EcdsaP256Suite.withProvider(provider);
    KeyPair pair = suite.generateKeyPair();
    byte[] low = suite.sign(pair.getPrivate(), MESSAGE);
    byte[] high = EcdsaDerSignature.parse(low).orElseThrow().withNegatedS().encode();

    // The plain JDK accepts (r, n - s): the rejection is our low-S rule, not a broken signature.
    Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
    jdk.initVerify(pair.getPublic());
    jdk.update(MESSAGE);
    assertThat(jdk.verify(high)).isTrue();

    assertThat(suite.verify(pair.getPublic(), MESSAGE, high)).isFalse();
    assertThat(suite.verify(pair.getPublic(), MESSAGE, low)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void malformedSignaturesAreRejectedWithoutThrowing(EcdsaProvider provider) {
    CryptoSuite suite = EcdsaP256Suite.withProvider(provider);
    KeyPair pair = suite.generateKeyPair();
    byte[] good = suite.sign(pair.getPrivate(), MESSAGE);
    EcdsaDerSignature parsed = EcdsaDerSignature.parse(good).orElseThrow();

    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    trailing[1]++; // length still consistent with the total, but an extra byte follows s
    byte[] trailingOnly = Arrays.copyOf(good, good.length + 1);
    byte[] wrongTag = good.clone();
    wrongTag[0] = 0x31;
    byte[] zeroR = new EcdsaDerSignature(java.math.BigInteger.ZERO, parsed.s()).encode();
    byte[] rIsOrder = new EcdsaDerSignature(EcdsaDerSignature.P256_ORDER, parsed.s()).encode();

    byte[][] bad = {
      new byte[0],
      new byte[] {0x30, 0x00},
      Arrays.copyOf(good, good.length - 1),
      trailing,
      trailingOnly,
      wrongTag,
      zeroR,
      rIsOrder,
      longFormLength(good),
      HexFormat.of().parseHex("30080202000102020001"), // non-minimal integers
      HexFormat.of().parseHex("300602018102017f"), // negative r
      new byte[72],
    };
    for (byte[] signature : bad) {
      assertThat(suite.verify(pair.getPublic(), MESSAGE, signature))
          .as("signature %s", HexFormat.of().formatHex(signature))
          .isFalse();
    }
    assertThat(suite.verify(pair.getPublic(), MESSAGE, null)).isFalse();
    assertThat(suite.verify(pair.getPublic(), null, good)).isFalse();
    assertThat(suite.verify(null, MESSAGE, good)).isFalse();
  }

  private static byte[] longFormLength(byte[] der) {
    byte[] out = new byte[der.length + 1];
    out[0] = 0x30;
    out[1] = (byte) 0x81;
    out[2] = der[1];
    System.arraycopy(der, 2, out, 3, der.length - 2);
    return out;
  }

  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void signatureFromAnotherKeyIsRejected(EcdsaProvider provider) {
    CryptoSuite suite = EcdsaP256Suite.withProvider(provider);
    KeyPair signer = suite.generateKeyPair();
    KeyPair other = suite.generateKeyPair();
    byte[] signature = suite.sign(signer.getPrivate(), MESSAGE);
    assertThat(suite.verify(other.getPublic(), MESSAGE, signature)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void keysOfOtherCurvesAndAlgorithmsAreRejected(EcdsaProvider provider) throws Exception {
    CryptoSuite suite = EcdsaP256Suite.withProvider(provider);
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair wrongCurve = p384.generateKeyPair();
    KeyPair rsa = TestKeys.RSA;
    byte[] signature = suite.sign(suite.generateKeyPair().getPrivate(), MESSAGE);

    assertThat(suite.verify(wrongCurve.getPublic(), MESSAGE, signature)).isFalse();
    assertThat(suite.verify(rsa.getPublic(), MESSAGE, signature)).isFalse();
    assertThatThrownBy(() -> suite.sign(wrongCurve.getPrivate(), MESSAGE))
        .isInstanceOf(CryptoException.class)
        .hasMessageContaining("P-256");
    assertThatThrownBy(() -> suite.sign(rsa.getPrivate(), MESSAGE))
        .isInstanceOf(CryptoException.class)
        .hasMessageContaining("not an EC key");
  }

  @ParameterizedTest(name = "sign {0}, verify {1}")
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#pairs")
  void providersAcceptEachOthersSignatures(EcdsaProvider signer, EcdsaProvider verifier) {
    CryptoSuite signing = EcdsaP256Suite.withProvider(signer);
    CryptoSuite verifying = EcdsaP256Suite.withProvider(verifier);
    KeyPair pair = signing.generateKeyPair();
    for (int i = 0; i < 8; i++) {
      byte[] message = ("cross " + i).getBytes(StandardCharsets.UTF_8);
      byte[] signature = signing.sign(pair.getPrivate(), message);
      assertThat(verifying.verify(pair.getPublic(), message, signature)).isTrue();
      byte[] high = EcdsaDerSignature.parse(signature).orElseThrow().withNegatedS().encode();
      assertThat(verifying.verify(pair.getPublic(), message, high)).isFalse();
    }
  }

  @Test
  void hashIsSha256AndHasherMatchesOneShot() {
    CryptoSuite suite = EcdsaP256Suite.instance();
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertThat(HexFormat.of().formatHex(suite.hash(abc)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    byte[] data = "a block's data, in pieces".getBytes(StandardCharsets.US_ASCII);
    byte[] incremental = suite.newHasher().update(data, 0, 7).update(Arrays.copyOfRange(data, 7, data.length)).digest();
    assertThat(incremental).isEqualTo(suite.hash(data));
  }

  @Test
  void forcedProviderIsHonouredAndUnknownOneNamed() {
    String before = System.getProperty(ProviderSelection.PROPERTY);
    try {
      System.setProperty(ProviderSelection.PROPERTY, "SunEC");
      assertThat(ProviderSelection.select().provider()).isEqualTo(EcdsaProvider.SUNEC);
      System.setProperty(ProviderSelection.PROPERTY, "bc");
      assertThat(ProviderSelection.select().provider()).isEqualTo(EcdsaProvider.BC);
      System.setProperty(ProviderSelection.PROPERTY, "openssl");
      assertThatThrownBy(ProviderSelection::select)
          .isInstanceOf(CryptoException.class)
          .hasMessage("unknown crypto provider 'openssl', expected one of: conscrypt, bc, sunec");
    } finally {
      if (before == null) {
        System.clearProperty(ProviderSelection.PROPERTY);
      } else {
        System.setProperty(ProviderSelection.PROPERTY, before);
      }
    }
  }
}
