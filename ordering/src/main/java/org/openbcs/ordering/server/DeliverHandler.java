package org.openbcs.ordering.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.openbcs.common.time.TimeSource;
import org.openbcs.ledger.BlockStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Deliver stream. Requests are served one after the other on the stream's own virtual thread,
 * which may block for a long time waiting for blocks (BLOCK_UNTIL_READY). Each request ends with a
 * status: SUCCESS after its stop block, or the reason it was refused; the stream then takes the
 * next request.
 */
final class DeliverHandler implements StreamObserver<Envelope> {
  private static final Logger log = LoggerFactory.getLogger(DeliverHandler.class);

  /** Requests a client may queue on one stream while an earlier one is still being served. */
  static final int PENDING_REQUESTS_MAX = 16;

  /** How long one wait for a block lasts before re-checking that the stream is still wanted. */
  private static final long AWAIT_SLICE_MILLIS = 1_000;

  private sealed interface Event permits Request, ClientDone {}

  private record Request(Envelope envelope) implements Event {}

  private record ClientDone() implements Event {}

  /** Fabric's default {@code authentication.timewindow}: request time vs. server time. */
  static final Duration TIME_WINDOW = Duration.ofMinutes(15);

  private final ChannelRegistry channels;
  private final TimeSource time;
  private final TlsBinding binding;
  private final ServerCallStreamObserver<DeliverResponse> responses;
  private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(PENDING_REQUESTS_MAX);
  private final Object readyLock = new Object();
  private final Thread worker;
  private volatile boolean cancelled;
  private volatile boolean overflowed;

  DeliverHandler(
      ChannelRegistry channels,
      StreamObserver<DeliverResponse> responses,
      DeliverStreams streams,
      TimeSource time,
      TlsBinding binding) {
    this.channels = channels;
    this.time = time;
    this.binding = binding;
    this.responses = (ServerCallStreamObserver<DeliverResponse>) responses;
    this.responses.setOnReadyHandler(this::signalReady);
    this.responses.setOnCancelHandler(this::cancel);
    this.worker = Thread.ofVirtual().name("deliver").unstarted(this::run);
    streams.track(worker);
    worker.start();
  }

  @Override
  public void onNext(Envelope envelope) {
    if (!events.offer(new Request(envelope))) {
      // A client that floods requests faster than they are served is cut off; the worker, the
      // only writer of this stream, closes it.
      overflowed = true;
      cancel();
    }
  }

  @Override
  public void onError(Throwable t) {
    cancel();
  }

  @Override
  public void onCompleted() {
    if (!events.offer(new ClientDone())) {
      cancel();
    }
  }

  private void cancel() {
    cancelled = true;
    worker.interrupt();
  }

