package org.openbcs.ledger.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.verify.LedgerVerifier;
import org.openbcs.ledger.verify.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bcs ledger}: inspect and audit a ledger directory. */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Inspect and audit a ledger (verify).",
    subcommands = {LedgerCommand.Verify.class})
public final class LedgerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code bcs ledger verify --path DIR}: exit 0 and "ledger OK: ..." or exit 1 and the first tampered item. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Tamper audit: recompute every record checksum, data hash and header-hash link, check the block index",
        "against the block files, and world state and history against a replay of all valid transactions.",
        "Read-only; safe to run next to a running node."
      })
  public static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--path", required = true, paramLabel = "DIR",
        description = "A channel's ledger directory (holding blocks/, index/ and, on peers, state/).")
    Path path;

    @Option(names = "--suite", defaultValue = CryptoSuites.ECDSA_P256, paramLabel = "SUITE",
        description = "Crypto suite the ledger's hashes use (default: ${DEFAULT-VALUE}).")
    String suite;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.isDirectory(path)) {
        err.println("bcs ledger verify: " + path + " is not a directory");
        return 2;
      }
      VerifyReport report = LedgerVerifier.verify(path, CryptoSuites.byName(suite));
      report.notes().forEach(n -> err.println("note: " + n));
      out.println(report.summary());
      out.flush();
      err.flush();
      return report.ok() ? 0 : 1;
    }
  }
}
