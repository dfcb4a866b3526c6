package org.openbcs.identity.msp;

import java.util.List;
import java.util.Set;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityDeserializer;

/**
 * The MSPs of one channel, built from the channel configuration's {@code FabricMSPConfig}s.
 * Deserializes and validates creators and endorsers, and matches identities against policy
 * principals. Thread-safe; caches validated identities by their serialized bytes.
 */
public final class MspManager implements IdentityDeserializer {
  /** API placeholder: the identity module replaces this with the real implementation. */
  public static MspManager of(List<FabricMSPConfig> configs, CryptoSuite suite, TimeSource time) {
    throw new UnsupportedOperationException("MspManager not implemented yet");
  }

  public Set<String> mspIds() {
    throw new UnsupportedOperationException("MspManager not implemented yet");
  }

  @Override
  public Identity deserialize(byte[] serializedIdentity) {
    throw new UnsupportedOperationException("MspManager not implemented yet");
  }

  /** Whether {@code identity} satisfies a policy principal (ROLE principals: member/client/peer/admin/orderer of an MSP). */
  public boolean satisfies(Identity identity, MSPPrincipal principal) {
    throw new UnsupportedOperationException("MspManager not implemented yet");
  }
}
