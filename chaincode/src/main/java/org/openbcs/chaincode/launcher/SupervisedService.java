package org.openbcs.chaincode.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chaincode running as a service and the peer's connection to it: dialled once on start, then
 * redialled with exponential backoff whenever the dial fails or the stream ends, until stopped or
 * the chaincode support closes. There is no give-up limit (unlike a crashing JVM, a service that
 * is down is expected to come back on its own); the backoff caps the cost of waiting for it.
 * Transactions in flight when the stream breaks fail at once ("disconnected while executing");
 * while it is down the activator refuses new ones with {@link #status()}'s reason.
 */
final class SupervisedService {
  private static final Logger log = LoggerFactory.getLogger(SupervisedService.class);

  static final Duration INITIAL_BACKOFF = Duration.ofMillis(250);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final String chaincodeName;
  private final CcaasPackage pkg;
  private final ChaincodeSupport.DialTls tls;
  private final ChaincodeSupport support;
  private final ScheduledExecutorService scheduler;
  private boolean stopping;
  private boolean connected;
  private String lastError = "not dialled yet";
  private int redials;
  private Duration backoff = INITIAL_BACKOFF;
  private ScheduledFuture<?> pending;

  SupervisedService(
      String chaincodeName,
      CcaasPackage pkg,
      ChaincodeSupport.DialTls tls,
      ChaincodeSupport support,
      ScheduledExecutorService scheduler) {
    this.chaincodeName = chaincodeName;
    this.pkg = pkg;
    this.tls = tls;
    this.support = support;
    this.scheduler = scheduler;
  }

  /**
   * Writes the PEM material of {@code connection} where the gRPC TLS stack can read it (owner-only
   * files under {@code dir}) and returns the dial's TLS settings.
   */
  static ChaincodeSupport.DialTls tlsFiles(CcaasConnection connection, Path dir) {
    if (!connection.tlsRequired()) {
      return ChaincodeSupport.DialTls.PLAINTEXT;
    }
    Path root = write(dir, "root.crt", connection.rootCert());
    if (!connection.clientAuthRequired()) {
      return new ChaincodeSupport.DialTls(root, null, null);
    }
    return new ChaincodeSupport.DialTls(
        root, write(dir, "client.crt", connection.clientCert()), write(dir, "client.key", connection.clientKey()));
  }

  /** Dials once on the caller's thread; on failure redialling continues in the background. */
  boolean start() {
    return dialOnce();
  }

  synchronized ServiceStatus status() {
    return new ServiceStatus(pkg.packageId(), pkg.connection().address(), connected, lastError, redials);
  }

  /** Waits until the status satisfies {@code condition}; false on timeout. */
  synchronized boolean await(Predicate<ServiceStatus> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(status())) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, remaining);
    }
    return true;
  }

  void stop() {
    synchronized (this) {
      stopping = true;
      if (pending != null) {
        pending.cancel(false);
      }
    }
    support.disconnect(pkg.packageId(), "chaincode stopped");
  }

  private boolean dialOnce() {
    synchronized (this) {
      if (stopping) {
        return false;
      }
    }
    CcaasConnection c = pkg.connection();
    ChaincodeSupport.Dialled dialled;
    try {
      dialled = support.dial(chaincodeName, c.host(), c.port(), tls, c.dialTimeout(), pkg.packageId());
    } catch (ChaincodeException e) {
      // gRPC statuses carry their cause's stack trace in their text: keep the first line.
      String why = firstLine(e.getMessage());
      boolean repeated;
      synchronized (this) {
        repeated = why.equals(lastError);
        lastError = why;
        notifyAll();
      }
      if (repeated) {
        log.debug("chaincode {} as a service at {}: {}", chaincodeName, c.address(), why);
      } else {
        log.warn("chaincode {} as a service at {}: {}", chaincodeName, c.address(), why);
      }
      scheduleRedial();
      return false;
    }
    synchronized (this) {
      if (stopping) {
        support.disconnect(pkg.packageId(), "chaincode stopped");
        return false;
      }
      connected = true;
      lastError = "";
      backoff = INITIAL_BACKOFF;
      notifyAll();
    }
    dialled.disconnected().thenRun(this::lost);
    return true;
  }

  private void lost() {
    synchronized (this) {
      connected = false;
      notifyAll();
      if (stopping) {
        return;
      }
      lastError = "connection to " + pkg.connection().address() + " lost";
    }
    if (support.isClosed()) {
      log.info("chaincode {}: connection closed with the peer's chaincode support; not redialling", chaincodeName);
      return;
    }
    log.warn("chaincode {} as a service at {} disconnected; redialling", chaincodeName, pkg.connection().address());
    scheduleRedial();
  }

  private synchronized void scheduleRedial() {
    if (stopping || support.isClosed()) {
      return;
    }
    Duration delay = backoff;
    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    try {
      // A dial blocks for up to dial_timeout: run it on its own virtual thread so one unreachable
      // service does not hold up the launcher's scheduler (and the other services' redials).
      pending =
          scheduler.schedule(
              () -> Thread.ofVirtual().name("ccaas-dial-" + chaincodeName).start(this::redial),
              delay.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("chaincode {}: launcher closed, not redialling", chaincodeName);
    }
  }

  private void redial() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      redials++;
    }
    dialOnce();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static Path write(Path dir, String name, String pem) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name);
      Files.writeString(file, pem, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the data directory's own protection applies
      }
      return file.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chaincode TLS file " + name + " into " + dir, e);
    }
  }
}