  private void run() {
    try {
      while (!cancelled) {
        switch (events.take()) {
          case Request r -> serve(r.envelope());
          case ClientDone d -> {
            responses.onCompleted();
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      // cancelled by the client (nothing to send), an overflow (below) or the server shutting
      // down: close the call now so shutdown need not wait for its grace period.
      if (!cancelled) {
        closeWith(io.grpc.Status.UNAVAILABLE.withDescription("orderer is shutting down"));
        return;
      }
    } catch (RuntimeException e) {
      if (!cancelled) {
        log.warn("deliver stream failed: {}", e.toString(), e);
        closeWith(io.grpc.Status.INTERNAL.withDescription(e.getMessage()));
        return;
      }
    }
    if (overflowed) {
      closeWith(
          io.grpc.Status.RESOURCE_EXHAUSTED.withDescription(
              "more than " + PENDING_REQUESTS_MAX + " deliver requests pending on one stream"));
    }
  }

  private void closeWith(io.grpc.Status status) {
    try {
      responses.onError(status.asRuntimeException());
    } catch (RuntimeException ignored) {
      // the call is already closed
    }
  }

  private void serve(Envelope envelope) throws InterruptedException {
    Status outcome;
    try {
      outcome = deliver(envelope);
    } catch (RequestException e) {
      log.debug("deliver refused: {} {}", e.status(), e.getMessage());
      outcome = e.status();
    }
    if (!cancelled) {
      send(DeliverResponse.newBuilder().setStatus(outcome).build());
    }
  }

  /** Streams the requested blocks; returns SUCCESS once the stop block was sent. */
  private Status deliver(Envelope envelope) throws InterruptedException {
    InboundEnvelope in = InboundEnvelope.parse(envelope);
    if (in.channelHeader().getType() != HeaderType.DELIVER_SEEK_INFO_VALUE) {
      throw new RequestException(
          Status.BAD_REQUEST,
          "deliver request has header type " + in.channelHeader().getType() + ", expected DELIVER_SEEK_INFO (5)");
    }
    checkTimestamp(in);
    OrdererChannel channel = channels.require(in.channelId());
    // Fabric checks the binding with the header, before the creator is authenticated.
    binding.check(in.channelHeader(), channel.suite());
    channel.access().requireReader(in.authenticate(channel.msps(), channel.suite()));
    SeekInfo seek;
    try {
      seek = SeekInfo.parseFrom(in.payload().getData());
    } catch (InvalidProtocolBufferException e) {
      throw new RequestException(Status.BAD_REQUEST, "malformed seek info: " + e.getMessage());
    }
    BlockStore store = channel.store();
    SeekRange range = SeekRange.resolve(seek.getStart(), seek.getStop(), store.height());
    boolean failIfNotReady = seek.getBehavior() == SeekInfo.SeekBehavior.FAIL_IF_NOT_READY;
    log.debug("channel={} deliver blocks {}..{}", channel.channelId(), range.start(), range.stop());
    for (long n = range.start(); ; n++) {
      if (!awaitBlock(store, n, failIfNotReady)) {
        return failIfNotReady ? Status.NOT_FOUND : Status.SERVICE_UNAVAILABLE;
      }
      long number = n;
      Block block =
          store.blockByNumber(n)
              .orElseThrow(() -> new IllegalStateException("block " + number + " missing below height"));
      if (seek.getContentType() == SeekInfo.SeekContentType.HEADER_WITH_SIG && n > 0) {
        block = block.toBuilder().setData(BlockData.getDefaultInstance()).build();
      }
      send(DeliverResponse.newBuilder().setBlock(block).build());
      if (n == range.stop()) {
        return Status.SUCCESS;
      }
    }
  }

  /** Replayed or badly clocked requests: the timestamp must be within the window of now. */
  private void checkTimestamp(InboundEnvelope in) {
    if (!in.channelHeader().hasTimestamp()) {
      throw new RequestException(Status.BAD_REQUEST, "channel header in envelope must contain timestamp");
    }
    com.google.protobuf.Timestamp ts = in.channelHeader().getTimestamp();
    Instant requestTime = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    Instant now = time.now();
    if (Duration.between(requestTime, now).abs().compareTo(TIME_WINDOW) > 0) {
      throw new RequestException(
          Status.BAD_REQUEST,
          "envelope timestamp " + requestTime + " is more than " + TIME_WINDOW.toMinutes()
              + " minutes apart from the current server time " + now);
    }
  }

  /** Whether block {@code n} exists; waits for it unless asked not to. False when giving up. */
  private boolean awaitBlock(BlockStore store, long n, boolean failIfNotReady)
      throws InterruptedException {
    if (n < store.height()) {
      return true;
    }
    if (failIfNotReady) {
      return false;
    }
    while (!store.awaitHeight(n, AWAIT_SLICE_MILLIS)) {
      if (cancelled) {
        throw new InterruptedException("deliver stream cancelled");
      }
    }
    return true;
  }

  /** Sends one response once gRPC's outbound buffer has room (flow control with slow readers). */
  private void send(DeliverResponse response) throws InterruptedException {
    synchronized (readyLock) {
      while (!responses.isReady()) {
        if (cancelled) {
          throw new InterruptedException("deliver stream cancelled");
        }
        readyLock.wait(AWAIT_SLICE_MILLIS);
      }
    }
    responses.onNext(response);
  }

  private void signalReady() {
    synchronized (readyLock) {
      readyLock.notifyAll();
    }
  }
}
