package org.openbcs.crypto.ecdsa;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;

class EcdsaSignaturePropertiesTest {
  private static final CryptoSuite SUITE = EcdsaP256Suite.instance();
  private static final KeyPair PAIR = SUITE.generateKeyPair();
  private static final KeyPair OTHER = SUITE.generateKeyPair();

  @Property(tries = 200)
  void anyMessageSignedVerifiesAndAnyChangeBreaksIt(
      @ForAll @Size(max = 2048) byte[] message, @ForAll int flipAt) {
    byte[] signature = SUITE.sign(PAIR.getPrivate(), message);
    assertThat(SUITE.verify(PAIR.getPublic(), message, signature)).isTrue();
    assertThat(SUITE.verify(OTHER.getPublic(), message, signature)).isFalse();
    if (message.length > 0) {
      byte[] changed = message.clone();
      changed[Math.floorMod(flipAt, changed.length)] ^= 0x01;
      assertThat(SUITE.verify(PAIR.getPublic(), changed, signature)).isFalse();
    }
  }

  @Property(tries = 500)
  void arbitraryBytesAreNeverAcceptedAndNeverThrow(@ForAll @Size(max = 80) byte[] signature) {
    assertThat(SUITE.verify(PAIR.getPublic(), new byte[] {1, 2, 3}, signature)).isFalse();
  }

  @Property(tries = 300)
  void garbageKeysAndCertificatesFailOnlyWithCryptoException(@ForAll @Size(max = 200) byte[] bytes) {
    for (Runnable decode :
        new Runnable[] {
          () -> SUITE.decodePrivateKey(bytes),
          () -> SUITE.decodePublicKey(bytes),
          () -> SUITE.parseCertificate(bytes)
        }) {
      try {
        decode.run();
      } catch (CryptoException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Property(tries = 500)
  void derEncodingRoundTripsForEveryScalarPair(
      @ForAll("scalar") BigInteger r, @ForAll("scalar") BigInteger s) {
    EcdsaDerSignature signature = new EcdsaDerSignature(r, s);
    byte[] der = signature.encode();
    assertThat(EcdsaDerSignature.parse(der)).contains(signature);
    assertThat(signature.toLowS().isCanonicalP256()).isTrue();
    BigInteger expectedS =
        s.compareTo(EcdsaDerSignature.P256_HALF_ORDER) > 0 ? EcdsaDerSignature.P256_ORDER.subtract(s) : s;
    assertThat(signature.toLowS()).isEqualTo(new EcdsaDerSignature(r, expectedS));
  }

  @Provide
  Arbitrary<BigInteger> scalar() {
    return Arbitraries.oneOf(
        Arbitraries.bigIntegers().between(BigInteger.ONE, EcdsaDerSignature.P256_ORDER.subtract(BigInteger.ONE)),
        Arbitraries.of(
            BigInteger.ONE,
            BigInteger.valueOf(0x7F),
            BigInteger.valueOf(0x80),
            EcdsaDerSignature.P256_HALF_ORDER,
            EcdsaDerSignature.P256_HALF_ORDER.add(BigInteger.ONE),
            EcdsaDerSignature.P256_ORDER.subtract(BigInteger.ONE)));
  }
}
