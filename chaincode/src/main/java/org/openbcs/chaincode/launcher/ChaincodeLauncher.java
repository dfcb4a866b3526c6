package org.openbcs.chaincode.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.common.time.TimeSource;

/**
 * Runs chaincode packages as child JVMs of the peer, connected to its chaincode listener, and
 * keeps them running (see {@link SupervisedChaincode} for the restart policy). Stdout and stderr
 * of each go to {@code <dataDir>/chaincode/logs/<label>-<hash prefix>.log}.
 *
 * <p>Chaincode-as-a-service packages ({@link CcaasPackage}) run elsewhere: the launcher dials them
 * and keeps the connection up instead (see {@link SupervisedService}).
 */
public final class ChaincodeLauncher implements AutoCloseable {
  private final ChaincodeSupport support;
  private final LauncherConfig config;
  private final TimeSource time;
  private final ScheduledExecutorService scheduler;
  private final Map<String, SupervisedChaincode> running = new ConcurrentHashMap<>();
  private final Map<String, SupervisedService> services = new ConcurrentHashMap<>();

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
    if (services.containsKey(chaincodeName) || running.putIfAbsent(chaincodeName, sc) != null) {
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

  /**
   * Serves chaincode {@code chaincodeName} from the chaincode server a ccaas package file names:
   * dials it once now and keeps redialling whenever it is unreachable, until {@link #stop}. Returns
   * the package id; whether the first dial succeeded is in {@link #serviceStatus}.
   */
  public String connectService(String chaincodeName, Path packageFile) {
    CcaasPackage pkg = CcaasPackage.read(packageFile);
    ChaincodeSupport.DialTls tls =
        SupervisedService.tlsFiles(
            pkg.connection(), config.dataDir().resolve("chaincode").resolve(pkg.fileStem()).resolve("tls"));
    SupervisedService service = new SupervisedService(chaincodeName, pkg, tls, support, scheduler);
    if (running.containsKey(chaincodeName) || services.putIfAbsent(chaincodeName, service) != null) {
      throw new ChaincodeException("chaincode '" + chaincodeName + "' is already launched");
    }
    support.bind(chaincodeName, pkg.packageId());
    service.start();
    return pkg.packageId();
  }

  /** The connection state of a chaincode served by {@link #connectService}; empty for others. */
  public Optional<ServiceStatus> serviceStatus(String chaincodeName) {
    SupervisedService s = services.get(chaincodeName);
    return s == null ? Optional.empty() : Optional.of(s.status());
  }

  /**
   * Waits until the connection state of service {@code chaincodeName} satisfies {@code condition}
   * (e.g. connected again after a redial); false on timeout.
   */
  public boolean awaitService(String chaincodeName, Predicate<ServiceStatus> condition, Duration timeout)
      throws InterruptedException {
    SupervisedService s = services.get(chaincodeName);
    if (s == null) {
      throw new ChaincodeException("chaincode '" + chaincodeName + "' is not served as a service");
    }
    return s.await(condition, timeout);
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
    SupervisedService service = services.remove(chaincodeName);
    if (service != null) {
      service.stop();
    }
  }

  @Override
  public void close() {
    List<String> names = new ArrayList<>(running.keySet());
    names.addAll(services.keySet());
    for (String name : names) {
      stop(name);
    }
    scheduler.shutdownNow();
  }
}
