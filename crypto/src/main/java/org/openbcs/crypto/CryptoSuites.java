package org.openbcs.crypto;

import java.util.List;
import java.util.Locale;
import org.openbcs.crypto.ecdsa.EcdsaP256Suite;

/** Registry of the suites this build ships. */
public final class CryptoSuites {
  public static final String ECDSA_P256 = "ecdsa-p256";

  private CryptoSuites() {}

  /** The suite named {@code name}; throws with the list of known suites otherwise. */
  public static CryptoSuite byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case ECDSA_P256 -> EcdsaP256Suite.instance();
      default ->
          throw new CryptoException(
              "unknown crypto suite '" + name + "', known suites: " + String.join(", ", names()));
    };
  }

  public static List<String> names() {
    return List.of(ECDSA_P256);
  }

  /** The default suite: ecdsa-p256, the one Fabric clients and Caliper speak. */
  public static CryptoSuite defaultSuite() {
    return EcdsaP256Suite.instance();
  }
}
