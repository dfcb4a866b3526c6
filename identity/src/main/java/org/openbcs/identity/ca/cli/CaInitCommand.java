package org.openbcs.identity.ca.cli;

import java.util.concurrent.Callable;
import org.openbcs.common.time.TimeSource;
import org.openbcs.identity.ca.OrgCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bcs ca init}: creates an organisation's CA, TLS CA and verifying MSP. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Create the CA (ORGDIR/ca), TLS CA (ORGDIR/tlsca) and verifying MSP (ORGDIR/msp) of an"
            + " organisation.")
public final class CaInitCommand implements Callable<Integer> {
  @Mixin CaOptions options;

  @Option(
      names = "--domain",
      required = true,
      paramLabel = "DOMAIN",
      description = "Organisation domain, e.g. org1.example.com")
  String domain;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    OrgCa ca = OrgCa.create(options.dir, options.mspId, domain, options.suite(), TimeSource.SYSTEM);
    spec.commandLine()
        .getOut()
        .println(
            "created CA of " + ca.mspId() + " (" + ca.domain() + "); MSP at " + ca.orgMspDir());
    return 0;
  }
}
