package org.openbcs.identity.ca.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bcs ca}: organisation CAs and MSP identities in Fabric's folder layout. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = "Create organisation CAs and issue MSP identities (Fabric MSP folder layout).",
    subcommands = {
      CommandLine.HelpCommand.class,
      CaInitCommand.class,
      CaIssueCommand.class,
      CaRevokeCommand.class
    })
public final class CaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // A bare "bcs ca" is a usage mistake: show what it can do and fail.
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
