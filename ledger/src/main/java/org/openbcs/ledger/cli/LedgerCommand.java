package org.openbcs.ledger.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the owning module implements it. */
@Command(name = "ledger", mixinStandardHelpOptions = true, description = "Inspect and audit a ledger (verify).")
public final class LedgerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs ledger: not implemented yet");
    return 1;
  }
}
