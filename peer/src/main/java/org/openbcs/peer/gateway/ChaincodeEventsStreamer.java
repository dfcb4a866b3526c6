package org.openbcs.peer.gateway;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gateway.ChaincodeEventsResponse;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.openbcs.ledger.PeerLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a channel's chain for one ChaincodeEvents call: from the start block on, one response
 * per block with matching events of valid transactions, waiting for new blocks with {@code
 * BlockStore.awaitHeight}. Each stream runs on its own virtual thread; the number of concurrent
 * streams is capped.
 */
final class ChaincodeEventsStreamer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChaincodeEventsStreamer.class);

  /** Concurrent ChaincodeEvents streams per peer. */
  static final int MAX_STREAMS = 1024;
  /** How long one wait for the next block lasts before the stream re-checks cancellation. */
  static final long WAIT_SLICE_MILLIS = 500;

  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore slots = new Semaphore(MAX_STREAMS);

  /** A request to stream: where to start, which chaincode, which tx to resume after. */
  record Subscription(
      PeerLedger ledger, String chaincodeId, long startBlock, String afterTxId) {}

  /** False when the stream cap is reached. */
  boolean start(Subscription sub, ServerCallStreamObserver<ChaincodeEventsResponse> out) {
    if (!slots.tryAcquire()) {
      return false;
    }
    // gRPC accepts these handlers only during the initial call, i.e. before this method returns.
    Semaphore ready = new Semaphore(0);
    out.setOnReadyHandler(ready::release);
    out.setOnCancelHandler(ready::release);
    threads.execute(
        () -> {
          try {
            stream(sub, out, ready);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            log.warn("chaincode events stream on channel {} failed", sub.ledger().channelId(), e);
            if (!out.isCancelled()) {
              out.onError(e);
            }
          } finally {
            slots.release();
          }
        });
    return true;
  }

  private void stream(
      Subscription sub, ServerCallStreamObserver<ChaincodeEventsResponse> out, Semaphore ready)
      throws InterruptedException {
    long number = sub.startBlock();
    boolean skipping = !sub.afterTxId().isEmpty();
    while (!out.isCancelled()) {
      if (!sub.ledger().blocks().awaitHeight(number, WAIT_SLICE_MILLIS)) {
        continue;
      }
      Optional<Block> block = sub.ledger().blocks().blockByNumber(number);
      if (block.isEmpty()) {
        continue;
      }
      List<ChaincodeEvent> matching = new java.util.ArrayList<>();
      for (BlockTransactions.Tx tx : BlockTransactions.of(block.get())) {
        if (skipping) {
          // Events up to and including after_transaction_id were seen by the client already.
          skipping = !tx.txId().equals(sub.afterTxId());
          continue;
        }
        for (ChaincodeEvent event : BlockTransactions.events(List.of(tx))) {
          if (event.getChaincodeId().equals(sub.chaincodeId())
              && !event.getEventName().isEmpty()
              && !event.getTxId().isEmpty()) {
            matching.add(event);
          }
        }
      }
      // after_transaction_id only applies within the block that holds it.
      skipping = false;
      if (!matching.isEmpty()) {
        // Respect flow control: never buffer more than one response beyond what the client takes.
        while (!out.isReady() && !out.isCancelled()) {
          ready.tryAcquire(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
        }
        if (out.isCancelled()) {
          return;
        }
        out.onNext(
            ChaincodeEventsResponse.newBuilder()
                .setBlockNumber(number)
                .addAllEvents(matching)
                .build());
      }
      number++;
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
