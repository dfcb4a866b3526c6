package org.openbcs.crypto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.openbcs.crypto.ecdsa.EcdsaP256Suite;

/** Registry of the suites this build ships. A new suite is one entry in {@link #SUITES}. */
public final class CryptoSuites {
  public static final String ECDSA_P256 = "ecdsa-p256";

  /** Suite name to its singleton, in the order {@link #names()} lists them. */
  private static final Map<String, Supplier<CryptoSuite>> SUITES = new LinkedHashMap<>();

  static {
    SUITES.put(ECDSA_P256, EcdsaP256Suite::instance);
    // SUITES.put("sm", SmSuite::instance);  -- SM2/SM3/SM4, a later issue
  }

  private CryptoSuites() {}

  /** The suite named {@code name}; throws with the list of known suites otherwise. */
  public static CryptoSuite byName(String name) {
    Supplier<CryptoSuite> suite = name == null ? null : SUITES.get(name.trim().toLowerCase(Locale.ROOT));
    if (suite == null) {
      throw new CryptoException(
          "unknown crypto suite '" + name + "', known suites: " + String.join(", ", names()));
    }
    return suite.get();
  }

  public static List<String> names() {
    return List.copyOf(SUITES.keySet());
  }

  /** The default suite: ecdsa-p256, the one Fabric clients and Caliper speak. */
  public static CryptoSuite defaultSuite() {
    return byName(ECDSA_P256);
  }
}
