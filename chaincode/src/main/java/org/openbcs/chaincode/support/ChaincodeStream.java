package org.openbcs.chaincode.support;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.openbcs.chaincode.ChaincodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's end of one chaincode's shim stream, whichever side dialled. Runs the handshake
 * (REGISTER, then REGISTERED and READY), carries many interleaved transactions keyed by channel id
 * and tx id. Ledger requests are answered on the gRPC thread; INVOKE_CHAINCODE, which waits for
 * another transaction, goes to the request executor. Outgoing messages go through one lock because
 * a gRPC stream observer is not thread-safe.
 */
final class ChaincodeStream implements StreamObserver<ChaincodeMessage> {
  private static final Logger log = LoggerFactory.getLogger(ChaincodeStream.class);

  /** Transactions in flight on one stream; beyond this execute fails instead of queueing. */
  static final int MAX_TXS_PER_STREAM = 10_000;

  enum State {
    CREATED,
    READY,
    CLOSED
  }

  /** What the stream tells the registry about its life. */
  interface Registry {
    /** Reserves the stream's package id: null to accept, or why the registration is refused. */
    String admit(ChaincodeStream stream);

    /** READY has been sent: transactions may now be sent on the stream. */
    void ready(ChaincodeStream stream);

    void closed(ChaincodeStream stream);
  }

  private final String origin;
  private final StreamObserver<ChaincodeMessage> outbound;
  private final Registry registry;
  private final ShimRequestHandler requests;
  private final Executor requestExecutor;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Map<String, TxContext> txs = new ConcurrentHashMap<>();
  private final CompletableFuture<String> registered = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile State state = State.CREATED;
  private volatile String packageId = "";

  ChaincodeStream(
      String origin,
      StreamObserver<ChaincodeMessage> outbound,
      Registry registry,
      ShimRequestHandler requests,
      Executor requestExecutor) {
    this.origin = origin;
    this.outbound = outbound;
    this.registry = registry;
    this.requests = requests;
    this.requestExecutor = requestExecutor;
  }

  String packageId() {
    return packageId;
  }

  State state() {
    return state;
  }

  /** Completes with the registered package id once READY was sent. */
  CompletableFuture<String> registered() {
    return registered;
  }

  @Override
  public void onNext(ChaincodeMessage msg) {
    switch (state) {
      case CREATED -> onHandshake(msg);
      case READY -> onReady(msg);
      case CLOSED -> log.debug("{}: dropping {} after close", origin, msg.getType());
    }
  }

  private void onHandshake(ChaincodeMessage msg) {
    if (msg.getType() != ChaincodeMessage.Type.REGISTER) {
      fail("chaincode must send REGISTER first, got " + msg.getType());
      return;
    }
    String id;
    try {
      id = ChaincodeID.parseFrom(msg.getPayload()).getName();
    } catch (InvalidProtocolBufferException e) {
      fail("malformed REGISTER payload: " + e.getMessage());
      return;
    }
    if (id.isEmpty()) {
      fail("REGISTER without a chaincode id name");
      return;
    }
    packageId = id;
    String refusal = registry.admit(this);
    if (refusal != null) {
      fail(refusal);
      return;
    }
    send(ShimMessages.of(ChaincodeMessage.Type.REGISTERED));
    send(ShimMessages.of(ChaincodeMessage.Type.READY));
    if (closing.get()) {
      return;
    }
    // Only after READY is on the wire may execute() send TRANSACTION on this stream.
    state = State.READY;
    registry.ready(this);
    log.info("chaincode {} registered ({})", id, origin);
    registered.complete(id);
  }

  private void onReady(ChaincodeMessage msg) {
    switch (msg.getType()) {
      case COMPLETED, ERROR -> {
        TxContext ctx = txs.get(ShimMessages.txKey(msg.getChannelId(), msg.getTxid()));
        if (ctx == null) {
          log.debug(
              "chaincode {}: {} for channel={} tx={} which is no longer executing",
              packageId, msg.getType(), msg.getChannelId(), msg.getTxid());
        } else {
          ctx.result().complete(msg);
        }
      }
      case KEEPALIVE -> {}
      case REGISTER -> send(ShimMessages.error(msg, "chaincode " + packageId + " is already registered"));
      default -> {
        TxContext ctx = txs.get(ShimMessages.txKey(msg.getChannelId(), msg.getTxid()));
        if (ctx == null) {
          send(
              ShimMessages.error(
                  msg,
                  "no transaction context for channel "
                      + msg.getChannelId()
                      + " tx "
                      + msg.getTxid()
                      + " (finished or timed out)"));
          return;
        }
        if (msg.getType() != ChaincodeMessage.Type.INVOKE_CHAINCODE) {
          // Ledger requests are short reads/writes of the simulator: answering on the transport
          // thread saves two thread hops per message, and the reply is flushed with the read batch.
          send(requests.handle(ctx, msg));
          return;
        }
        // INVOKE_CHAINCODE waits for another transaction, so it must not hold the transport thread.
        // Bounded without a queue limit of its own: the shim has at most one request outstanding
        // per transaction, and transactions per stream are capped by MAX_TXS_PER_STREAM.
        try {
          requestExecutor.execute(() -> send(requests.handle(ctx, msg)));
        } catch (RejectedExecutionException e) {
          send(ShimMessages.error(msg, "peer shutting down"));
        }
      }
    }
  }

