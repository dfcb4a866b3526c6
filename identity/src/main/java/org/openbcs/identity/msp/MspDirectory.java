package org.openbcs.identity.msp;

import java.nio.file.Path;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.SigningIdentity;

/** Reads Fabric's MSP folder layout (cacerts, intermediatecerts, admincerts, crls, tlscacerts, signcerts, keystore, config.yaml). */
public final class MspDirectory {
  private MspDirectory() {}

  /** The verifying MSP config of {@code mspDir} (no private key), as it goes into channel config. */
  public static FabricMSPConfig load(Path mspDir, String mspId) {
    throw new UnsupportedOperationException("MspDirectory not implemented yet");
  }

  /** The local signing identity: signcerts/*.pem and the matching keystore key. */
  public static SigningIdentity loadSigningIdentity(Path mspDir, String mspId, CryptoSuite suite) {
    throw new UnsupportedOperationException("MspDirectory not implemented yet");
  }
}
