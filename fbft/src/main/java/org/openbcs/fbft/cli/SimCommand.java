package org.openbcs.fbft.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openbcs.fbft.sim.SeedSweep;
import org.openbcs.fbft.sim.SimResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bcs sim}: the long randomized search over simulation seeds, and the message-scaling measurement. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the deterministic FBFT simulation over consecutive seeds; each seed mixes network faults,",
      "crash/restarts (with lost WAL tails) and Byzantine replicas. Exit code 1 if any invariant broke;",
      "every failure prints its seed and the command that replays it."
    })
public final class SimCommand implements Callable<Integer> {
  @Option(names = "--seeds", defaultValue = "1000", description = "Number of seeds to run (default: ${DEFAULT-VALUE}).")
  long seeds;

  @Option(names = "--start-seed", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
  long startSeed;

  @Option(names = "--nodes", defaultValue = "0",
      description = "Replicas per run; 0 derives it from the seed (4, every tenth seed 7).")
  int nodes;

  @Option(names = "--verbose", description = "Print every run's result.")
  boolean verbose;

  @Option(names = "--batches", description = "Run with payload dissemination (spec section 9) and its attacks.")
  boolean batches;

  @Option(names = "--scaling", paramLabel = "PNG",
      description = "Instead of the search: measure messages and bytes per committed block for n = 4..64 and draw PNG.")
  Path scalingPlot;

  @Override
  public Integer call() throws Exception {
    if (scalingPlot != null) {
      var rows = MessageScaling.measure(MessageScaling.DEFAULT_SIZES);
      System.out.print(MessageScaling.toMarkdown(rows));
      System.out.println();
      System.out.print(MessageScaling.payloadToMarkdown(MessageScaling.measurePayload(MessageScaling.DEFAULT_SIZES)));
      MessageScaling.plot(rows, scalingPlot);
      System.out.println("plot written to " + scalingPlot);
      return 0;
    }
    long progressEvery = Math.max(1, seeds / 20);
    long[] done = {0};
    long t0 = System.nanoTime();
    SeedSweep.Summary s = SeedSweep.run(startSeed, seeds, nodes, batches, (SimResult r) -> {
      done[0]++;
      if (verbose) {
        System.out.println(r);
      }
      r.failure().ifPresent(f -> System.out.println("FAILURE " + f));
      if (done[0] % progressEvery == 0) {
        System.out.printf("  %d/%d seeds, %.0f s%n", done[0], seeds, (System.nanoTime() - t0) / 1e9);
      }
    });
    System.out.printf("fbft sim: %d seeds (%d..%d), %d failures, %d blocks committed, %d events, %.1f s wall%n",
        s.seeds(), s.startSeed(), s.startSeed() + s.seeds() - 1, s.failures().size(), s.committedBlocks(), s.events(),
        s.wallMillis() / 1000.0);
    System.out.println("fault coverage (seeds with each fault): " + s.faultCoverage());
    return s.failures().isEmpty() ? 0 : 1;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SimCommand()).execute(args));
  }
}
