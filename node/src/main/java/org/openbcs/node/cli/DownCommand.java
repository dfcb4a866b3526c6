package org.openbcs.node.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.openbcs.node.network.LocalNetwork;
import org.openbcs.node.network.NetworkLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Stops the local network; its data stays, and `bcs up` restarts it on the same ledger. */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the local network (data is kept; --purge deletes it).")
public final class DownCommand implements Callable<Integer> {
  @Option(names = "--data", description = "Data directory (default: ${DEFAULT-VALUE}).", defaultValue = ".bcs")
  Path data;

  @Option(names = "--purge", description = "Also delete the data directory.")
  boolean purge;

  @Override
  public Integer call() throws Exception {
    NetworkLayout layout = NetworkLayout.load(data);
    LocalNetwork network = new LocalNetwork(layout, "", msg -> System.out.println("bcs down: " + msg));
    int n = network.stop(Duration.ofSeconds(10));
    System.out.println("bcs down: " + n + " node(s) stopped");
    if (purge) {
      try (var paths = java.nio.file.Files.walk(layout.dataDir())) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      System.out.println("bcs down: deleted " + layout.dataDir());
    }
    return 0;
  }
}
