package org.openbcs.peer.deliver;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.peer.DeliverResponse;
import org.openbcs.transport.TlsClientCertificate;
import org.openbcs.ledger.BlockStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Deliver call. Requests arrive on gRPC threads and are queued; a dedicated worker (a virtual
 * thread, so a stream parked at the chain's tip costs no platform thread) answers them in order and
 * is the only writer of responses. The worker is never interrupted — an interrupt during a block
 * read would close the block store's shared FileChannel — so every wait is sliced and cancellation
 * or {@link #stop()} is noticed within {@link #WAIT_SLICE_MILLIS}. gRPC flow control is honoured
 * so a slow client does not make the server buffer the chain.
 */
final class DeliverStream implements StreamObserver<Envelope> {
  private static final Logger log = LoggerFactory.getLogger(DeliverStream.class);

  /** Clients write one seek request and wait; more than this queued is abuse. */
  static final int MAX_PENDING_REQUESTS = 4;

  /** Longest a parked worker goes without re-checking cancellation. */
  static final long WAIT_SLICE_MILLIS = 250;

  enum Mode {
    BLOCKS,
    FILTERED
  }

  private final ServerCallStreamObserver<DeliverResponse> out;
  private final Mode mode;
  private final SeekRequests seekRequests;
  /** The connection's TLS client certificate, captured on the call's thread at open. */
  private final TlsClientCertificate session;
  private final BlockingQueue<Envelope> requests = new ArrayBlockingQueue<>(MAX_PENDING_REQUESTS);
  private final ReentrantLock readyLock = new ReentrantLock();
  private final Condition readyOrCancelled = readyLock.newCondition();
  private volatile boolean halfClosed;
  private volatile boolean cancelled;
  private volatile boolean overflowed;
  private volatile boolean stopping;
  /** Set by the worker once it ended the call; only the worker reads it. */
  private boolean ended;

  DeliverStream(
      ServerCallStreamObserver<DeliverResponse> out,
      Mode mode,
      SeekRequests seekRequests,
      TlsClientCertificate session) {
    this.session = session;
    this.out = out;
    this.mode = mode;
    this.seekRequests = seekRequests;
    out.setOnReadyHandler(this::signal);
    out.setOnCancelHandler(
        () -> {
          cancelled = true;
          signal();
        });
  }

  /** Ends the stream with UNAVAILABLE within one wait slice (the peer is stopping). */
  void stop() {
    stopping = true;
    signal();
  }

  private boolean over() {
    return cancelled || stopping;
  }

  @Override
  public void onNext(Envelope request) {
    if (!requests.offer(request)) {
      overflowed = true;
    }
  }

  @Override
  public void onError(Throwable t) {
    cancelled = true;
    signal();
  }

  @Override
  public void onCompleted() {
    halfClosed = true;
  }

  /** The worker's body. */
  void run() {
    try {
      while (!over()) {
        if (overflowed) {
          finish(Status.BAD_REQUEST, "more than " + MAX_PENDING_REQUESTS + " pending seek requests");
          return;
        }
        Envelope request = requests.poll(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
        if (request == null) {
          if (halfClosed && requests.isEmpty()) {
            ended = true;
            out.onCompleted();
            return;
          }
          continue;
        }
        if (!serve(request)) {
          break;
        }
      }
      if (stopping && !cancelled && !ended) {
        // End the call so the client reconnects elsewhere.
        ended = true;
        out.onError(io.grpc.Status.UNAVAILABLE.withDescription("peer is stopping").asRuntimeException());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!cancelled && !ended) {
        log.warn("deliver stream failed", e);
        try {
          out.onError(io.grpc.Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException ignored) {
          // the call is already closed
        }
      }
    }
  }

  /** Answers one seek request; false when the stream is over. */
  private boolean serve(Envelope request) throws InterruptedException {
    SeekRequests.Outcome outcome = seekRequests.check(request, session);
    if (outcome instanceof SeekRequests.Rejected r) {
      finish(r.status(), r.reason());
      return false;
    }
    SeekRequests.Accepted accepted = (SeekRequests.Accepted) outcome;
    String channelId = accepted.channel().channelId();
    BlockStore blocks = accepted.channel().ledger().blocks();
    SeekInfo seek = accepted.seekInfo();
    long height = blocks.height();
    long start = position(seek.getStart(), height);
    long stop = position(seek.getStop(), height);
    if (start < 0 || stop < 0) {
      finish(Status.BAD_REQUEST, "seek position not set or newest requested on an empty ledger");
      return false;
    }
    if (start > stop) {
      finish(Status.BAD_REQUEST, "start block " + start + " is after stop block " + stop);
      return false;
    }
    boolean failIfNotReady = seek.getBehavior() == SeekInfo.SeekBehavior.FAIL_IF_NOT_READY;
    log.debug("[{}] deliver {} blocks {}..{} to {}", channelId, mode, start, stop, accepted.requester().mspId());
    for (long number = start; number <= stop; number++) {
      if (!awaitBlock(blocks, number, failIfNotReady)) {
        if (!over()) {
          finish(Status.NOT_FOUND, "block " + number + " is not yet committed");
        }
        return false;
      }
      Block block =
          blocks
              .blockByNumber(number)
              .orElseThrow(() -> new IllegalStateException("block store lost a committed block"));
      if (!awaitReady()) {
        return false;
      }
      out.onNext(response(channelId, block, seek));
    }
    out.onNext(DeliverResponse.newBuilder().setStatus(Status.SUCCESS).build());
    return true;
  }

  private DeliverResponse response(String channelId, Block block, SeekInfo seek) {
    if (mode == Mode.FILTERED) {
      return DeliverResponse.newBuilder().setFilteredBlock(FilteredBlocks.of(channelId, block)).build();
    }
    if (seek.getContentType() == SeekInfo.SeekContentType.HEADER_WITH_SIG) {
      block = block.toBuilder().clearData().build();
    }
    return DeliverResponse.newBuilder().setBlock(block).build();
  }

  /** Block number a position names; -1 if it names none. next_commit is the current height. */
  private static long position(SeekPosition p, long height) {
    return switch (p.getTypeCase()) {
      case OLDEST -> 0;
      case NEWEST -> height - 1;
      case SPECIFIED -> p.getSpecified().getNumber() < 0 ? Long.MAX_VALUE : p.getSpecified().getNumber();
      case NEXT_COMMIT -> height;
      case TYPE_NOT_SET -> -1;
    };
  }

  private boolean awaitBlock(BlockStore blocks, long number, boolean failIfNotReady)
      throws InterruptedException {
    if (failIfNotReady) {
      return blocks.height() > number;
    }
    while (!over()) {
      if (blocks.awaitHeight(number, WAIT_SLICE_MILLIS)) {
        return true;
      }
    }
    return false;
  }

  private boolean awaitReady() throws InterruptedException {
    readyLock.lock();
    try {
      while (!out.isReady() && !over()) {
        readyOrCancelled.await(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
      }
      return !over();
    } finally {
      readyLock.unlock();
    }
  }

  private void signal() {
    readyLock.lock();
    try {
      readyOrCancelled.signalAll();
    } finally {
      readyLock.unlock();
    }
  }

  /** Fabric ends a rejected request with a status and closes the stream. */
  private void finish(Status status, String reason) {
    log.info("deliver request answered {}: {}", status, reason);
    ended = true;
    out.onNext(DeliverResponse.newBuilder().setStatus(status).build());
    out.onCompleted();
  }
}
