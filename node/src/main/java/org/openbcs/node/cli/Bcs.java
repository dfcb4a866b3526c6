package org.openbcs.node.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command-line entry point. Every error ends with a non-zero exit and a one-line reason. */
@Command(
    name = "bcs",
    mixinStandardHelpOptions = true,
    version = "OpenBCS 0.1.0",
    description = "OpenBCS: an open consortium blockchain service.",
    subcommands = {
      CommandLine.HelpCommand.class,
      org.openbcs.identity.ca.cli.CaCommand.class,
      org.openbcs.ledger.cli.LedgerCommand.class,
      org.openbcs.ordering.cli.OrdererCommand.class,
      org.openbcs.peer.cli.PeerCommand.class,
      org.openbcs.peer.cli.ChaincodeCommand.class,
      UpCommand.class,
      DownCommand.class,
      SubmitCommand.class,
      EvaluateCommand.class,
      org.openbcs.node.bench.BenchCommand.class,
      org.openbcs.fbft.cli.SimCommand.class
    })
public final class Bcs implements Callable<Integer> {
  public static void main(String[] args) {
    wireConsenters();
    CommandLine cl = new CommandLine(new Bcs());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("bcs: " + oneLine(ex));
          return 1;
        });
    System.exit(cl.execute(args));
  }

  /**
   * Consensus types {@code bcs orderer start} offers: the ordering module's defaults plus FBFT,
   * which ordering cannot depend on. Explicit wiring, no service loader.
   */
  static void wireConsenters() {
    org.openbcs.ordering.cli.OrdererCommand.useConsenters(
        (config, options) ->
            org.openbcs.ordering.spi.ConsenterRegistry.of(
                java.util.List.of(
                    new org.openbcs.ordering.solo.SoloConsenterFactory(),
                    new org.openbcs.fbft.ordering.FbftConsenterFactory(
                        config, org.openbcs.fbft.ordering.FbftOptions.parse(options)))));
  }

  static String oneLine(Throwable ex) {
    String msg = ex.getMessage();
    return (msg == null || msg.isBlank()) ? ex.getClass().getSimpleName() : msg.replace('\n', ' ');
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }
}
