package org.openbcs.crypto.ecdsa;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The providers that work on this machine, as JUnit parameter sources. */
public final class Providers {
  private Providers() {}

  public static List<EcdsaProvider> available() {
    return Arrays.stream(EcdsaProvider.values()).filter(EcdsaP256Suite::isAvailable).toList();
  }

  public static Stream<EcdsaProvider> each() {
    return available().stream();
  }

  /** Every ordered (signer, verifier) pair, including a provider with itself. */
  public static Stream<Arguments> pairs() {
    List<EcdsaProvider> all = available();
    return all.stream().flatMap(a -> all.stream().map(b -> Arguments.of(a, b)));
  }
}
