package org.openbcs.peer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the owning module implements it. */
@Command(name = "peer", mixinStandardHelpOptions = true, description = "Run a peer.")
public final class PeerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs peer: not implemented yet");
    return 1;
  }
}
