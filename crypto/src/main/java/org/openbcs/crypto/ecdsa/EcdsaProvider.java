package org.openbcs.crypto.ecdsa;

import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;
import org.openbcs.crypto.CryptoException;

/**
 * The JCA providers the ecdsa-p256 suite can sign and verify with, fastest first. Measured on the
 * reference machine, single core, P-256 verify: Conscrypt (BoringSSL, native) ~12,600/s,
 * BouncyCastle ~3,500/s, SunEC ~1,000/s (see docs/benchmarks.md, "Signatures").
 *
 * <p>None of them is installed as a JVM-wide provider: the suite asks its own provider object by
 * reference, so other libraries in the process keep the JDK defaults.
 */
public enum EcdsaProvider {
  CONSCRYPT("conscrypt"),
  BC("bc"),
  SUNEC("sunec");

  private final String id;

  EcdsaProvider(String id) {
    this.id = id;
  }

  /** The name used by the {@code openbcs.crypto.provider} system property. */
  public String id() {
    return id;
  }

  /** The provider named {@code id} (case-insensitive); throws listing the valid names otherwise. */
  public static EcdsaProvider byId(String id) {
    for (EcdsaProvider p : values()) {
      if (p.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new CryptoException(
        "unknown crypto provider '"
            + id
            + "', expected one of: "
            + Arrays.stream(values()).map(EcdsaProvider::id).collect(Collectors.joining(", ")));
  }

  /**
   * A JCA provider object for this choice. Throws {@link CryptoException} with the reason if it
   * cannot be loaded (Conscrypt's native library missing for this OS/CPU, or SunEC absent).
   */
  Provider load() {
    return switch (this) {
      case CONSCRYPT -> loadConscrypt();
      case BC -> BouncyCastleHolder.PROVIDER;
      case SUNEC -> {
        Provider p = Security.getProvider("SunEC");
        if (p == null) {
          throw new CryptoException("JDK provider SunEC is not installed in this JVM");
        }
        yield p;
      }
    };
  }

  private static Provider loadConscrypt() {
    try {
      // checkAvailability throws with the native loader's reason; isAvailable would hide it.
      Conscrypt.checkAvailability();
      return Conscrypt.newProvider();
    } catch (LinkageError | RuntimeException e) {
      throw new CryptoException("Conscrypt native library unavailable: " + e, e);
    }
  }

  /** One BouncyCastle provider per JVM: constructing it registers hundreds of algorithms. */
  private static final class BouncyCastleHolder {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }
}
