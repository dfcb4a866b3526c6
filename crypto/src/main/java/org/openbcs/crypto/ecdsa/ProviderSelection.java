package org.openbcs.crypto.ecdsa;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.openbcs.crypto.CryptoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the provider for the default ecdsa-p256 suite: the one forced by the system property
 * {@value #PROPERTY}, else the fastest that loads and passes a sign/verify self-test.
 */
final class ProviderSelection {
  static final String PROPERTY = "openbcs.crypto.provider";

  private static final Logger LOG = LoggerFactory.getLogger(ProviderSelection.class);
  private static final byte[] SELF_TEST_MESSAGE =
      "openbcs ecdsa-p256 provider self-test".getBytes(StandardCharsets.US_ASCII);

  private ProviderSelection() {}

  static EcdsaP256Suite select() {
    String forced = System.getProperty(PROPERTY);
    if (forced != null && !forced.isBlank()) {
      EcdsaProvider choice = EcdsaProvider.byId(forced);
      EcdsaP256Suite suite = EcdsaP256Suite.withProvider(choice);
      LOG.info(
          "ecdsa-p256 uses provider {} ({}), forced by -D{}",
          choice.id(),
          suite.jcaProviderInfo(),
          PROPERTY);
      return suite;
    }
    List<String> failures = new ArrayList<>();
    for (EcdsaProvider candidate : EcdsaProvider.values()) {
      try {
        EcdsaP256Suite suite = EcdsaP256Suite.withProvider(candidate);
        LOG.info(
            "ecdsa-p256 uses provider {} ({}){}",
            candidate.id(),
            suite.jcaProviderInfo(),
            failures.isEmpty() ? "" : "; skipped: " + String.join("; ", failures));
        return suite;
      } catch (CryptoException e) {
        failures.add(candidate.id() + ": " + e.getMessage());
      }
    }
    throw new CryptoException("no ECDSA P-256 provider works: " + String.join("; ", failures));
  }

  /** A suite on {@code choice} that has signed and verified once; throws with the reason otherwise. */
  static EcdsaP256Suite selfTested(EcdsaProvider choice) {
    EcdsaP256Suite suite = new EcdsaP256Suite(choice, choice.load());
    try {
      KeyPair pair = suite.generateKeyPair();
      byte[] signature = suite.sign(pair.getPrivate(), SELF_TEST_MESSAGE);
      if (!suite.verify(pair.getPublic(), SELF_TEST_MESSAGE, signature)) {
        throw new CryptoException("provider " + choice.id() + " failed its sign/verify self-test");
      }
    } catch (LinkageError e) {
      // A native library can load yet miss a symbol at first use.
      throw new CryptoException("provider " + choice.id() + " failed its self-test: " + e, e);
    }
    return suite;
  }
}
