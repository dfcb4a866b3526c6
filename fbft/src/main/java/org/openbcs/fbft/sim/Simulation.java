package org.openbcs.fbft.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.security.KeyPair;
import java.security.PublicKey;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.Authenticator;
import org.openbcs.fbft.CryptoAuthenticator;
import org.openbcs.fbft.ReplicaDriver;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.protocol.DropReason;
import org.openbcs.fbft.protocol.Effect;
import org.openbcs.fbft.protocol.Event;
import org.openbcs.fbft.protocol.FbftReplica;
import org.openbcs.fbft.wal.MemoryWal;

/**
 * Deterministic discrete-event simulation of n FBFT replicas (spec section 7). One thread, one
 * seeded random source, a priority queue of events ordered by (time, sequence): the same seed
 * always produces the same run. Replicas run through the real {@link ReplicaDriver} with a
 * simulated transport, timers and {@link MemoryWal}. Invariants are checked as events happen; the
 * first violation stops the run and is reported with the seed.
 */
public final class Simulation {
  /** Bound on queued events; a run that needs more is a bug (a message storm), reported as a failure. */
  public static final int MAX_QUEUED_EVENTS = 2_000_000;

  private final SimConfig cfg;
  private final int n;
  private final SplittableRandom random;
  private final UnaryOperator<byte[]> hash = CryptoSuites.defaultSuite()::hash;
  private final MessageCodec codec;
  private final Authenticator[] auths;
  private final Node[] nodes;
  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
  private long seq;
  private long now;
  private long events;
  private String failure;

  // Invariant state.
  private final Map<Long, Digest> committedAtHeight = new HashMap<>();
  /** Blocks committed by any replica, faulty ones included: what a state transfer can copy. */
  private final Map<Long, Digest> anyCommittedAtHeight = new HashMap<>();
  private long stateTransfers;
  private final Set<ByteBuffer> submitted = new HashSet<>();
  /** Per replica, the batches its committed chain delivered (I6: none twice). */
  private final Map<Integer, Set<Digest>> deliveredBatches = new HashMap<>();
  private long proposalBytes;
  /** When each envelope was first submitted, and the sum and count of submit-to-first-commit delays. */
  private final Map<ByteBuffer, Long> submittedAt = new HashMap<>();
  private final Set<ByteBuffer> firstCommitted = new HashSet<>();
  private long latencySum;
  private long latencyCount;
  /** Bytes each replica sent (measurements). */
  private final long[] sentBytes;
  private final Set<Digest> proposed = new HashSet<>();
  /** Honest proposals by id, for Byzantine rewriters that build on what was proposed. */
  private final Map<Digest, Block> proposedBlocks = new HashMap<>();
  private final Map<Long, Digest>[] votesByRound;
  private long gstTargetHeight = -1;
  private final long[] progressAfterGstAt;

  // Measurements.
  private long messages;
  private long bytes;
  private final Map<String, Long> byKind = new TreeMap<>();
  private long submittedCount;

