package org.openbcs.fbft.ordering;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Status;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.fbft.Authenticator;
import org.openbcs.fbft.ReplicaDriver;
import org.openbcs.fbft.TimerService;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.protocol.Effect;
import org.openbcs.fbft.protocol.Event;
import org.openbcs.fbft.protocol.FbftConfig;
import org.openbcs.fbft.protocol.FbftReplica;
import org.openbcs.fbft.wal.Wal;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ordering.spi.ChainSupport;
import org.openbcs.ordering.spi.Consenter;
import org.openbcs.ordering.spi.OrderingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's FBFT replica inside an orderer (spec section 10): a single event-loop thread owns
 * the {@link FbftReplica} and its {@link ReplicaDriver}; Broadcast, the network and the loop's own
 * timers feed it through one bounded queue. Committed FBFT blocks with envelopes become Fabric
 * blocks through {@code chain.createNextBlock} and {@code chain.writeBlock}, in committed order;
 * empty FBFT blocks are consensus-only. Committed heights the replica cannot deliver (its peers no
 * longer hold them) are brought in by state transfer from peer orderers before any later commit
 * (spec R3.7, R3.8).
 */
public final class FbftConsenter implements Consenter {
  private static final Logger log = LoggerFactory.getLogger(FbftConsenter.class);

  /** Inputs waiting for the replica thread; beyond this Broadcast gets SERVICE_UNAVAILABLE and frames drop. */
  public static final int MAX_PENDING_EVENTS = 10_000;
  /** Timers kept for the newest scheduled round; older rounds' timers are stale to the replica anyway. */
  static final int MAX_TIMERS_PER_ROUND = 16;
  static final String APPLIED_FILE = "applied-height";
  /** Ledger positions this orderer vouches for (R3.8), across restarts. */
  static final String CHECKPOINT_FILE = "checkpoints";

  /**
   * Test hook: a consenter whose state directory is in this set "crashes" before its next Fabric
   * block write, right after making the WAL durable (the window of spec R3.7), and stops its loop.
   */
  static final Set<Path> CRASH_BEFORE_NEXT_WRITE = ConcurrentHashMap.newKeySet();

  /**
   * Test hook: a consenter whose state directory is in this set "crashes" right after its next
   * Fabric block write, before the applied-height file records it (the window R3.7's consenter
   * metadata closes).
   */
  static final Set<Path> CRASH_AFTER_NEXT_WRITE = ConcurrentHashMap.newKeySet();

  /** Test observation: state transfers completed, by state directory (R3.8). */
  static final Map<Path, AtomicLong> STATE_TRANSFERS = new ConcurrentHashMap<>();

  /** The crash injected through {@link #CRASH_BEFORE_NEXT_WRITE}. */
  static final class InjectedCrash extends RuntimeException {
    InjectedCrash(String message) {
      super(message);
    }
  }

  private sealed interface Item {}

  private record Input(Event event) implements Item {}

  private record Stop() implements Item {}

  private record Timer(long atMillis, long seq) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(atMillis, o.atMillis);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final ChainSupport chain;
  private final FbftReplica replica;
  private final Wal wal;
  private final GrpcPeerTransport transport;
  private final FbftInbound inbound;
  private final Path stateDir;
  private final Path appliedFile;
  private final CryptoSuite suite;
  private final CheckpointExchange checkpoints;
  private final BlockTransfer blockTransfer;
  private final TransferCounters transferCounters;
  private final int n;
  private final long idleBlockIntervalMillis;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(MAX_PENDING_EVENTS);
  private final Consumer<FbftWire.Frame> frameSink = this::onFrame;
  private final Thread thread;
  private final ReplicaDriver driver;
  private final AtomicLong droppedFrames = new AtomicLong();
  private final AtomicLong committedHeight = new AtomicLong();
  // Loop-thread state.
  private final TreeSet<Timer> timers = new TreeSet<>();
  private long timerRound = -1;
  private long timerSeq;
  private long applied;
  /** Header hash of the ledger's last block (R3.8). */
  private Digest ledgerTip;
  private final CheckpointLog checkpointLog;
  private volatile boolean halted;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The parts of state transfer (R3.8) that talk to other orderers. */
  record TransferPorts(CryptoSuite suite, List<String> endpoints, BlockTransfer.BlockSource fetcher, Authenticator auth) {}