  /** Adds a transaction; the caller then sends TRANSACTION and later calls {@link #end}. */
  void begin(TxContext ctx) {
    if (txs.size() >= MAX_TXS_PER_STREAM) {
      throw new ChaincodeException(
          "chaincode "
              + packageId
              + " has too many transactions in flight (limit "
              + MAX_TXS_PER_STREAM
              + ")");
    }
    if (txs.putIfAbsent(ctx.key(), ctx) != null) {
      throw new ChaincodeException(
          "transaction " + ctx.txId() + " is already executing on chaincode " + packageId
              + " (channel " + ctx.channelId() + ")");
    }
    // Pairs with closed(): either it sees this entry and fails it, or we see the flag here.
    if (closing.get()) {
      txs.remove(ctx.key());
      throw disconnected(ctx);
    }
  }

  void end(TxContext ctx) {
    txs.remove(ctx.key(), ctx);
    ctx.iterators().clear();
  }

  int inFlight() {
    return txs.size();
  }

  void send(ChaincodeMessage msg) {
    writeLock.lock();
    try {
      if (closing.get()) {
        log.debug("chaincode {}: not sending {} on closed stream", packageId, msg.getType());
        return;
      }
      outbound.onNext(msg);
    } catch (RuntimeException e) {
      log.warn("chaincode {}: sending {} failed: {}", packageId, msg.getType(), e.toString());
      closed("send failed: " + e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void onError(Throwable t) {
    closed("stream failed: " + Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    closed("stream closed by the chaincode");
    writeLock.lock();
    try {
      outbound.onCompleted();
    } catch (RuntimeException e) {
      log.debug("chaincode {}: completing stream: {}", packageId, e.toString());
    } finally {
      writeLock.unlock();
    }
  }

  /** The peer ends the stream (shutdown or protocol violation). */
  void shutdown(String reason) {
    boolean wasOpen = !closing.get();
    closed(reason);
    if (wasOpen) {
      writeLock.lock();
      try {
        outbound.onError(Status.UNAVAILABLE.withDescription(reason).asRuntimeException());
      } catch (RuntimeException e) {
        log.debug("chaincode {}: ending stream: {}", packageId, e.toString());
      } finally {
        writeLock.unlock();
      }
    }
  }

  private void fail(String reason) {
    log.warn("chaincode stream {} ({}) rejected: {}", packageId, origin, reason);
    writeLock.lock();
    try {
      if (!closing.get()) {
        outbound.onNext(ShimMessages.error("", "", reason));
      }
    } catch (RuntimeException e) {
      log.debug("chaincode {}: {}", packageId, e.toString());
    } finally {
      writeLock.unlock();
    }
    shutdown(reason);
  }

  private void closed(String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    boolean wasReady = state == State.READY;
    state = State.CLOSED;
    registered.completeExceptionally(
        new ChaincodeException("chaincode stream " + origin + " closed before registering: " + reason));
    if (wasReady) {
      log.info("chaincode {} disconnected ({}): {}", packageId, origin, reason);
    }
    registry.closed(this);
    for (TxContext ctx : txs.values()) {
      ctx.result().completeExceptionally(disconnected(ctx));
    }
  }

  private ChaincodeException disconnected(TxContext ctx) {
    return new ChaincodeException(
        "chaincode "
            + ctx.namespace()
            + " ("
            + packageId
            + ") disconnected while executing transaction "
            + ctx.txId()
            + " on channel "
            + ctx.channelId());
  }

  @Override
  public String toString() {
    return "ChaincodeStream[" + packageId + ", " + origin + ", " + state + "]";
  }
}