  private record Scheduled(long time, long seq, Runnable action) implements Comparable<Scheduled> {
    @Override
    public int compareTo(Scheduled o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final class Node {
    final int id;
    final MemoryWal wal = new MemoryWal();
    final List<Digest> ledger = new ArrayList<>();
    /** Envelope bytes this replica's commits delivered (measurements). */
    long envelopeBytes;
    /** Envelopes this replica's commits delivered, by content. */
    final Set<ByteBuffer> committedEnvelopes = new HashSet<>();
    /** Simulated time at which each height was first committed here (index = height - 1). */
    final List<Long> committedAt = new ArrayList<>();
    final Byzantine byzantine;
    final boolean crashesForever;
    FbftReplica replica;
    ReplicaDriver driver;
    boolean up;
    int incarnation;
    int votes;
    long lastVoteAt = -1;

    Node(int id) {
      this.id = id;
      this.byzantine = cfg.byzantine().get(id);
      this.crashesForever = cfg.crashes().stream().anyMatch(c -> c.node() == id && c.forever());
      wal.lieAboutSync(cfg.lyingDisks());
    }

    boolean honest() {
      return byzantine == null && !crashesForever;
    }

    void start() {
      replica = new FbftReplica(cfg.fbft(), auths[id], hash);
      int inc = ++incarnation;
      driver = new ReplicaDriver(replica, codec, (to, b) -> send(id, to, b), wal,
          (round, at) -> schedule(at, () -> {
            if (up && incarnation == inc) {
              step(this, new Event.TimerFired(round));
            }
          }),
          new ReplicaDriver.CommitSink() {
            @Override
            public void deliver(Effect.Commit c) {
              onCommit(Node.this, c);
            }

            @Override
            public void transfer(Effect.StateTransfer t) {
              onStateTransfer(Node.this, t);
            }
          });
      up = true;
      // The simulated ledger survives crashes and is written with each Commit, before the WAL
      // could be synced: everything up to its size was delivered.
      step(this, new Event.WalRecovered(wal.recover(), ledger.size()));
    }
  }

  @SuppressWarnings("unchecked")
  public Simulation(SimConfig cfg) {
    this.cfg = cfg;
    this.n = cfg.n();
    this.random = new SplittableRandom(cfg.seed());
    this.codec = new MessageCodec(cfg.fbft().codecLimits(), hash);
    this.auths = cfg.realCrypto() ? realCrypto(n) : SimAuthenticator.forNetwork(n, cfg.seed());
    this.nodes = new Node[n];
    this.votesByRound = new Map[n];
    this.progressAfterGstAt = new long[n];
    this.sentBytes = new long[n];
    for (int i = 0; i < n; i++) {
      nodes[i] = new Node(i);
      votesByRound[i] = new HashMap<>();
      progressAfterGstAt[i] = -1;
    }
  }

  /**
   * Runs {@code probe} inside the event loop at simulated time {@code atMillis} (call before
   * {@link #run()}), so a test can read replica state mid-run without perturbing the schedule's
   * randomness.
   */
  public void probeAt(long atMillis, Runnable probe) {
    schedule(atMillis, probe);
  }

  /** The simulated time, for probes. */
  public long now() {
    return now;
  }

  public static SimResult run(SimConfig cfg) {
    return new Simulation(cfg).run();
  }

  public SimResult run() {
    for (Node node : nodes) {
      schedule(0, node::start);
    }
    for (SimConfig.Crash c : cfg.crashes()) {
      schedule(c.atMillis(), () -> crash(nodes[c.node()], c.loseUnsyncedTail()));
      if (!c.forever()) {
        schedule(c.restartAtMillis(), () -> {
          if (!nodes[c.node()].up) {
            nodes[c.node()].start();
          }
        });
      }
    }
    schedule(cfg.gstMillis(), this::atGst);
    scheduleClient(1);
    long end = cfg.endMillis();
    while (failure == null && !queue.isEmpty() && queue.peek().time() <= end && !settled()) {
      Scheduled s = queue.poll();
      now = s.time();
      events++;
      s.action().run();
      if (queue.size() > MAX_QUEUED_EVENTS) {
        fail("event queue exceeded " + MAX_QUEUED_EVENTS + " entries (message storm)");
      }
    }
    if (failure == null && cfg.checkLiveness()) {
      checkLivenessAtEnd();
    }
    return result();
  }

  private void schedule(long at, Runnable action) {
    queue.add(new Scheduled(Math.max(at, now), seq++, action));
  }

  private void step(Node node, Event e) {
    if (failure != null) {
      return;
    }
    List<Effect> effects = node.replica.step(e, now);
    observe(node, effects);
    node.driver.perform(effects);
  }

  // ---- faults ----

  private void crash(Node node, boolean loseTail) {
    if (!node.up) {
      return;
    }
    node.up = false;
    node.incarnation++;
    node.wal.crash(loseTail);
  }

  private boolean partitioned(int a, int b) {
    for (SimConfig.Partition p : cfg.partitions()) {
      if (now >= p.startMillis() && now < p.endMillis() && p.side().contains(a) != p.side().contains(b)) {
        return true;
      }
    }
    return false;
  }

  private void send(int from, int to, byte[] payload) {
    Node sender = nodes[from];
    if (sender.byzantine == Byzantine.SILENT) {
      return;
    }
    byte[] wire = payload;
    if (sender.byzantine != null) {
      wire = ByzantineRewriter.outbound(sender.byzantine, from, to, payload, this);
      if (wire == null) {
        return;
      }
    }
    transmit(from, to, wire);
  }

  void transmit(int from, int to, byte[] wire) {
    messages++;
    bytes += wire.length;
    sentBytes[from] += wire.length;
    String kind = kindOf(wire);
    byKind.merge(kind, 1L, Long::sum);
    if (kind.equals("proposal")) {
      proposalBytes += wire.length;
    }
    boolean beforeGst = now < cfg.gstMillis();
    if (beforeGst && (partitioned(from, to) || random.nextDouble() < cfg.dropRate())) {
      return;
    }
    int copies = beforeGst && random.nextDouble() < cfg.duplicateRate() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = cfg.minDelayMillis() + random.nextLong(cfg.maxDelayMillis() - cfg.minDelayMillis() + 1);
      int sentBy = nodes[from].incarnation;
      schedule(now + delay, () -> {
        if (cfg.crashLosesInFlight() && nodes[from].incarnation != sentBy) {
          return;
        }
        deliver(from, to, wire);
      });
    }
  }

