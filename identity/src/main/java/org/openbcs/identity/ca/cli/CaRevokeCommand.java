package org.openbcs.identity.ca.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import org.openbcs.crypto.CryptoException;
import org.openbcs.identity.ca.CaException;
import org.openbcs.identity.ca.OrgCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bcs ca revoke}: adds a certificate to the organisation's CRL (ORGDIR/msp/crls/crl.pem).
 */
@Command(
    name = "revoke",
    mixinStandardHelpOptions = true,
    description =
        "Revoke a certificate issued by the organisation CA; writes ORGDIR/msp/crls/crl.pem."
            + " Channel members see it after a config update with the new MSP.")
public final class CaRevokeCommand implements Callable<Integer> {
  @Mixin CaOptions options;

  @Option(
      names = "--cert",
      required = true,
      paramLabel = "FILE",
      description =
          "PEM certificate to revoke, e.g. .../msp/signcerts/User1@org1.example.com-cert.pem")
  Path cert;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    OrgCa ca = options.load();
    X509Certificate certificate;
    try {
      certificate = options.suite().parseCertificate(Files.readAllBytes(cert));
    } catch (IOException e) {
      throw new CaException("cannot read certificate " + cert + ": " + e.getMessage(), e);
    } catch (CryptoException e) {
      throw new CaException("malformed certificate " + cert + ": " + e.getMessage(), e);
    }
    Path crl = ca.revoke(certificate);
    spec.commandLine()
        .getOut()
        .println(
            "revoked serial "
                + certificate.getSerialNumber()
                + " of "
                + ca.mspId()
                + "; CRL "
                + crl);
    return 0;
  }
}
