package org.openbcs.node.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.hyperledger.fabric.client.Contract;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.node.cli.SampleChaincode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bcs bench}: end-to-end throughput and latency through the unmodified Fabric Gateway client. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {BenchCommand.Compare.class},
    description = {
      "Drive a network with concurrent Fabric Gateway clients and report committed TPS, latency from submit to commit, failures by validation code, CPU per node, and the machine's signature ceiling measured in the same run.",
      "Starts a fresh network on ephemeral ports unless --data or --target is given.",
      "With --consensus solo,fbft, runs the same workload on a fresh network per ordering type and prints each type's TPS and latency as a ratio of the first's.",
      "With --caliper, runs Hyperledger Caliper 0.6.0 (bench/caliper) against the network instead."
    })
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--workload", description = "create, read, transfer or hotkey (default: ${DEFAULT-VALUE}).", defaultValue = "create")
  String workload;

  @Option(names = "--clients", description = "Transactions in flight at once (default: ${DEFAULT-VALUE}).", defaultValue = "32")
  int clients;

  @Option(names = "--duration", description = "Measured time, e.g. 30s (default 30s unless --tx).", converter = Durations.class)
  Duration duration;

  @Option(names = "--tx", description = "Measure this many transactions instead of a duration.")
  long tx;

  @Option(names = "--rate", description = "Open-loop target rate in TPS (default: closed loop).", defaultValue = "0")
  double rate;

  @Option(names = "--warmup", description = "Unmeasured warm-up time (default: ${DEFAULT-VALUE}).", defaultValue = "5s", converter = Durations.class)
  Duration warmup;

  @Option(names = "--keys", description = "Preloaded keys for read/transfer/hotkey (default: 1000; hotkey 8).")
  Integer keys;

  @Option(names = "--seed", description = "Seed of the key choice (default: ${DEFAULT-VALUE}).", defaultValue = "1")
  long seed;

  @Option(names = "--data", description = "Start (or restart) the network in DIR and stop it at the end (default: a fresh temporary directory).")
  Path data;

  @Option(names = "--target", description = "Drive the running network in DIR; it is left running.")
  Path target;

  @Option(names = "--out", description = "Also write the results as JSON to FILE.")
  Path out;

  @Option(names = "--ceiling-time", description = "Time to measure each of sign and verify (default: ${DEFAULT-VALUE}).", defaultValue = "2s", converter = Durations.class)
  Duration ceilingTime;

  // The load generator shares the cores with the network, so by default it signs with the provider
  // whose rates the ceiling is computed from; the Gateway's stock signer (pure-Java ECDSA) spends
  // about 70 % of the client's CPU and remains one option away.
  @Option(names = "--client-signer", description = "suite (the Gateway client given a signer on the node's crypto provider, the one the ceiling measures) or fabric (the Gateway client's own Signers.newPrivateKeySigner) (default: ${DEFAULT-VALUE}).", defaultValue = "suite")
  String clientSigner;

  @Option(names = "--caliper", description = "Run the Caliper workspace in bench/caliper against the network.")
  boolean caliper;

  @Option(names = "--caliper-workspace", description = "Caliper workspace (default: <bcs home>/bench/caliper).")
  Path caliperWorkspace;

  @Option(names = "--caliper-tx", description = "Transactions per Caliper round (default: ${DEFAULT-VALUE}).", defaultValue = "2000")
  int caliperTx;

  private static final int PRIME_ATTEMPTS = 3;

  @Option(names = "--consensus", description = "Comma-separated ordering types, each optionally with options for its orderers, e.g. solo,fbft,fbft:batches=off: each runs on a fresh network of its own (solo: 1 orderer, fbft: 4) with the same workload, and every type's throughput and latency is printed as a ratio of the first's (default: solo; with --target, the network's own).")
  String consensus;

  @Override
  public Integer call() throws Exception {
    if (data != null && target != null) {
      throw new IllegalArgumentException("give --data or --target, not both");
    }
    List<String> types = consensusTypes(consensus, target != null, caliper);
    if (caliper) {
      return runCaliper(types.get(0));
    }
    Workload w = Workload.parse(workload);
    if (duration == null && tx <= 0) {
      duration = Duration.ofSeconds(30);
    }
    LoadDriver.Plan plan = new LoadDriver.Plan(clients, warmup, tx > 0 ? null : duration, tx, rate);

    say("measuring the signature ceiling (" + ceilingTime.toMillis() + " ms each for sign and verify)");
    SignatureRates rates = SignatureRates.measure(CryptoSuites.defaultSuite(), ceilingTime);
    say(String.format("%s: %.0f signs/s, %.0f verifies/s per core", rates.provider(), rates.signsPerSecond(), rates.verifiesPerSecond()));

    List<ConsensusRuns.Run> runs = new ArrayList<>();
    List<String> failedTypes = new ArrayList<>();
    for (String type : types) {
      if (types.size() > 1) {
        try {
          runs.add(runType(type, types.size(), w, plan, rates));
        } catch (RuntimeException e) {
          // One type's network failing must not throw away the others' results, measured minutes earlier.
          say("consensus " + type + " failed: " + e.getMessage());
          failedTypes.add(type);
        }
      } else {
        runs.add(runType(type, types.size(), w, plan, rates));
      }
    }
    if (runs.size() > 1 || !failedTypes.isEmpty()) {
      System.out.print(ConsensusRuns.summary(runs));
      if (!failedTypes.isEmpty()) {
        System.out.println("failed: " + String.join(", ", failedTypes) + " (no result; see above)");
      }
    }
    if (out != null && !runs.isEmpty()) {
      if (types.size() == 1) {
        BenchJson.write(runs.get(0).result(), out);
      } else {
        BenchJson.write(ConsensusRuns.document(runs), out);
      }
      say("results written to " + out.toAbsolutePath());
    }
    return failedTypes.isEmpty() ? 0 : 1;
  }

  private ConsensusRuns.Run runType(String type, int typeCount, Workload w, LoadDriver.Plan plan, SignatureRates rates) throws Exception {
    // Several types with --data: one network per type, each in its own subdirectory.
    Path dir = data == null ? null : typeCount == 1 ? data : data.resolve(type);
    try (BenchNetwork network = target != null ? BenchNetwork.target(target, this::say) : BenchNetwork.start(dir, type, this::say)) {
      String actual = network.layout().consensusChoice().label();
      if (consensus != null && !actual.equals(org.openbcs.node.network.ConsensusChoice.parse(type).label())) {
        throw new IllegalArgumentException("the network in " + target + " runs " + actual + ", not " + type);
      }
      say("consensus " + actual + " with " + network.layout().ordererPorts().size() + " orderer(s)");
      BenchResult result = measure(network, w, plan, rates);
      return new ConsensusRuns.Run(actual, network.layout().ordererPorts().size(), result);
    }
  }

  /**
   * The consensus types to run, in order. More than one needs fresh networks, so it cannot drive a
   * running network (--target) or Caliper (which runs against one network).
   */
  static List<String> consensusTypes(String option, boolean targeted, boolean caliper) {
    List<String> types = option == null ? List.of(ConsensusRuns.DEFAULT) : ConsensusRuns.parse(option);
    if (types.size() > 1 && targeted) {
      throw new IllegalArgumentException("--consensus " + option + " starts a fresh network per type and cannot be combined with --target; give one type or drop --target");
    }
    if (types.size() > 1 && caliper) {
      throw new IllegalArgumentException("--caliper runs against one network; give one --consensus type, not " + option);
    }
    return types;
  }

  private BenchResult measure(BenchNetwork network, Workload w, LoadDriver.Plan plan, SignatureRates rates) throws Exception {
    int keyCount = keys != null ? keys : w.defaultKeys();
    List<Contract> contracts = network.contracts(SampleChaincode.NAME, BenchNetwork.ClientSigner.parse(clientSigner));
    String prefix = "bench" + Long.toString(System.currentTimeMillis(), 36);
    LoadDriver driver = new LoadDriver(TimeSource.SYSTEM, this::say);
    prime(contracts, prefix);
    if (w != Workload.CREATE) {
      preload(driver, contracts, prefix, keyCount);
    }
    CpuSampler cpu = new CpuSampler(network.nodeProcesses(), Map.of(BenchResults.CLIENT, ProcessHandle.current()));
    AtomicReference<Map<String, Long>> before = new AtomicReference<>();
    AtomicReference<Map<String, Long>> after = new AtomicReference<>();
    String startedAt = Instant.now().toString();
    say("running " + w.label() + " with " + clients + " in flight, " + (plan.openLoop() ? "open loop at " + rate + " TPS" : "closed loop")
        + ", warm-up " + warmup.toSeconds() + " s, " + (tx > 0 ? tx + " tx" : duration.toSeconds() + " s"));
    LoadDriver.Window window = driver.run(plan, new WorkloadClient(w, contracts, prefix, keyCount, seed), new LoadDriver.WindowListener() {
      @Override
      public void opened() {
        before.set(cpu.sample());
      }

      @Override
      public void closed() {
        after.set(cpu.sample());
      }
    });
    BenchResult result = BenchResults.of(w, plan, startedAt, window, CpuSampler.delta(before.get(), after.get()), rates,
        Runtime.getRuntime().availableProcessors(), network.layout().peerOrgs().size());
    System.out.print(BenchResults.report(result, window.failureSamples()));
    return result;
  }

  /**
   * One transaction through each organisation's gateway before anything is timed: the first one
   * launches the chaincode processes, which takes seconds and is not what a benchmark measures.
   */
  private void prime(List<Contract> contracts, String prefix) {
    for (int i = 0; i < contracts.size(); i++) {
      long start = System.nanoTime();
      Outcome o = null;
      // The first call launches the chaincode JVM; on a loaded machine that can outlast the
      // endorse deadline once, and the launch it started still completes for the next attempt.
      for (int attempt = 1; attempt <= PRIME_ATTEMPTS && !(o instanceof Outcome.Committed); attempt++) {
        o = WorkloadClient.submit(contracts.get(i), "CreateAsset", prefix + "-prime" + i + "-" + attempt, "blue", "5", "bench", "100");
        if (!(o instanceof Outcome.Committed) && attempt < PRIME_ATTEMPTS) {
          say("first transaction through gateway " + (i + 1) + " did not commit (" + o + "), retrying");
        }
      }
      if (!(o instanceof Outcome.Committed)) {
        throw new IllegalStateException("the first transaction through gateway " + (i + 1) + " did not commit after "
            + PRIME_ATTEMPTS + " attempts: " + o);
      }
      say(String.format("primed gateway %d (first transaction committed in %d ms)", i + 1, (System.nanoTime() - start) / 1_000_000));
    }
  }

  private void preload(LoadDriver driver, List<Contract> contracts, String prefix, int keyCount) throws InterruptedException {
    say("preloading " + keyCount + " keys");
    LoadDriver.Window w = driver.run(
        new LoadDriver.Plan(Math.min(clients, keyCount), Duration.ZERO, null, keyCount, 0),
        WorkloadClient.preload(contracts, prefix), LoadDriver.WindowListener.NONE);
    if (w.committed() != keyCount) {
      throw new IllegalStateException("preloading " + keyCount + " keys committed only " + w.committed() + ": " + w.failures() + " " + w.failureSamples());
    }
  }

  private int runCaliper(String type) throws Exception {
    Path workspace = caliperWorkspace != null ? caliperWorkspace : BenchNetwork.bcsHome().resolve("bench").resolve("caliper");
    if (!Files.isDirectory(workspace)) {
      throw new IllegalStateException("no Caliper workspace at " + workspace);
    }
    try (BenchNetwork network = target != null ? BenchNetwork.target(target, this::say) : BenchNetwork.start(data, type, this::say)) {
      CaliperRunner runner = new CaliperRunner(workspace, this::say);
      CaliperRunner.Report report = runner.run(network.layout(), caliperTx, Duration.ofMinutes(15));
      System.out.println(report.summaryTable());
      System.out.println("Caliper report: " + report.reportHtml());
      return report.allSucceeded() ? 0 : 1;
    }
  }

  private void say(String msg) {
    System.out.println("bcs bench: " + msg);
    System.out.flush();
  }

  /** {@code bcs bench compare a.json b.json}: ratio b/a of every metric. */
  @Command(name = "compare", mixinStandardHelpOptions = true, description = "Print b/a ratios of every metric of two result files.")
  static final class Compare implements Callable<Integer> {
    @Parameters(index = "0", description = "Baseline results (JSON from --out).")
    Path a;

    @Parameters(index = "1", description = "Results to compare with the baseline.")
    Path b;

    @Override
    public Integer call() throws Exception {
      List<BenchCompare.Row> rows = BenchCompare.compare(Files.readString(a), Files.readString(b));
      System.out.print(BenchCompare.format(rows, a.toString(), b.toString()));
      return 0;
    }
  }
}