  private void deliver(int from, int to, byte[] wire) {
    Node target = nodes[to];
    if (!target.up) {
      return;
    }
    if (target.byzantine == Byzantine.DOUBLE_VOTE) {
      ByzantineRewriter.onInbound(to, wire, this);
    }
    step(target, new Event.BytesReceived(from, wire));
  }

  private static String kindOf(byte[] wire) {
    return switch (wire.length > 2 ? wire[2] : 0) {
      case 1 -> "proposal";
      case 2 -> "vote";
      case 3 -> "timeout";
      case 4 -> "cert-forward";
      case 5 -> "sync-request";
      case 6 -> "sync-response";
      case 7 -> "checkpoint-request";
      case 8 -> "checkpoint";
      case 9 -> "batch";
      case 10 -> "batch-ack";
      case 11 -> "batch-cert";
      case 12 -> "batch-request";
      default -> "other";
    };
  }

  private void scheduleClient(long k) {
    long at = k * cfg.clientIntervalMillis();
    if (at > cfg.endMillis()) {
      return;
    }
    schedule(at, () -> {
      byte[] envelope = envelope(k);
      submitted.add(ByteBuffer.wrap(envelope));
      submittedAt.putIfAbsent(ByteBuffer.wrap(envelope), now);
      submittedCount++;
      int a = cfg.clientNode() >= 0 ? cfg.clientNode() : random.nextInt(n);
      int b = (a + 1 + random.nextInt(n - 1 > 0 ? n - 1 : 1)) % n;
      for (int target : cfg.clientFanout() == 1 ? new int[] {a} : new int[] {a, b}) {
        if (nodes[target].up) {
          step(nodes[target], new Event.ClientPayload(envelope));
        }
      }
      scheduleClient(k + 1);
    });
  }

  // ---- invariants (spec section 7) ----

  private void fail(String message) {
    if (failure == null) {
      failure = "seed " + cfg.seed() + " at t=" + now + "ms: " + message + "\n  scenario: " + cfg.describe()
          + "\n  replay: " + SimResult.replayCommand(cfg.seed(), cfg.fbft().batches());
    }
  }