  FbftConsenter(ChainSupport chain, FbftConfig config, FbftReplica replica, MessageCodec codec, Wal wal,
      GrpcPeerTransport transport, FbftInbound inbound, Path stateDir, long idleBlockIntervalMillis,
      TransferPorts ports) {
    this.idleBlockIntervalMillis = idleBlockIntervalMillis;
    this.chain = chain;
    this.replica = replica;
    this.wal = wal;
    this.transport = transport;
    this.inbound = inbound;
    this.n = config.n();
    this.stateDir = stateDir;
    this.appliedFile = stateDir.resolve(APPLIED_FILE);
    // The block store is the authority on what reached the ledger: each block records the FBFT
    // height that produced it (consenter metadata, R3.7), so a crash between the block write and the
    // applied-height file cannot make a restart write that block again.
    long fromFile = readApplied(appliedFile);
    long fromLedger = AppliedHeight.decode(chain.channelId(), chain.lastConsenterMetadata());
    this.applied = Math.max(fromFile, fromLedger);
    if (fromLedger > fromFile) {
      log.info("channel={} fbft applied height {} from the ledger's last block (file said {})",
          chain.channelId(), fromLedger, fromFile);
      writeApplied(appliedFile, fromLedger);
    }
    this.suite = ports.suite();
    this.transferCounters = new TransferCounters();
    this.checkpoints = new CheckpointExchange(chain.channelId(), n, config.f(), ports.auth(), codec, transport,
        transferCounters);
    this.ledgerTip = Digest.of(BlockHashing.headerHash(suite, chain.lastHeader()));
    CheckpointLog.Opened positions =
        CheckpointLog.open(stateDir.resolve(CHECKPOINT_FILE), CheckpointExchange.MAX_CHECKPOINTS);
    this.checkpointLog = positions.log();
    checkpoints.startAt(positions, applied, chain.height(), ledgerTip);
    this.blockTransfer = new BlockTransfer(chain, suite, replica.id(), ports.endpoints(), checkpoints, ports.fetcher(),
        transferCounters, config.baseTimeoutMillis(), () -> halted, () -> chain.time().wallMillis());
    TimerService timerService = this::schedule;
    this.driver = new ReplicaDriver(replica, codec, transport, wal, timerService, new ReplicaDriver.CommitSink() {
      @Override
      public void deliver(Effect.Commit commit) {
        FbftConsenter.this.deliver(commit);
      }

      @Override
      public void transfer(Effect.StateTransfer transfer) {
        FbftConsenter.this.transfer(transfer);
      }
    });
    this.thread = Thread.ofPlatform().name("fbft-" + chain.channelId() + "-r" + replica.id()).daemon(true)
        .unstarted(this::run);
  }

  @Override
  public void start() {
    inbound.register(chain.channelId(), frameSink);
    transport.start();
    thread.start();
    log.info("channel={} fbft replica {} of {} started at chain height {}, payload {}", chain.channelId(), replica.id(),
        n, chain.height(), replica.config().batches() ? "by batches" : "by value");
  }

  @Override
  public void order(Envelope envelope, long configSeq) {
    if (halted) {
      throw new OrderingException(Status.SERVICE_UNAVAILABLE,
          "consenter for channel " + chain.channelId() + " has halted");
    }
    if (configSeq != chain.configSequence()) {
      // Config updates are refused at Broadcast, so the sequence cannot move under a message yet.
      throw new OrderingException(Status.BAD_REQUEST, "message validated at config sequence " + configSeq
          + " but channel " + chain.channelId() + " is at " + chain.configSequence());
    }
    if (!queue.offer(new Input(new Event.ClientPayload(envelope.toByteArray())))) {
      throw new OrderingException(Status.SERVICE_UNAVAILABLE, "consenter for channel " + chain.channelId()
          + " is overloaded: " + MAX_PENDING_EVENTS + " events waiting");
    }
  }

