package org.openbcs.crypto.ecdsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.PublicKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openbcs.crypto.CryptoException;

class ProviderKeysTest {
  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void equalKeysConvertOnceToTheProvidersOwnObject(EcdsaProvider provider) {
    EcdsaP256Suite suite = EcdsaP256Suite.withProvider(provider);
    ProviderKeys keys = new ProviderKeys(provider.load());
    KeyPair pair = suite.generateKeyPair();
    PublicKey sameKeyOtherObject = suite.decodePublicKey(pair.getPublic().getEncoded());

    PublicKey first = keys.publicKey(pair.getPublic());
    assertThat(keys.publicKey(sameKeyOtherObject)).isSameAs(first);
    assertThat(first.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(keys.privateKey(pair.getPrivate())).isSameAs(keys.privateKey(pair.getPrivate()));
    assertThat(keys.publicKey(suite.generateKeyPair().getPublic())).isNotSameAs(first);
  }

  @ParameterizedTest
  @MethodSource("org.openbcs.crypto.ecdsa.Providers#each")
  void nonEcKeysAreRefusedByName(EcdsaProvider provider) throws Exception {
    ProviderKeys keys = new ProviderKeys(provider.load());
    PublicKey rsa = TestKeys.RSA.getPublic();
    assertThatThrownBy(() -> keys.publicKey(rsa))
        .isInstanceOf(CryptoException.class)
        .hasMessage("not an EC key: algorithm RSA");
  }
}