  private void observe(Node node, List<Effect> effects) {
    for (Effect e : effects) {
      FbftMessage m = switch (e) {
        case Effect.Send s -> s.message();
        case Effect.Broadcast b -> b.message();
        default -> null;
      };
      if (m instanceof FbftMessage.Proposal p) {
        proposed.add(p.block().id());
        proposedBlocks.putIfAbsent(p.block().id(), p.block());
      }
      // I5: an honest replica never votes twice in a round, across restarts too.
      if (m instanceof FbftMessage.Vote && node.votes < Integer.MAX_VALUE) {
        node.votes++;
        node.lastVoteAt = now;
      }
      if (m instanceof FbftMessage.Vote v && node.honest()) {
        Digest prior = votesByRound[node.id].putIfAbsent(v.round(), v.blockId());
        if (prior != null) {
          fail("I5 replica " + node.id + " voted twice in round " + v.round() + ": " + prior + " and " + v.blockId());
        }
      }
    }
  }

  Block proposedBlock(Digest id) {
    return proposedBlocks.get(id);
  }

  void recordProposed(Digest id) {
    proposed.add(id);
  }

  private void onCommit(Node node, Effect.Commit c) {
    Block b = c.block();
    // I4: per replica, heights are contiguous and never rewritten (a restart may re-deliver, identically).
    long h = b.height();
    if (h <= node.ledger.size()) {
      if (!node.ledger.get((int) h - 1).equals(b.id())) {
        fail("I4 replica " + node.id + " re-committed height " + h + " as " + b.id() + " after " + node.ledger.get((int) h - 1));
      }
      return;
    }
    if (h != node.ledger.size() + 1) {
      fail("I4 replica " + node.id + " committed height " + h + " after " + node.ledger.size());
      return;
    }
    node.ledger.add(b.id());
    node.committedAt.add(now);
    for (byte[] env : c.envelopes()) {
      node.envelopeBytes += env.length;
      node.committedEnvelopes.add(ByteBuffer.wrap(env));
      ByteBuffer key = ByteBuffer.wrap(env);
      Long at = submittedAt.get(key);
      if (at != null && node.honest() && firstCommitted.add(key)) {
        latencySum += now - at;
        latencyCount++;
      }
    }
    anyCommittedAtHeight.putIfAbsent(h, b.id());
    if (!node.honest()) {
      return;
    }
    // I1: agreement.
    Digest prior = committedAtHeight.putIfAbsent(h, b.id());
    if (prior != null && !prior.equals(b.id())) {
      fail("I1 replica " + node.id + " committed " + b.id() + " at height " + h + " but another honest replica committed " + prior);
      return;
    }
    // I2: validity.
    if (!proposed.contains(b.id())) {
      fail("I2 replica " + node.id + " committed block " + b.id() + " that nobody proposed");
    }
    for (byte[] env : c.envelopes()) {
      if (!submitted.contains(ByteBuffer.wrap(env))) {
        fail("I2 replica " + node.id + " committed an envelope no client submitted in " + b);
      }
    }
    // I6: a batch referenced twice (two blocks, or a fetched copy) is delivered by the committed chain once.
    Set<Digest> seen = deliveredBatches.computeIfAbsent(node.id, k -> new HashSet<>());
    for (Digest d : c.batches()) {
      if (!seen.add(d)) {
        fail("I6 replica " + node.id + " delivered batch " + d + " twice, again at height " + h);
      }
    }
    if (gstTargetHeight >= 0 && h > gstTargetHeight && progressAfterGstAt[node.id] < 0) {
      progressAfterGstAt[node.id] = now;
    }
  }

