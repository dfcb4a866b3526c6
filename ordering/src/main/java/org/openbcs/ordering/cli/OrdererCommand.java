package org.openbcs.ordering.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the owning module implements it. */
@Command(name = "orderer", mixinStandardHelpOptions = true, description = "Run an ordering node.")
public final class OrdererCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs orderer: not implemented yet");
    return 1;
  }
}
