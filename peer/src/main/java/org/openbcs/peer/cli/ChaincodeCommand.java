package org.openbcs.peer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the owning module implements it. */
@Command(name = "chaincode", mixinStandardHelpOptions = true, description = "Deploy and inspect chaincode definitions.")
public final class ChaincodeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs chaincode: not implemented yet");
    return 1;
  }
}
