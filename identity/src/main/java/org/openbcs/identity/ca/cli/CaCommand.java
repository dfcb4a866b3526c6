package org.openbcs.identity.ca.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the owning module implements it. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Create organisation CAs and issue MSP identities (Fabric MSP folder layout).")
public final class CaCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs ca: not implemented yet");
    return 1;
  }
}
