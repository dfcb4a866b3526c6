package org.openbcs.peer.lifecycle;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.launcher.ChaincodeLauncher;
import org.openbcs.chaincode.launcher.ServiceStatus;
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a defined chaincode on first use: picks the installed package for the definition
 * ({@link InstalledChaincodes#forDefinition}) and launches it; a new definition bound to another
 * package replaces the running process. A chaincode-as-a-service package is dialled instead, and
 * the launcher keeps redialling it; while its connection is down, proposals for it fail here with
 * the reason rather than with a bare "not running".
 */
public final class PackageActivator implements ChaincodeActivator {
  private static final Logger log = LoggerFactory.getLogger(PackageActivator.class);

  private final InstalledChaincodes installed;
  private final ChaincodeLauncher launcher;
  /** chaincode name -> package id of the running process. */
  private final Map<String, String> running = new ConcurrentHashMap<>();
  /**
   * chaincode name -> definition version the running process serves. Checked first so the hot
   * path (every proposal) does not list the install directory.
   */
  private final Map<String, String> runningVersion = new ConcurrentHashMap<>();

  public PackageActivator(InstalledChaincodes installed, ChaincodeLauncher launcher) {
    this.installed = installed;
    this.launcher = launcher;
  }

  @Override
  public void ensureRunning(String channelId, ChaincodeDefinition definition) {
    String name = definition.name();
    if (definition.version().equals(runningVersion.get(name))) {
      requireConnectedIfService(name);
      return;
    }
    InstalledChaincodes.InstalledPackage pkg =
        installed
            .forDefinition(name, definition.version())
            .orElseThrow(
                () ->
                    new ChaincodeException(
                        "chaincode '"
                            + name
                            + "' version "
                            + definition.version()
                            + " is defined on channel '"
                            + channelId
                            + "' but not installed on this peer (no package labelled "
                            + name
                            + "_"
                            + definition.version()
                            + " or "
                            + name
                            + ")"));
    if (pkg.packageId().equals(running.get(name))) {
      runningVersion.put(name, definition.version());
      requireConnectedIfService(name);
      return;
    }
    // One launch per chaincode name at a time; other callers wait for it rather than race.
    synchronized (this) {
      if (pkg.packageId().equals(running.get(name))) {
        runningVersion.put(name, definition.version());
        requireConnectedIfService(name);
        return;
      }
      if (running.containsKey(name)) {
        log.info("chaincode {} moves from {} to {}", name, running.get(name), pkg.packageId());
        launcher.stop(name);
        running.remove(name);
        runningVersion.remove(name);
      }
      String launched =
          pkg.isCcaas()
              ? launcher.connectService(name, pkg.ccaasFile())
              : launcher.launch(name, pkg.label(), pkg.directory());
      // A service is recorded even when the first dial failed: the launcher keeps redialling it.
      running.put(name, launched);
      runningVersion.put(name, definition.version());
      log.info("channel={} chaincode {} {} {}", channelId, name, pkg.isCcaas() ? "served by" : "running as", launched);
    }
    requireConnectedIfService(name);
  }

  private void requireConnectedIfService(String name) {
    Optional<ServiceStatus> status = launcher.serviceStatus(name);
    if (status.isPresent() && !status.get().connected()) {
      ServiceStatus s = status.get();
      throw new ChaincodeException(
          "chaincode '" + name + "' runs as a service at " + s.address() + " and is not connected ("
              + s.lastError() + "); the peer keeps redialling it");
    }
  }
}