  @Override
  public void halt() {
    // The loop may have stopped on its own (halted) with its transport and WAL still open.
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    halted = true;
    inbound.unregister(chain.channelId(), frameSink);
    // Interrupting only when Stop cannot be queued: an interrupt during a WAL fsync would close
    // the WAL's FileChannel under the replica.
    if (!queue.offer(new Stop())) {
      thread.interrupt();
    }
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    transport.close();
    wal.close();
    checkpointLog.close();
    log.info("channel={} fbft replica {} halted at fbft height {}", chain.channelId(), replica.id(),
        committedHeight.get());
  }

  /** Highest FBFT height this replica has committed (empty blocks included). */
  public long committedFbftHeight() {
    return committedHeight.get();
  }

  /** Refused checkpoint messages and transferred blocks, by reason (R3.8). */
  Map<TransferCounters.Reason, Long> transferDrops() {
    return transferCounters.snapshot();
  }

  /** This node's replica index (its endpoint's position in the channel's orderer endpoints). */
  public int replicaId() {
    return replica.id();
  }

  private void onFrame(FbftWire.Frame f) {
    if (f.from() < 0 || f.from() >= n || f.from() == replica.id()) {
      droppedFrames.incrementAndGet();
      return;
    }
    if (!halted && checkpoints.offer(f.from(), f.message(), nowMillis())) {
      return;
    }
    if (halted || !queue.offer(new Input(new Event.BytesReceived(f.from(), f.message())))) {
      droppedFrames.incrementAndGet();
    }
  }

  private void schedule(long round, long atMillis) {
    if (round < timerRound) {
      return;
    }
    if (round > timerRound) {
      timers.clear();
      timerRound = round;
    }
    if (timers.size() < MAX_TIMERS_PER_ROUND) {
      timers.add(new Timer(atMillis, timerSeq++));
    }
  }

