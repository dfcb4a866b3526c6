package org.openbcs.chaincode.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the peer starts its chaincodes. {@code peerAddress} is the host:port of the chaincode
 * listener as the chaincode must dial it (and as the listener's TLS certificate names it); {@code
 * tls} null = plaintext; {@code dataDir} receives logs and per-package TLS files.
 */
public record LauncherConfig(
    String peerAddress,
    ChaincodeTls tls,
    String mspId,
    Path dataDir,
    Duration registrationTimeout,
    List<String> jvmOptions) {

  /** A chaincode JVM is small: the contract is a thin layer over the peer's ledger. */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xshare:auto");

  /**
   * For short-lived chaincodes (tests, dev networks): C1 only. The shim scans its whole classpath
   * at start, which then takes about 40% less time; long-running peers want C2's peak speed.
   */
  public static final List<String> FAST_START_JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** Generous: the shim's classpath scan takes tens of seconds on a busy two-core host. */
  public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(120);

  public static LauncherConfig plaintext(String peerAddress, String mspId, Path dataDir) {
    return new LauncherConfig(
        peerAddress, null, mspId, dataDir, DEFAULT_REGISTRATION_TIMEOUT, DEFAULT_JVM_OPTIONS);
  }

  public LauncherConfig withTls(ChaincodeTls newTls) {
    return new LauncherConfig(peerAddress, newTls, mspId, dataDir, registrationTimeout, jvmOptions);
  }

  public LauncherConfig withRegistrationTimeout(Duration timeout) {
    return new LauncherConfig(peerAddress, tls, mspId, dataDir, timeout, jvmOptions);
  }

  public LauncherConfig withJvmOptions(List<String> options) {
    return new LauncherConfig(peerAddress, tls, mspId, dataDir, registrationTimeout, List.copyOf(options));
  }
}