  /**
   * A replica skipped heights it could not sync (R3.8). The simulated ledger copies them from the
   * replicas that committed them, which models a transfer of the contents the peers' ledgers agree
   * on; the replica's own claim is checked: its anchor must be the block the others committed.
   */
  private void onStateTransfer(Node node, Effect.StateTransfer t) {
    stateTransfers++;
    if (t.afterHeight() > node.ledger.size()) {
      fail("I4 replica " + node.id + " state transfer after height " + t.afterHeight() + " but its ledger ends at "
          + node.ledger.size());
      return;
    }
    for (long h = node.ledger.size() + 1; h <= t.toHeight(); h++) {
      Digest id = anyCommittedAtHeight.get(h);
      if (id == null) {
        fail("I4 replica " + node.id + " state transfer to height " + t.toHeight() + " but nobody committed " + h);
        return;
      }
      node.ledger.add(id);
      node.committedAt.add(now);
    }
    Digest anchor = node.ledger.get((int) t.toHeight() - 1);
    if (!anchor.equals(t.toBlockId())) {
      fail("I1 replica " + node.id + " adopted " + t.toBlockId() + " at height " + t.toHeight()
          + " but " + anchor + " was committed there");
      return;
    }
    if (node.honest()) {
      committedAtHeight.putIfAbsent(t.toHeight(), t.toBlockId());
    }
  }

  /** Simulated time of the last vote {@code node} sent; -1 if none. */
  public long lastVoteAt(int node) {
    return nodes[node].lastVoteAt;
  }

  /** State transfers performed by all replicas (R3.8). */
  public long stateTransfers() {
    return stateTransfers;
  }

  /** Once every honest replica has progressed after GST there is nothing left to learn; stop early. */
  private boolean settled() {
    if (!cfg.stopWhenLive() || gstTargetHeight < 0) {
      return false;
    }
    long last = -1;
    for (Node node : nodes) {
      if (node.honest()) {
        if (progressAfterGstAt[node.id] < 0) {
          return false;
        }
        last = Math.max(last, progressAfterGstAt[node.id]);
      }
    }
    return now > last + SETTLE_MILLIS;
  }

  /**
   * How long after GST the slowest honest replica first committed above the highest pre-GST height
   * (what I3 bounds by R2.7); -1 if one never did or GST was not reached.
   */
  public long recoveryAfterGstMillis() {
    long worst = 0;
    for (Node node : nodes) {
      if (node.honest()) {
        if (progressAfterGstAt[node.id] < 0) {
          return -1;
        }
        worst = Math.max(worst, progressAfterGstAt[node.id] - cfg.gstMillis());
      }
    }
    return worst;
  }

  /** Simulated time run after liveness is shown, so late messages still meet the invariant checks. */
  static final long SETTLE_MILLIS = 100;

  private void atGst() {
    long max = 0;
    for (Node node : nodes) {
      if (node.honest()) {
        max = Math.max(max, node.ledger.size());
      }
    }
    gstTargetHeight = max;
  }

  /** I3: after GST every honest replica commits a block above the highest pre-GST height within the bound. */
  private void checkLivenessAtEnd() {
    long deadline = cfg.gstMillis() + cfg.livenessBoundMillis();
    for (Node node : nodes) {
      if (!node.honest()) {
        continue;
      }
      long at = progressAfterGstAt[node.id];
      if (at < 0 || at > deadline) {
        fail("I3 replica " + node.id + " made no progress past height " + gstTargetHeight + " within "
            + cfg.livenessBoundMillis() + "ms of GST (height " + node.ledger.size() + ", round "
            + node.replica.currentRound() + ", drops " + node.replica.drops().snapshot() + ")");
        return;
      }
    }
    // I7: every honest replica resolves every committed batch (R9.7): nothing waits for its
    // batches longer than the liveness bound.
    for (Node node : nodes) {
      if (node.honest() && node.up && node.replica.undeliveredSince() >= 0
          && now - Math.max(cfg.gstMillis(), node.replica.undeliveredSince()) > cfg.livenessBoundMillis()) {
        fail("I7 replica " + node.id + " has waited for the batches of a committed block since t="
            + node.replica.undeliveredSince() + "ms");
        return;
      }
    }
  }

