package org.openbcs.chaincode.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.common.time.TimeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One launched chaincode JVM and its supervision: it is restarted when it dies (exponential
 * backoff), unless it died {@link #MAX_RESTARTS_PER_MINUTE} times within a minute, in which case
 * the launcher gives up on it and its transactions fail with "not running".
 */
final class SupervisedChaincode {
  private static final Logger log = LoggerFactory.getLogger(SupervisedChaincode.class);

  static final int MAX_RESTARTS_PER_MINUTE = 5;
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration REGISTRATION_POLL = Duration.ofMillis(100);
  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int LOG_TAIL_LINES = 20;

  private final String chaincodeName;
  private final ChaincodePackage pkg;
  private final ChaincodeProcessSpec spec;
  private final ChaincodeSupport support;
  private final ScheduledExecutorService scheduler;
  private final TimeSource time;
  private final Duration registrationTimeout;
  private final Deque<Long> recentRestarts = new ArrayDeque<>();
  private Process process;
  private boolean stopping;
  private int restarts;

  SupervisedChaincode(
      String chaincodeName,
      ChaincodePackage pkg,
      ChaincodeProcessSpec spec,
      ChaincodeSupport support,
      ScheduledExecutorService scheduler,
      TimeSource time,
      Duration registrationTimeout) {
    this.chaincodeName = chaincodeName;
    this.pkg = pkg;
    this.spec = spec;
    this.support = support;
    this.scheduler = scheduler;
    this.time = time;
    this.registrationTimeout = registrationTimeout;
  }

  /** Starts the JVM and waits until it registers; on failure nothing is left running. */
  void startAndAwaitRegistration() {
    support.setLaunching(pkg.packageId(), true);
    Process p;
    synchronized (this) {
      p = spawn();
      process = p;
    }
    long deadline = time.monotonicNanos() + registrationTimeout.toNanos();
    try {
      while (!support.awaitRegistered(pkg.packageId(), REGISTRATION_POLL)) {
        if (!p.isAlive()) {
          fail("chaincode " + chaincodeName + " (" + pkg.packageId() + ") exited with code "
              + p.exitValue() + " before registering");
        }
        if (time.monotonicNanos() - deadline > 0) {
          fail("chaincode " + chaincodeName + " (" + pkg.packageId() + ") did not register within "
              + registrationTimeout.toMillis() + " ms");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while waiting for chaincode " + chaincodeName + " to register");
    }
    log.info("chaincode {} ({}) running as pid {}", chaincodeName, pkg.packageId(), p.pid());
    p.onExit().thenAccept(this::exited);
  }

  private void fail(String why) {
    stop();
    throw new ChaincodeException(why + "; log " + spec.logFile() + ":\n" + logTail());
  }

  synchronized Optional<ProcessHandle> processHandle() {
    return process == null ? Optional.empty() : Optional.of(process.toHandle());
  }

  synchronized int restarts() {
    return restarts;
  }

  private Process spawn() {
    try {
      Files.createDirectories(spec.logFile().getParent());
      ProcessBuilder pb = new ProcessBuilder(spec.command())
          .directory(pkg.directory().toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
      pb.environment().clear();
      pb.environment().putAll(spec.environment());
      return pb.start();
    } catch (IOException e) {
      support.setLaunching(pkg.packageId(), false);
      throw new UncheckedIOException("cannot start chaincode " + chaincodeName + " JVM", e);
    }
  }

  private void exited(Process p) {
    Duration backoff;
    synchronized (this) {
      if (stopping || p != process) {
        return;
      }
      if (support.isClosed()) {
        log.info("chaincode {} exited after the chaincode listener closed; not restarting", chaincodeName);
        return;
      }
      long now = time.monotonicNanos();
      while (!recentRestarts.isEmpty() && now - recentRestarts.peekFirst() > MINUTE_NANOS) {
        recentRestarts.removeFirst();
      }
      if (recentRestarts.size() >= MAX_RESTARTS_PER_MINUTE) {
        log.error(
            "chaincode {} ({}) died {} times within a minute; not restarting it. Log: {}",
            chaincodeName, pkg.packageId(), recentRestarts.size() + 1, spec.logFile());
        support.setLaunching(pkg.packageId(), false);
        return;
      }
      long shift = Math.min(recentRestarts.size(), 16);
      backoff = INITIAL_BACKOFF.multipliedBy(1L << shift);
      if (backoff.compareTo(MAX_BACKOFF) > 0) {
        backoff = MAX_BACKOFF;
      }
      recentRestarts.addLast(now);
    }
    log.warn(
        "chaincode {} ({}) exited with code {}; restarting in {} ms",
        chaincodeName, pkg.packageId(), p.exitValue(), backoff.toMillis());
    scheduler.schedule(this::restart, backoff.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void restart() {
    Process p;
    synchronized (this) {
      if (stopping) {
        return;
      }
      try {
        p = spawn();
      } catch (UncheckedIOException e) {
        log.error("chaincode {}: restart failed: {}", chaincodeName, e.getMessage());
        return;
      }
      support.setLaunching(pkg.packageId(), true);
      process = p;
      restarts++;
    }
    p.onExit().thenAccept(this::exited);
    // A JVM that starts but never registers is as dead as one that exited.
    scheduler.schedule(
        () -> {
          if (p.isAlive() && !support.isRegistered(pkg.packageId())) {
            log.warn("chaincode {} restarted but did not register in time; killing pid {}",
                chaincodeName, p.pid());
            p.destroyForcibly();
          }
        },
        registrationTimeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops the JVM: a polite destroy, then a forcible one after {@link #STOP_GRACE}. */
  void stop() {
    Process p;
    synchronized (this) {
      stopping = true;
      p = process;
    }
    support.setLaunching(pkg.packageId(), false);
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("chaincode {} did not stop within {} ms; killing pid {}",
            chaincodeName, STOP_GRACE.toMillis(), p.pid());
        p.destroyForcibly();
        p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    support.disconnect(pkg.packageId(), "chaincode stopped");
  }

  private String logTail() {
    Path file = spec.logFile();
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