  private long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(chain.time().monotonicNanos());
  }

  private void run() {
    try {
      // The sink applied commits up to `applied`; the replica re-delivers any committed height
      // above it (a crash between the WAL's Committed record and the block write, R3.7).
      handle(new Event.WalRecovered(wal.recover(), applied));
      while (!halted) {
        Item item = next();
        if (item == null) {
          fireDueTimers();
          continue;
        }
        switch (item) {
          case Input in -> handle(in.event());
          case Stop s -> {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (BlockTransfer.Aborted e) {
      halted = true;
      log.info("channel={} fbft replica {}: {}", chain.channelId(), replica.id(), e.getMessage());
    } catch (InjectedCrash e) {
      halted = true;
      log.warn("channel={} fbft replica {}: {}", chain.channelId(), replica.id(), e.getMessage());
    } catch (RuntimeException | Error e) {
      halted = true;
      log.error("channel={} fbft replica {} stopped: {}", chain.channelId(), replica.id(), e.toString(), e);
    }
  }

  /** The next input, or null when the earliest timer is due first. */
  private Item next() throws InterruptedException {
    if (timers.isEmpty()) {
      return queue.take();
    }
    long wait = timers.first().atMillis() - nowMillis();
    if (wait <= 0) {
      return null;
    }
    return queue.poll(wait, TimeUnit.MILLISECONDS);
  }

  private void fireDueTimers() throws InterruptedException {
    long now = nowMillis();
    while (!timers.isEmpty() && timers.first().atMillis() <= now) {
      timers.pollFirst();
      handle(new Event.TimerFired(timerRound));
    }
  }

  /**
   * Steps the replica and performs its effects. The core proposes the next block as soon as it can,
   * so an idle channel would spin empty rounds at full speed, burn CPU and outrun the blocks peers
   * retain for a restarted replica's catch-up. Pacing lives here, not in the core: a leader waits
   * {@code idleBlockIntervalMillis} before broadcasting an empty proposal. Effects are held back as
   * a whole and the loop takes no other input meanwhile, so their order and R3.5 are unchanged.
   */
  private void handle(Event event) throws InterruptedException {
    List<Effect> effects = replica.step(event, nowMillis());
    if (idleBlockIntervalMillis > 0 && proposesEmptyBlock(effects)) {
      long until = nowMillis() + idleBlockIntervalMillis;
      for (long left = idleBlockIntervalMillis; left > 0 && !halted; left = until - nowMillis()) {
        // Pacing, not synchronisation; bounded by the interval, and halt() is checked after it.
        Thread.sleep(left);
      }
    }
    driver.perform(effects);
  }

  private static boolean proposesEmptyBlock(List<Effect> effects) {
    for (Effect e : effects) {
      if (e instanceof Effect.Broadcast b && b.message() instanceof FbftMessage.Proposal p
          && p.block().payload().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private void deliver(Effect.Commit commit) {
    long height = commit.block().height();
    committedHeight.accumulateAndGet(height, Math::max);
    if (height <= applied) {
      return;
    }
    // The envelopes: the block's payload by value, or its batches resolved by the replica (R9.6).
    if (commit.envelopes().isEmpty()) {
      markApplied(height);
      return;
    }
    List<Envelope> envelopes = new ArrayList<>(commit.envelopes().size());
    for (byte[] bytes : commit.envelopes()) {
      try {
        envelopes.add(Envelope.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        // A Byzantine leader can propose garbage; every correct replica skips the same bytes.
        log.warn("channel={} fbft block h={} holds a non-envelope payload of {} bytes; skipped",
            chain.channelId(), height, bytes.length);
      }
    }
    if (!envelopes.isEmpty()) {
      if (CRASH_BEFORE_NEXT_WRITE.remove(stateDir)) {
        wal.sync();
        throw new InjectedCrash("injected crash after the WAL committed fbft height " + height
            + " and before its block was written");
      }
      var block = chain.writeBlock(chain.createNextBlock(envelopes), AppliedHeight.encode(height));
      if (CRASH_AFTER_NEXT_WRITE.remove(stateDir)) {
        wal.sync();
        throw new InjectedCrash("injected crash after block " + block.getHeader().getNumber()
            + " of fbft height " + height + " was written and before the applied height was recorded");
      }
      ledgerTip = Digest.of(BlockHashing.headerHash(suite, block.getHeader()));
      log.debug("channel={} fbft h={} -> block {} with {} envelopes", chain.channelId(), height,
          block.getHeader().getNumber(), envelopes.size());
    }
    markApplied(height);
  }

  /**
   * Every applied height is recorded, empty blocks included: a restart then re-delivers only what
   * a crash really kept from the ledger (R3.7), and peers can be told where the ledger stood after
   * each height (R3.8).
   */
  private void markApplied(long height) {
    applied = height;
    writeApplied(appliedFile, height);
    checkpoints.record(height, chain.height(), ledgerTip);
  }

  /**
   * R3.8: FBFT heights up to {@code t.toHeight()} are committed but their blocks are gone from the
   * peers' memory. Fetch the Fabric blocks they produced from peer orderers, trusting only what
   * f + 1 of them signed; the replica loop waits, so later commits apply in order.
   */
  private void transfer(Effect.StateTransfer t) {
    committedHeight.accumulateAndGet(t.toHeight(), Math::max);
    if (t.toHeight() <= applied) {
      return;
    }
    log.info("channel={} fbft replica {}: state transfer from fbft height {} to {}", chain.channelId(), replica.id(),
        applied, t.toHeight());
    try {
      CheckpointExchange.Position p = blockTransfer.run(t.toHeight());
      ledgerTip = p.tipHash();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BlockTransfer.Aborted("interrupted during state transfer to fbft height " + t.toHeight());
    }
    markApplied(t.toHeight());
    STATE_TRANSFERS.computeIfAbsent(stateDir, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * The FBFT height of the last Fabric block written. After a restart whose WAL lost its unsynced
   * tail, the replica commits those heights again; this marker keeps them from becoming duplicate
   * Fabric blocks.
   */
  private static long readApplied(Path file) {
    try {
      return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()) : 0;
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot read FBFT applied height " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeApplied(Path file, long height) {
    Path tmp = file.resolveSibling(APPLIED_FILE + ".tmp");
    try {
      Files.writeString(tmp, Long.toString(height), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write FBFT applied height " + file, e);
    }
  }
}
