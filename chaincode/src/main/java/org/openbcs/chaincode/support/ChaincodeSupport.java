package org.openbcs.chaincode.support;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.ChaincodeGrpc;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeSupportGrpc;
import org.hyperledger.fabric.protos.peer.Response;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.ChaincodeInvocation;
import org.openbcs.chaincode.ChaincodeResult;
import org.openbcs.chaincode.ChaincodeRuntime;
import org.openbcs.common.time.TimeSource;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.transport.GrpcTransport;
import org.openbcs.transport.StrictParsing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer side of the Fabric chaincode shim protocol. Chaincodes reach it by dialling the peer's
 * chaincode listener ({@code protos.ChaincodeSupport/Register}: {@link #service()} or {@link
 * #listen}) or are dialled by it in server mode ({@link #connect}); either way they register with
 * their package id, which {@link #bind} maps to the chaincode name transactions are addressed to.
 *
 * <p>TLS on the listener is mutual, as in Fabric: a chaincode must present a client certificate
 * issued by one of the listener's trusted roots. The peer hands its chaincodes such a certificate
 * (normally its own TLS client certificate from the organisation's TLS CA) through the launcher.
 */
public final class ChaincodeSupport implements ChaincodeRuntime, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChaincodeSupport.class);

  /** Longest chaincode ERROR text (a Java stack trace) carried into an exception message. */
  static final int MAX_ERROR_TEXT_CHARS = 8 * 1024;

  private final TimeSource time;
  private final ShimRequestHandler requests;
  private final ExecutorService requestExecutor = Executors.newVirtualThreadPerTaskExecutor();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition streamsChanged = lock.newCondition();
  private final Map<String, ChaincodeStream> streams = new HashMap<>();
  private final Set<String> launching = new HashSet<>();
  private final Map<String, String> bindings = new ConcurrentHashMap<>();
  private final Map<ChaincodeStream, DialledStream> dialled = new ConcurrentHashMap<>();
  private final List<Server> servers = new ArrayList<>();
  private final ChaincodeStream.Registry registry = new StreamRegistry();
  private volatile boolean closed;

  public ChaincodeSupport() {
    this(TimeSource.SYSTEM);
  }

  public ChaincodeSupport(TimeSource time) {
    this.time = time;
    this.requests = new ShimRequestHandler(this::invokeCallee);
  }

  /** The {@code protos.ChaincodeSupport} service, to add to a gRPC server the peer owns. */
  public BindableService service() {
    return new ChaincodeSupportGrpc.ChaincodeSupportImplBase() {
      @Override
      public StreamObserver<ChaincodeMessage> register(StreamObserver<ChaincodeMessage> outbound) {
        return newStream("chaincode listener", outbound);
      }
    };
  }

  /**
   * Starts a listener of its own on {@code host:port} (0 = ephemeral) and returns the bound
   * address. {@code tls} null = plaintext; otherwise chaincodes must present a client certificate
   * from {@code tls.trustedRoots()}.
   */
  public InetSocketAddress listen(String host, int port, GrpcTransport.TlsFiles tls) {
    if (tls != null && tls.trustedRoots() == null) {
      throw new IllegalArgumentException(
          "the chaincode listener's TLS needs trusted roots to verify chaincode client certificates");
    }
    Server server =
        GrpcTransport.serverBuilder(host, port, tls, tls != null)
            // Stream callbacks never block (ChaincodeStream answers ledger requests inline and
            // hands INVOKE_CHAINCODE to its own executor), so they run on the transport thread.
            .directExecutor()
            .addService(StrictParsing.wrap(service().bindService()))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the chaincode listener on " + host + ":" + port, e);
    }
    synchronized (servers) {
      servers.add(server);
    }
    log.info("chaincode listener on {}:{} (tls={})", host, server.getPort(), tls != null);
    return new InetSocketAddress(host, server.getPort());
  }

  /** Transactions for {@code chaincodeName} go to the chaincode registered as {@code packageId}. */
  public void bind(String chaincodeName, String packageId) {
    bindings.put(chaincodeName, packageId);
  }

  public void unbind(String chaincodeName) {
    bindings.remove(chaincodeName);
  }

  /** The package id bound to the name; unbound names are taken as package ids (dev mode). */
  public String packageIdOf(String chaincodeName) {
    return bindings.getOrDefault(chaincodeName, chaincodeName);
  }

  /** After {@link #close} nothing can register; launchers stop restarting chaincodes. */
  public boolean isClosed() {
    return closed;
  }

  public boolean isRegistered(String packageId) {
    lock.lock();
    try {
      return readyStream(packageId) != null;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a chaincode registered as {@code packageId} is ready; false on timeout. */
  public boolean awaitRegistered(String packageId, Duration timeout) throws InterruptedException {
    long deadline = time.monotonicNanos() + timeout.toNanos();
    lock.lock();
    try {
      while (readyStream(packageId) == null) {
        long remaining = deadline - time.monotonicNanos();
        if (remaining <= 0 || closed) {
          return false;
        }
        streamsChanged.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks a package as being (re)started: executes for it wait for its registration (within their
   * own timeout) instead of failing at once with "not running".
   */
  public void setLaunching(String packageId, boolean isLaunching) {
    lock.lock();
    try {
      if (isLaunching) {
        launching.add(packageId);
      } else {
        launching.remove(packageId);
      }
      streamsChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream of a registered package, failing its in-flight transactions. */
  public void disconnect(String packageId, String reason) {
    ChaincodeStream s;
    lock.lock();
    try {
      s = streams.get(packageId);
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.shutdown(reason);
    }
  }

  /**
   * Dials a chaincode running as a server ({@code protos.Chaincode/Connect}), waits for it to
   * register, binds {@code chaincodeName} to the package id it registered with and returns that id.
   * {@code rootCert} null = plaintext.
   */
  public String connect(String chaincodeName, String host, int port, Path rootCert) {
    return connect(chaincodeName, host, port, rootCert, null, null, Duration.ofSeconds(30));
  }

  public String connect(
      String chaincodeName,
      String host,
      int port,
      Path rootCert,
      Path clientCert,
      Path clientKey,
      Duration registerTimeout) {
    return dial(chaincodeName, host, port, new DialTls(rootCert, clientCert, clientKey), registerTimeout, null)
        .packageId();
  }

  /**
   * TLS of a dial (PEM files): {@code rootCert} verifies the chaincode server (null = plaintext);
   * {@code clientCert}/{@code clientKey}, when both set, are presented to a server that asks.
   */
  public record DialTls(Path rootCert, Path clientCert, Path clientKey) {
    public static final DialTls PLAINTEXT = new DialTls(null, null, null);
  }

  /**
   * A registered dialled chaincode: {@code disconnected} completes (normally) when its stream
   * closes, whoever closed it, so a supervisor can redial.
   */
  public record Dialled(String packageId, CompletableFuture<Void> disconnected) {}

  /**
   * Like {@link #connect}, and when {@code expectedPackageId} is non-null the chaincode must
   * register with exactly that id: a server started with another package's id would otherwise
   * serve this chaincode's transactions with the wrong code.
   */
  public Dialled dial(
      String chaincodeName,
      String host,
      int port,
      DialTls tls,
      Duration registerTimeout,
      String expectedPackageId) {
    if (closed) {
      throw new ChaincodeException("chaincode support is shut down; not dialling " + host + ":" + port);
    }
    String where = host + ":" + port;
    ManagedChannel channel;
    try {
      channel = GrpcTransport.channel(host, port, tls.rootCert(), tls.clientCert(), tls.clientKey());
    } catch (RuntimeException e) {
      throw new ChaincodeException("cannot set up a channel to chaincode server " + where + ": " + e.getMessage(), e);
    }
    RelayObserver relay = new RelayObserver();
    ChaincodeStream stream;
    DialledStream handle = new DialledStream(channel, new CompletableFuture<>());
    try {
      StreamObserver<ChaincodeMessage> outbound = ChaincodeGrpc.newStub(channel).connect(relay);
      stream = new ChaincodeStream(
          "chaincode server " + where, outbound, registry, requests, requestExecutor);
      dialled.put(stream, handle);
      relay.attach(stream);
    } catch (RuntimeException e) {
      channel.shutdownNow();
      throw new ChaincodeException("cannot connect to chaincode server " + where, e);
    }
    String packageId;
    try {
      packageId = stream.registered().get(registerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stream.shutdown("interrupted while connecting");
      throw new ChaincodeException("interrupted while connecting to chaincode server " + where);
    } catch (ExecutionException | TimeoutException e) {
      stream.shutdown("chaincode did not register");
      String why = e instanceof TimeoutException
          ? "it did not register within " + registerTimeout.toMillis() + " ms"
          : e.getCause().getMessage();
      throw new ChaincodeException(
          "cannot connect to chaincode '" + chaincodeName + "' at " + where + ": " + why);
    }
    if (expectedPackageId != null && !expectedPackageId.equals(packageId)) {
      stream.shutdown("registered with the wrong package id");
      throw new ChaincodeException(
          "chaincode server " + where + " registered as '" + packageId + "' but chaincode '"
              + chaincodeName + "' is installed as '" + expectedPackageId
              + "' (start the server with CORE_CHAINCODE_ID_NAME=" + expectedPackageId + ")");
    }
    bind(chaincodeName, packageId);
    log.info("chaincode {} connected as server {} ({})", chaincodeName, where, packageId);
    return new Dialled(packageId, handle.disconnected());
  }

  private record DialledStream(ManagedChannel channel, CompletableFuture<Void> disconnected) {}

  @Override
  public ChaincodeResult execute(
      ChaincodeInvocation invocation, TxSimulator simulator, Duration timeout) {
    long deadline = time.monotonicNanos() + timeout.toNanos();
    SimulatorLease lease = new SimulatorLease(invocation.txId());
    try {
      ChaincodeMessage answer =
          run(
              invocation.chaincodeName(),
              invocation.channelId(),
              invocation.txId(),
              invocation.signedProposal(),
              invocation.input(),
              simulator,
              lease,
              deadline,
              timeout);
      return toResult(invocation, answer);
    } finally {
      lease.revoke();
    }
  }

  private ChaincodeResult toResult(ChaincodeInvocation inv, ChaincodeMessage answer) {
    if (answer.getType() == ChaincodeMessage.Type.ERROR) {
      String text = answer.getPayload().toString(StandardCharsets.UTF_8);
      if (text.length() > MAX_ERROR_TEXT_CHARS) {
        text = text.substring(0, MAX_ERROR_TEXT_CHARS) + "...";
      }
      throw new ChaincodeException(
          "chaincode " + inv.chaincodeName() + " failed: transaction returned with failure: " + text);
    }
    Response response;
    try {
      response = Response.parseFrom(answer.getPayload());
    } catch (InvalidProtocolBufferException e) {
      throw new ChaincodeException(
          "chaincode " + inv.chaincodeName() + " sent a malformed COMPLETED payload for tx " + inv.txId(), e);
    }
    ChaincodeEvent event = null;
    if (answer.hasChaincodeEvent()) {
      event =
          answer.getChaincodeEvent().toBuilder()
              .setChaincodeId(inv.chaincodeName())
              .setTxId(inv.txId())
              .build();
    }
    return new ChaincodeResult(response, event);
  }

  private ChaincodeMessage invokeCallee(String calleeName, TxContext caller, ChaincodeSpec spec) {
    long remaining = Math.max(0, caller.deadlineNanos() - time.monotonicNanos());
    log.debug(
        "channel={} tx={}: chaincode {} invokes {}",
        caller.channelId(), caller.txId(), caller.namespace(), calleeName);
    return run(
        calleeName,
        caller.channelId(),
        caller.txId(),
        caller.signedProposal(),
        spec.getInput(),
        caller.simulator(),
        caller.lease(),
        caller.deadlineNanos(),
        Duration.ofNanos(remaining));
  }

  /** Sends TRANSACTION and waits for the chaincode's COMPLETED or ERROR message. */
  private ChaincodeMessage run(
      String chaincodeName,
      String channelId,
      String txId,
      SignedProposal proposal,
      ChaincodeInput input,
      TxSimulator simulator,
      SimulatorLease lease,
      long deadline,
      Duration timeout) {
    if (closed) {
      throw new ChaincodeException("chaincode support is shut down");
    }
    ChaincodeStream stream = awaitStream(chaincodeName, deadline);
    TxContext ctx =
        TxContext.create(chaincodeName, channelId, txId, proposal, simulator, lease, deadline);
    stream.begin(ctx);
    try {
      ChaincodeMessage.Builder tx =
          ChaincodeMessage.newBuilder()
              .setType(ChaincodeMessage.Type.TRANSACTION)
              .setChannelId(channelId)
              .setTxid(txId)
              .setPayload(input.toByteString());
      if (proposal != null) {
        tx.setProposal(proposal);
      }
      stream.send(tx.build());
      long remaining = Math.max(0, deadline - time.monotonicNanos());
      return ctx.result().get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("channel={} tx={}: chaincode {} timed out after {} ms",
          channelId, txId, chaincodeName, timeout.toMillis());
      throw new ChaincodeException(
          "chaincode " + chaincodeName + " timed out after " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ChaincodeException ce) {
        throw new ChaincodeException(ce.getMessage(), ce);
      }
      throw new ChaincodeException("chaincode " + chaincodeName + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChaincodeException(
          "interrupted while executing chaincode " + chaincodeName + " tx " + txId);
    } finally {
      stream.end(ctx);
    }
  }

  private ChaincodeStream awaitStream(String chaincodeName, long deadline) {
    String packageId = packageIdOf(chaincodeName);
    lock.lock();
    try {
      while (true) {
        ChaincodeStream s = readyStream(packageId);
        if (s != null) {
          return s;
        }
        if (!launching.contains(packageId) || closed) {
          throw new ChaincodeException("chaincode '" + chaincodeName + "' is not running");
        }
        long remaining = deadline - time.monotonicNanos();
        if (remaining <= 0) {
          throw new ChaincodeException(
              "chaincode '" + chaincodeName + "' is not running (still starting)");
        }
        streamsChanged.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChaincodeException("interrupted while waiting for chaincode '" + chaincodeName + "'");
    } finally {
      lock.unlock();
    }
  }

  /** Under {@link #lock}. */
  private ChaincodeStream readyStream(String packageId) {
    ChaincodeStream s = streams.get(packageId);
    return s != null && s.state() == ChaincodeStream.State.READY ? s : null;
  }

  private ChaincodeStream newStream(String origin, StreamObserver<ChaincodeMessage> outbound) {
    return new ChaincodeStream(origin, outbound, registry, requests, requestExecutor);
  }

  @Override
  public void close() {
    closed = true;
    List<ChaincodeStream> open;
    lock.lock();
    try {
      open = new ArrayList<>(streams.values());
      streamsChanged.signalAll();
    } finally {
      lock.unlock();
    }
    for (ChaincodeStream s : open) {
      s.shutdown("peer shutting down");
    }
    for (ChaincodeStream s : new ArrayList<>(dialled.keySet())) {
      s.shutdown("peer shutting down");
    }
    List<Server> toStop;
    synchronized (servers) {
      toStop = new ArrayList<>(servers);
      servers.clear();
    }
    for (Server server : toStop) {
      server.shutdownNow();
    }
    for (Server server : toStop) {
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    requestExecutor.shutdownNow();
  }

  private final class StreamRegistry implements ChaincodeStream.Registry {
    @Override
    public String admit(ChaincodeStream stream) {
      if (closed) {
        return "peer shutting down";
      }
      lock.lock();
      try {
        ChaincodeStream existing = streams.putIfAbsent(stream.packageId(), stream);
        return existing == null ? null : "duplicate chaincodeID: " + stream.packageId();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void ready(ChaincodeStream stream) {
      lock.lock();
      try {
        streamsChanged.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void closed(ChaincodeStream stream) {
      lock.lock();
      try {
        streams.remove(stream.packageId(), stream);
        streamsChanged.signalAll();
      } finally {
        lock.unlock();
      }
      DialledStream d = dialled.remove(stream);
      if (d != null) {
        d.channel().shutdown();
        d.disconnected().complete(null);
      }
    }
  }
}
