package org.openbcs.node.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import org.openbcs.node.network.MspFiles;
import org.openbcs.node.network.NetworkLayout;
import org.openbcs.node.network.NetworkLayout.PeerOrg;

/**
 * Runs the unmodified Hyperledger Caliper 0.6.0 of a workspace (bench/caliper) against a local
 * network: installs it with npm if node_modules is missing, binds it to fabric:2.5, writes the
 * network config from the network's layout, and launches the manager.
 */
public final class CaliperRunner {
  static final String CALIPER_CLI = "@hyperledger/caliper-cli";
  static final String BIND_SUT = "fabric:2.5";
  /** npm's first install downloads about 650 packages. */
  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);

  private final Path workspace;
  private final Consumer<String> progress;

  public CaliperRunner(Path workspace, Consumer<String> progress) {
    this.workspace = workspace.toAbsolutePath().normalize();
    this.progress = progress;
  }

  /** What one Caliper run produced. */
  public record Report(int exitCode, List<CaliperSummary.Round> rounds, String summaryTable, Path reportHtml, Path log, long txPerRound) {
    /** Caliper exited 0, reported at least one round, and every round had all its transactions succeed. */
    public boolean allSucceeded() {
      return exitCode == 0
          && !rounds.isEmpty()
          && rounds.stream().allMatch(r -> r.fail() == 0 && r.succ() == txPerRound);
    }
  }

  /** Installs Caliper and its Fabric binding into the workspace unless already there. */
  public void ensureInstalled() {
    requireTool("node");
    requireTool("npm");
    if (!Files.isDirectory(workspace.resolve("node_modules").resolve(CALIPER_CLI))) {
      boolean locked = Files.isRegularFile(workspace.resolve("package-lock.json"));
      progress.accept("installing Caliper into " + workspace.resolve("node_modules") + " (npm " + (locked ? "ci" : "install") + ")");
      exec(List.of("npm", locked ? "ci" : "install", "--no-audit", "--no-fund"), INSTALL_TIMEOUT);
    }
    if (!Files.isDirectory(workspace.resolve("node_modules").resolve("@hyperledger").resolve("fabric-gateway"))) {
      progress.accept("binding Caliper to " + BIND_SUT);
      exec(List.of("npx", "caliper", "bind", "--caliper-bind-sut", BIND_SUT, "--caliper-workspace", workspace.toString()), INSTALL_TIMEOUT);
    }
  }

  /** Runs benchconfig.yaml with every round's txNumber set to {@code txPerRound}. */
  public Report run(NetworkLayout layout, long txPerRound, Duration timeout) throws IOException, InterruptedException {
    ensureInstalled();
    Path networkConfig = workspace.resolve("networkconfig.yaml");
    Files.writeString(networkConfig, networkConfig(Files.readString(workspace.resolve("networkconfig.template.yaml")), layout));
    Path benchConfig = workspace.resolve("benchconfig.run.yaml");
    Files.writeString(benchConfig, withTxNumber(Files.readString(workspace.resolve("benchconfig.yaml")), txPerRound));
    Path report = workspace.resolve("report.html");
    Path log = workspace.resolve("caliper-run.log");
    List<String> cmd = List.of(
        "npx", "caliper", "launch", "manager",
        "--caliper-workspace", workspace.toString(),
        "--caliper-networkconfig", networkConfig.getFileName().toString(),
        "--caliper-benchconfig", benchConfig.getFileName().toString(),
        "--caliper-flow-only-test",
        "--caliper-report-path", report.toString());
    progress.accept("running Caliper (" + txPerRound + " tx per round), log " + log);
    StringBuilder output = new StringBuilder();
    int rc = run(cmd, timeout, log, line -> {
      output.append(line).append('\n');
      if (line.contains("Finished round") || line.contains("Started round")) {
        progress.accept("caliper: " + line.replaceAll("\u001B\\[[0-9;]*m", "").replaceAll("^.*\\] ", ""));
      }
    });
    String out = output.toString();
    return new Report(rc, CaliperSummary.parse(out), CaliperSummary.table(out), report, log, txPerRound);
  }

  /** The template with the network's endpoints, TLS bundle and User1 credentials filled in. */
  static String networkConfig(String template, NetworkLayout layout) {
    Map<String, String> values = new java.util.HashMap<>();
    values.put("CHANNEL", layout.channelId());
    values.put("TLS_CA_BUNDLE", layout.tlsRootsBundle().toString());
    List<PeerOrg> orgs = layout.peerOrgs();
    for (int i = 0; i < orgs.size(); i++) {
      PeerOrg org = orgs.get(i);
      String p = "ORG" + (i + 1) + "_";
      Path msp = layout.userDir(org, "User1").resolve("msp");
      values.put(p + "PEER_ENDPOINT", layout.host() + ":" + org.peerPort());
      values.put(p + "PEER_NAME", org.peerName());
      values.put(p + "USER_CERT", MspFiles.signingCertificate(msp).toString());
      values.put(p + "USER_KEY", MspFiles.privateKey(msp).toString());
    }
    Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException("Caliper network config template uses ${" + m.group(1) + "}, which this network does not have");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String withTxNumber(String benchConfig, long txNumber) {
    if (txNumber < 1) {
      throw new IllegalArgumentException("txNumber must be at least 1, got " + txNumber);
    }
    return benchConfig.replaceAll("(?m)^(\\s*txNumber:\\s*)\\d+\\s*$", "$1" + txNumber);
  }

  private static void requireTool(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    throw new IllegalStateException(
        "Caliper needs Node.js (>= 18.19) and npm, but '" + tool + "' is not on PATH; install them (e.g. apt-get install nodejs npm; .ci/run does)");
  }

  private void exec(List<String> cmd, Duration timeout) {
    try {
      Path log = workspace.resolve("caliper-install.log");
      int rc = run(cmd, timeout, log, line -> {});
      if (rc != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + rc + "; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  /** Runs a command in the workspace, appending its output to {@code log} and to {@code lines}. */
  private int run(List<String> cmd, Duration timeout, Path log, Consumer<String> lines) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).directory(workspace.toFile()).redirectErrorStream(true);
    pb.environment().putIfAbsent("NODE_OPTIONS", "--max-old-space-size=1024");
    Process p = pb.start();
    Thread pump = Thread.ofPlatform().name("caliper-output").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          w.write(line);
          w.newLine();
          lines.accept(line);
        }
      } catch (IOException e) {
        progress.accept("lost Caliper output: " + e.getMessage());
      }
    });
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
      pump.join(5_000);
      throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + timeout.toSeconds() + " s; see " + log);
    }
    pump.join(10_000);
    return p.exitValue();
  }
}
