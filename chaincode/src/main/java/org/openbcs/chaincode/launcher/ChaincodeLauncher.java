package org.openbcs.chaincode.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.common.time.TimeSource;

/**
 * Runs chaincode packages as child JVMs of the peer, connected to its chaincode listener, and
 * keeps them running (see {@link SupervisedChaincode} for the restart policy). Stdout and stderr
 * of each go to {@code <dataDir>/chaincode/logs/<label>-<hash prefix>.log}.
 */
public final class ChaincodeLauncher implements AutoCloseable {
  private final ChaincodeSupport support;
  private final LauncherConfig config;
  private final TimeSource time;
  private final ScheduledExecutorService scheduler;
  private final Map<String, SupervisedChaincode> running = new ConcurrentHashMap<>();

  public ChaincodeLauncher(ChaincodeSupport support, LauncherConfig config, TimeSource time) {
    this.support = support;
    this.config = config;
    this.time = time;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "chaincode-launcher");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts the package in {@code packageDir} as chaincode {@code chaincodeName}, waits until it
   * registers (bounded by the config's registration timeout) and returns its package id.
   */
  public String launch(String chaincodeName, String label, Path packageDir) {
    ChaincodePackage pkg = ChaincodePackage.load(label, packageDir);
    SupervisedChaincode sc =
        new SupervisedChaincode(
            chaincodeName,
            pkg,
            ChaincodeProcessSpec.of(pkg, config),
            support,
            scheduler,
            time,
            config.registrationTimeout());
    if (running.putIfAbsent(chaincodeName, sc) != null) {
      throw new ChaincodeException("chaincode '" + chaincodeName + "' is already launched");
    }
    support.bind(chaincodeName, pkg.packageId());
    try {
      sc.startAndAwaitRegistration();
    } catch (RuntimeException e) {
      running.remove(chaincodeName, sc);
      throw e;
    }
    return pkg.packageId();
  }

  /** The current process of a launched chaincode (it changes when the chaincode is restarted). */
  public Optional<ProcessHandle> process(String chaincodeName) {
    SupervisedChaincode sc = running.get(chaincodeName);
    return sc == null ? Optional.empty() : sc.processHandle();
  }

  /** How often the launcher has restarted the chaincode since it was launched. */
  public int restarts(String chaincodeName) {
    SupervisedChaincode sc = running.get(chaincodeName);
    return sc == null ? 0 : sc.restarts();
  }

  public void stop(String chaincodeName) {
    SupervisedChaincode sc = running.remove(chaincodeName);
    if (sc != null) {
      sc.stop();
    }
  }

  @Override
  public void close() {
    List<String> names = new ArrayList<>(running.keySet());
    for (String name : names) {
      stop(name);
    }
    scheduler.shutdownNow();
  }
}
