package org.openbcs.peer.gateway;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.openbcs.ledger.CommitResult;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ledger.TxOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CommitStatus waiters: a future per waiting call, keyed by channel and tx id, completed when the
 * ledger commits a block holding the tx. The commit listener only queues the commit's result (its
 * tx ids and codes); a notifier thread per channel completes the waiters, so the committing thread
 * never runs client callbacks.
 */
public final class CommitWaiters implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommitWaiters.class);

  /** Calls waiting at once, across channels; more are refused with RESOURCE_EXHAUSTED. */
  public static final int MAX_WAITERS = 100_000;
  /** Committed blocks queued for the notifier of one channel before the commit thread helps. */
  static final int MAX_QUEUED_BLOCKS = 1024;

  /** A committed transaction's outcome. */
  public record TxStatus(int validationCode, long blockNumber) {}

  private record Key(String channelId, String txId) {}

  private final Map<Key, Set<CompletableFuture<TxStatus>>> waiting = new ConcurrentHashMap<>();
  private final Map<String, PeerLedger> ledgers = new ConcurrentHashMap<>();
  private final Map<String, ThreadPoolExecutor> notifiers = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  /** Starts following {@code ledger}'s commits. */
  public void attach(PeerLedger ledger) {
    String channelId = ledger.channelId();
    ThreadPoolExecutor notifier =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_BLOCKS),
            r -> {
              Thread t = new Thread(r, "commit-notifier-" + channelId);
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    ledgers.put(channelId, ledger);
    notifiers.put(channelId, notifier);
    ledger.addCommitListener(
        result -> {
          if (!waiting.isEmpty()) {
            notifier.execute(() -> notify(ledger, result));
          }
        });
  }

  /**
   * The outcome of {@code txId}, now if already committed, else when it commits. Cancel the future
   * when the caller goes away.
   */
  public CompletableFuture<TxStatus> await(String channelId, String txId) {
    PeerLedger ledger = ledgers.get(channelId);
    CompletableFuture<TxStatus> future = new CompletableFuture<>();
    if (ledger == null) {
      future.completeExceptionally(new IllegalArgumentException("channel '" + channelId + "' not found"));
      return future;
    }
    Optional<TxOutcome> committed = ledger.transactionOutcome(txId);
    if (committed.isPresent()) {
      future.complete(new TxStatus(committed.get().validationCode(), committed.get().blockNum()));
      return future;
    }
    if (count.incrementAndGet() > MAX_WAITERS) {
      count.decrementAndGet();
      future.completeExceptionally(
          new IllegalStateException(MAX_WAITERS + " commit status calls are already waiting"));
      return future;
    }
    Key key = new Key(channelId, txId);
    waiting.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(future);
    future.whenComplete((s, t) -> remove(key, future));
    // Registered first, checked again after: a commit between the two checks is not missed.
    ledger
        .transactionOutcome(txId)
        .ifPresent(tx -> future.complete(new TxStatus(tx.validationCode(), tx.blockNum())));
    return future;
  }

  private void remove(Key key, CompletableFuture<TxStatus> future) {
    waiting.computeIfPresent(
        key,
        (k, set) -> {
          if (set.remove(future)) {
            count.decrementAndGet();
          }
          return set.isEmpty() ? null : set;
        });
  }

  private void notify(PeerLedger ledger, CommitResult result) {
    byte[] codes = result.validationCodes();
    List<String> txIds = result.txIds();
    for (int i = 0; i < txIds.size(); i++) {
      String txId = txIds.get(i);
      Set<CompletableFuture<TxStatus>> futures = txId.isEmpty() ? null : waiting.get(new Key(ledger.channelId(), txId));
      if (futures == null) {
        continue;
      }
      int code = codes[i] & 0xff;
      TxStatus status = new TxStatus(code, result.blockNum());
      if (code == TxValidationCode.DUPLICATE_TXID_VALUE) {
        // A duplicate later in the chain never replaces the first commit of a tx id; only then is
        // the index consulted.
        Optional<TxOutcome> first = ledger.transactionOutcome(txId);
        if (first.isPresent()) {
          status = new TxStatus(first.get().validationCode(), first.get().blockNum());
        }
      }
      for (CompletableFuture<TxStatus> f : List.copyOf(futures)) {
        f.complete(status);
      }
    }
  }

  @Override
  public void close() {
    notifiers.values().forEach(ThreadPoolExecutor::shutdownNow);
    waiting.values().forEach(set -> set.forEach(f -> f.cancel(false)));
  }
}
