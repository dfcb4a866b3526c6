package org.openbcs.node.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.openbcs.node.network.NetworkLayout;
import org.openbcs.node.network.NetworkLayout.PeerOrg;
import org.openbcs.peer.cli.ChaincodeCommand;
import picocli.CommandLine;

/** Deploys a chaincode package on every peer of a local network and commits its definition once. */
public final class SampleChaincode {
  public static final String NAME = "basic";

  private SampleChaincode() {}

  /** The sample asset-transfer package built by the Maven build (jar + lib/). */
  public static Path samplePackage(Path bcsHome) {
    return bcsHome.resolve("samples").resolve("asset-transfer").resolve("target");
  }

  static void ensureDeployed(NetworkLayout layout, Consumer<String> progress) {
    String home = System.getProperty("bcs.home", ".");
    deploy(layout, NAME, "1.0", 1, "MAJORITY Endorsement", samplePackage(Path.of(home)), progress);
  }

  /**
   * Installs {@code packageDir} on every peer and commits the definition through Org1's peer, as
   * Org1's admin. Remembers it in the data directory so a restart doesn't deploy again.
   */
  public static void deploy(
      NetworkLayout layout,
      String name,
      String version,
      long sequence,
      String policy,
      Path packageDir,
      Consumer<String> progress) {
    Path marker = layout.dataDir().resolve("run").resolve("chaincode-" + name + "-" + sequence + ".deployed");
    if (Files.exists(marker)) {
      progress.accept("chaincode '" + name + "' sequence " + sequence + " already deployed");
      return;
    }
    if (!Files.isRegularFile(packageDir.resolve("asset-transfer.jar")) && !hasJar(packageDir)) {
      throw new IllegalStateException("no chaincode package in " + packageDir.toAbsolutePath() + " (build it with ./bcs build)");
    }
    PeerOrg org1 = layout.peerOrgs().get(0);
    List<String> args = new ArrayList<>(List.of(
        "deploy",
        "--peer", layout.host() + ":" + org1.peerPort(),
        "--tls-ca", layout.tlsRootsBundle().toString(),
        "--msp", layout.userDir(org1, "Admin").resolve("msp").toString(),
        "--msp-id", org1.mspId(),
        "--channel", layout.channelId(),
        "--name", name,
        "--version", version,
        "--sequence", Long.toString(sequence),
        "--policy", policy,
        "--package", packageDir.toAbsolutePath().toString()));
    for (PeerOrg org : layout.peerOrgs()) {
      args.add("--peer-data");
      args.add(layout.nodeDataDir(org.peerName()).toString());
    }
    progress.accept("deploying chaincode '" + name + "' (" + policy + ")");
    CommandLine cl = new CommandLine(new ChaincodeCommand());
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      err.append(Bcs.oneLine(ex));
      return 1;
    });
    int rc = cl.execute(args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("chaincode deploy of '" + name + "' failed: " + err.toString().trim());
    }
    try {
      Files.createDirectories(marker.getParent());
      Files.writeString(marker, version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasJar(Path dir) {
    try (var files = Files.list(dir)) {
      return files.anyMatch(p -> p.toString().endsWith(".jar"));
    } catch (IOException e) {
      return false;
    }
  }
}
