package org.openbcs.identity.ca.cli;

import java.nio.file.Path;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.ca.OrgCa;
import picocli.CommandLine.Option;

/** Options every {@code bcs ca} subcommand shares: the organisation directory, MSP id and suite. */
public final class CaOptions {
  @Option(
      names = "--dir",
      required = true,
      paramLabel = "ORGDIR",
      description = "Organisation directory, e.g. organizations/peerOrganizations/org1.example.com")
  Path dir;

  @Option(
      names = "--msp-id",
      required = true,
      paramLabel = "MSPID",
      description = "MSP id, e.g. Org1MSP")
  String mspId;

  @Option(
      names = "--crypto-suite",
      defaultValue = CryptoSuites.ECDSA_P256,
      paramLabel = "SUITE",
      description = "Crypto suite (default: ${DEFAULT-VALUE})")
  String suiteName;

  CryptoSuite suite() {
    return CryptoSuites.byName(suiteName);
  }

  OrgCa load() {
    return OrgCa.load(dir, mspId, suite(), TimeSource.SYSTEM);
  }
}
