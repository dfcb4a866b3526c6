package org.openbcs.peer.lifecycle;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.ledger.VersionedValue;
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.openbcs.peer.channel.PeerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the installed chaincodes of a channel's committed definitions in the background: at peer
 * start and after each commit (a new definition may have arrived). A chaincode JVM takes seconds
 * to start, so waiting for the first proposal would push it past the callers' deadlines. Runs
 * coalesced on one thread; the endorser's first-use activation remains the fallback.
 */
public final class EagerLaunch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EagerLaunch.class);

  private final PeerChannel channel;
  private final ChaincodeActivator activator;
  private final ExecutorService worker;
  private final AtomicBoolean pending = new AtomicBoolean();

  public EagerLaunch(PeerChannel channel, ChaincodeActivator activator) {
    this.channel = channel;
    this.activator = activator;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "chaincode-eager-launch-" + channel.channelId());
              t.setDaemon(true);
              return t;
            });
    channel.ledger().addCommitListener(result -> schedule());
  }

  /** Asks for one more pass; passes requested while one is queued are merged. */
  public void schedule() {
    if (pending.compareAndSet(false, true)) {
      try {
        worker.execute(this::sync);
      } catch (RejectedExecutionException e) {
        pending.set(false);
      }
    }
  }

  private void sync() {
    pending.set(false);
    String bookmark = "";
    do {
      var page = channel.ledger().getStateRange(LifecycleNamespace.NAME, "", "", 0, bookmark);
      for (VersionedValue v : page.results()) {
        Optional<ChaincodeDefinition> definition = channel.chaincodes().get(v.key());
        if (definition.isEmpty()) {
          continue;
        }
        try {
          activator.ensureRunning(channel.channelId(), definition.get());
        } catch (ChaincodeException | IllegalArgumentException e) {
          log.debug("channel={} chaincode {} not started: {}", channel.channelId(), v.key(), e.getMessage());
        }
      }
      bookmark = page.bookmark();
    } while (!bookmark.isEmpty());
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