  private SimResult result() {
    long min = Long.MAX_VALUE;
    long max = 0;
    long sigChecks = 0;
    long fetched = 0;
    long payload = 0;
    long maxSent = 0;
    for (long s : sentBytes) {
      maxSent = Math.max(maxSent, s);
    }
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    for (Node node : nodes) {
      if (node.replica == null) {
        continue;
      }
      node.replica.drops().snapshot().forEach((r, c) -> drops.merge(r, c, Long::sum));
      if (node.honest()) {
        min = Math.min(min, node.ledger.size());
        max = Math.max(max, node.ledger.size());
        sigChecks += node.replica.signatureChecks();
        fetched += node.replica.batchesFetched();
      }
    }
    for (Node node : nodes) {
      if (node.honest() && node.ledger.size() == max) {
        payload = Math.max(payload, node.envelopeBytes);
      }
    }
    return new SimResult(cfg.seed(), cfg.describe(), Optional.ofNullable(failure), min == Long.MAX_VALUE ? 0 : min, max,
        messages, bytes, Map.copyOf(byKind), drops, events, sigChecks, proposalBytes, fetched, maxSent, payload,
        latencyCount == 0 ? Double.NaN : (double) latencySum / latencyCount);
  }

  // ---- access for the Byzantine rewriter and tests ----

  MessageCodec codec() {
    return codec;
  }

  private static Authenticator[] realCrypto(int n) {
    CryptoSuite suite = CryptoSuites.defaultSuite();
    List<KeyPair> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add(suite.generateKeyPair());
    }
    List<PublicKey> pub = pairs.stream().map(KeyPair::getPublic).toList();
    Authenticator[] out = new Authenticator[n];
    for (int i = 0; i < n; i++) {
      out[i] = new CryptoAuthenticator(i, pairs.get(i).getPrivate(), pub, suite);
    }
    return out;
  }

  Authenticator auth(int node) {
    return auths[node];
  }

  UnaryOperator<byte[]> hash() {
    return hash;
  }

  SplittableRandom random() {
    return random;
  }

  int n() {
    return n;
  }

  /** The newest client envelope, or null before the first submission. */
  byte[] latestSubmitted() {
    return submittedCount == 0 ? null
        : envelope(submittedCount);
  }

  /** Client envelope number {@code k}, padded to {@code envelopeBytes}. */
  private byte[] envelope(long k) {
    byte[] id = ("tx-" + cfg.seed() + "-" + k).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (id.length >= cfg.envelopeBytes()) {
      return id;
    }
    byte[] padded = new byte[cfg.envelopeBytes()];
    System.arraycopy(id, 0, padded, 0, id.length);
    java.util.Arrays.fill(padded, id.length, padded.length, (byte) '.');
    return padded;
  }

  /** The client envelopes submitted so far, in order. */
  public List<byte[]> submittedEnvelopes() {
    List<byte[]> out = new ArrayList<>();
    for (long k = 1; k <= submittedCount; k++) {
      out.add(envelope(k));
    }
    return out;
  }

  /** Whether {@code node}'s committed chain delivered {@code envelope}. */
  public boolean committedEnvelope(int node, byte[] envelope) {
    return nodes[node].committedEnvelopes.contains(ByteBuffer.wrap(envelope));
  }

  /** Drops counted by one replica so far (scenario tests). */
  public Map<DropReason, Long> drops(int node) {
    return nodes[node].replica.drops().snapshot();
  }

  /** Height committed at {@code node} by simulated time {@code atMillis}. */
  public long heightAt(int node, long atMillis) {
    List<Long> times = nodes[node].committedAt;
    long h = 0;
    while (h < times.size() && times.get((int) h) <= atMillis) {
      h++;
    }
    return h;
  }

  /** Simulated commit time of each height at {@code node} (index = height - 1). */
  public List<Long> commitTimes(int node) {
    return List.copyOf(nodes[node].committedAt);
  }

  public FbftReplica replica(int node) {
    return nodes[node].replica;
  }

  public List<Digest> ledger(int node) {
    return List.copyOf(nodes[node].ledger);
  }
}
