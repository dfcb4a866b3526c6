package org.openbcs.fbft.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.openbcs.common.Invariants;
import org.openbcs.fbft.Authenticator;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.FbftMessage.CertForward;
import org.openbcs.fbft.message.FbftMessage.Proposal;
import org.openbcs.fbft.message.FbftMessage.SyncRequest;
import org.openbcs.fbft.message.FbftMessage.SyncResponse;
import org.openbcs.fbft.message.FbftMessage.Timeout;
import org.openbcs.fbft.message.FbftMessage.Vote;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.message.QuorumCert;
import org.openbcs.fbft.message.SigningBytes;
import org.openbcs.fbft.message.TimeoutCert;
import org.openbcs.fbft.message.TimeoutEvidence;
import org.openbcs.fbft.message.TimeoutSig;
import org.openbcs.fbft.wal.WalRecord;
import org.openbcs.fbft.wal.WalState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FBFT replica: a pure state machine. {@link #step} takes one event and the current time and
 * returns the effects to perform, in order; it does no IO and reads no clock, so the same code
 * runs in the deterministic simulation and behind a real transport. Comments cite the rules of
 * docs/spec/fbft.md. Not thread-safe: one driver thread calls {@code step}.
 */
public final class FbftReplica {
  private static final Logger LOG = LoggerFactory.getLogger(FbftReplica.class);

  private final FbftConfig config;
  private final int self;
  private final Authenticator auth;
  private final UnaryOperator<byte[]> hash;
  private final MessageCodec codec;
  private final Block genesis;
  private final DropCounters drops = new DropCounters();

  private BlockTree tree;
  private LeaderElection leaders;
  private final CertificateVerifier verifier;
  private final VoteCollector votes;
  private final TimeoutCollector timeouts = new TimeoutCollector();
  private final PendingBuffer pending;
  private final Mempool mempool;
  /** The batch layer (section 9); used only when {@code config.batches()}. */
  private final Dissemination batches;
  /**
   * R9.6: Commit and StateTransfer effects in committed order, waiting for the batches their
   * blocks reference; the head leaves as soon as every batch it needs is held.
   */
  private final java.util.ArrayDeque<Effect> undelivered = new java.util.ArrayDeque<>();
  /** When the head of {@link #undelivered} started waiting; -1 when nothing waits. */
  private long undeliveredSince = -1;
  /** Round of a proposal buffered until its batches arrive (R9.5); 0 if none. */
  private long awaitingBatchesRound;
  /** Batch digests referenced by recently seen blocks, so the dedup walk (R9.4) decodes each block once. */
  /**
   * Batch digests referenced by committed heights within the dedup window, for the R9.4 check
   * below a stub committed block (after a restart); complete from {@link #refsKnownFrom} up.
   */
  private final java.util.TreeMap<Long, List<Digest>> committedRefs = new java.util.TreeMap<>();
  private long refsKnownFrom = 1;
  /** Voted blocks from the WAL that did not link to the tree at start; answered from, never built on. */
  private final Map<Digest, Block> recovered = new HashMap<>();
  private final Map<Digest, List<Digest>> refsByBlock = new java.util.LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Digest, List<Digest>> e) {
      return size() > 4 * FbftConfig.BATCH_DEDUP_HEIGHTS;
    }
  };
  /** Proposals seen per round (R4.5 equivocation detection); pruned with the round window. */
  private final java.util.TreeMap<Long, Digest> proposalSeen = new java.util.TreeMap<>();
  /** Outstanding sync requests by (missing block, peer), to ask each peer at most once per base timeout. */
  private final Map<SyncKey, Long> syncRequested = new HashMap<>();

  private record SyncKey(Digest block, int peer) {}
  /** Bound on remembered sync requests; when full it is cleared, which at worst re-asks a peer early. */
  static final int MAX_SYNC_REQUESTS_TRACKED = 64;
  private final Map<Integer, Long> lastForwardAt = new HashMap<>();

  /** Sender of the message being processed: the first peer to ask for a block its certificates name. */
  private int currentSender = -1;
  private boolean started;
  /** Set while a QC from a peer's timeout or forwarded certificate is processed after a local timeout (R2.2 late entry). */
  private boolean lateEntry;
  private long now;
  private List<Effect> out;

  // Safety state (R3): persisted before any message that depends on it leaves the replica.
  private long currentRound;
  private long lastVotedRound;
  /**
   * The last round this replica voted in (votes only, unlike lastVotedRound): its timeout for that
   * round says "voted" (R2.5). From the WAL's Voted records after a restart.
   */
  private long lastVoteRound;
  private QuorumCert highQc;
  private Optional<TimeoutCert> lastTc = Optional.empty();
  private long timedOutRound;
  private Block committed;
  /**
   * Highest height handed to the commit sink (as a Commit or a StateTransfer). Below
   * {@code committed.height()} only after a crash between the WAL's Committed record and the sink
   * (R3.7); commits above {@code committed} are never emitted before this catches up.
   */
  private long delivered;

  public FbftReplica(FbftConfig config, Authenticator auth, UnaryOperator<byte[]> hash) {
    this.config = config;
    this.self = auth.self();
    this.auth = auth;
    this.hash = hash;
    this.codec = new MessageCodec(config.codecLimits(), hash);
    this.genesis = Block.genesis(hash);
    this.verifier = new CertificateVerifier(config, auth, genesis.id());
    this.votes = new VoteCollector(config.quorum());
    this.pending = new PendingBuffer(config.maxBufferedMessages());
    this.mempool = new Mempool(config.maxMempoolEnvelopes());
    this.batches = new Dissemination(config, self, auth, hash, codec, verifier, drops);
    Invariants.check(self >= 0 && self < config.n(), "replica id %d outside 0..%d", self, config.n() - 1);
  }

  /** Processes one event at {@code nowMillis}; returns the effects in the order they must be performed. */
  public List<Effect> step(Event event, long nowMillis) {
    this.now = nowMillis;
    this.out = new ArrayList<>();
    this.currentSender = -1;
    switch (event) {
      case Event.WalRecovered w -> recover(w.state(), w.deliveredHeight());
      case Event.MessageReceived m -> {
        if (started) {
          onMessage(m.from(), m.message());
        } else {
          drops.count(DropReason.NOT_STARTED);
        }
      }
      case Event.BytesReceived b -> onBytes(b.from(), b.bytes());
      case Event.TimerFired t -> {
        if (started) {
          onTimer(t.round());
        }
      }
      case Event.ClientPayload p -> onClientPayload(p.envelope());
    }
    if (config.batches() && started) {
      out = holdUntilResolved(out);
    }
    List<Effect> result = out;
    out = null;
    return result;
  }

  // ---- startup and recovery (R3.6) ----

  private void recover(WalState s, long deliveredHeight) {
    Invariants.check(!started, "replica %d received WalRecovered twice", self);
    started = true;
    committed = s.committedBlockId().filter(id -> !id.equals(genesis.id()))
        .map(id -> BlockTree.stub(id, s.committedRound(), s.committedHeight()))
        .orElse(genesis);
    tree = new BlockTree(committed, config.retainBlocks());
    // R3.9: blocks this replica voted for above its committed one, with their batches: after a
    // restart of every replica they exist nowhere else.
    committedRefs.clear();
    refsKnownFrom = Math.max(1, committed.height() - WalState.COMMITTED_REFS_HEIGHTS + 1);
    for (WalRecord.CommittedRefs cr : s.committedRefs()) {
      if (cr.historyBelowUnknown()) {
        committedRefs.clear();
        refsKnownFrom = cr.height();
      }
      committedRefs.put(cr.height(), cr.digests());
    }
    recovered.clear();
    leaders = new LeaderElection(config, tree);
    s.reputation().ifPresent(leaders::restore);
    lastVotedRound = s.lastVotedRound();
    lastVoteRound = s.votes().stream().mapToLong(WalRecord.Voted::round).max().orElse(0);
    timedOutRound = 0;
    highQc = s.highQc().orElse(genesis.justify());
    currentRound = 0;
    batches.start(now);
    delivered = Math.max(0, Math.min(deliveredHeight, committed.height()));
    LOG.info("fbft replica {} starting: committed h={} r={}, highQc r={}, lastVoted r={}, delivered h={}",
        self, committed.height(), committed.round(), highQc.round(), lastVotedRound, delivered);
    restoreVotedBlocks(s.votedBlocks());
    enterRound(highQc.round() + 1);
    if (delivered < committed.height() && !highQc.signatures().isEmpty()) {
      // R3.7: fetch the undelivered blocks now rather than at the first proposal; the request's
      // fromHeight reaches down to them (requestSync) and the response is authenticated from the
      // committed id.
      requestSync(signerToAsk(highQc, 0), highQc.blockId());
    }
  }

  /**
   * R3.9: blocks this replica voted for above its committed one, with their batches. After a
   * restart of every replica they exist nowhere else. Those that link to what this replica holds
   * are processed as if synced (their QCs were verified before the vote); the others are kept
   * only to answer sync requests.
   */
  private void restoreVotedBlocks(List<WalRecord.VotedBlock> voted) {
    List<WalRecord.VotedBlock> ascending = new ArrayList<>(voted);
    ascending.sort(java.util.Comparator.comparingLong(vb -> vb.block().height()));
    for (WalRecord.VotedBlock vb : ascending) {
      Block b = vb.block();
      if (b.height() <= committed.height()) {
        continue;
      }
      vb.batches().forEach(batches::restore);
      Optional<Block> parent = tree.get(b.parentId());
      if (parent.isPresent() && parent.get().height() + 1 == b.height() && !tree.contains(b.id())) {
        processQc(b.justify());
        addBlock(b);
      } else if (!tree.contains(b.id())) {
        recovered.put(b.id(), b);
      }
    }
  }

  /** A block this replica holds: in the tree, or restored from its WAL without a link to it (R3.9). */
  private Optional<Block> held(Digest id) {
    Optional<Block> b = tree.get(id);
    return b.isPresent() ? b : Optional.ofNullable(recovered.get(id));
  }

  // ---- inbound ----

  private void onBytes(int from, byte[] bytes) {
    if (!started) {
      drops.count(DropReason.NOT_STARTED);
      return;
    }
    if (from < 0 || from >= config.n()) {
      drops.count(DropReason.UNKNOWN_SENDER);
      return;
    }
    switch (codec.decode(bytes)) {
      case MessageCodec.Decoded.Ok ok -> onMessage(from, ok.message());
      case MessageCodec.Decoded.Malformed bad -> {
        drops.count(DropReason.MALFORMED);
        LOG.debug("fbft replica {}: malformed message from {}: {}", self, from, bad.reason());
      }
    }
  }

  private void onMessage(int from, FbftMessage m) {
    if (from < 0 || from >= config.n()) {
      drops.count(DropReason.UNKNOWN_SENDER);
      return;
    }
    currentSender = from;
    switch (m) {
      case Proposal p -> onProposal(from, p);
      case Vote v -> onVote(from, v);
      case Timeout t -> onTimeout(from, t);
      case CertForward c -> onCertForward(c);
      case SyncRequest s -> onSyncRequest(from, s);
      case SyncResponse s -> onSyncResponse(from, s);
      case FbftMessage.CheckpointRequest c -> drop(DropReason.NOT_FOR_REPLICA, from, c);
      case FbftMessage.Checkpoint c -> drop(DropReason.NOT_FOR_REPLICA, from, c);
      case FbftMessage.Batch b -> {
        if (!config.batches()) {
          drop(DropReason.BAD_BATCH, from, b);
          return;
        }
        // R9.5: a proposal that waited for this batch may now be voted for.
        batches.onBatch(from, b, out).ifPresent(d -> {
          for (PendingBuffer.Entry e : pending.release(d)) {
            onMessage(e.from(), e.message());
          }
        });
      }
      case FbftMessage.BatchAck a -> {
        if (config.batches()) {
          batches.onAck(from, a, out);
        } else {
          drop(DropReason.BAD_BATCH, from, a);
        }
      }
      case FbftMessage.BatchCert c -> {
        if (config.batches()) {
          batches.onCert(from, c, out, now);
        } else {
          drop(DropReason.BAD_BATCH, from, c);
        }
      }
      case FbftMessage.BatchRequest r -> {
        if (config.batches()) {
          batches.onRequest(from, r, out);
        } else {
          drop(DropReason.BAD_BATCH, from, r);
        }
      }
    }
  }

  private void drop(DropReason reason, int from, FbftMessage m) {
    drops.count(reason);
    LOG.debug("fbft replica {} round {}: dropped {} from {}: {}", self, currentRound, m.kind(), from, reason);
  }

  private void onProposal(int from, Proposal p) {
    Block b = p.block();
    if (b.proposer() != from) {
      drop(DropReason.SENDER_MISMATCH, from, p);
      return;
    }
    if (b.round() > currentRound + config.maxRoundsAhead()) {
      drop(DropReason.TOO_FAR_AHEAD, from, p);
      return;
    }
    if (b.payload().size() > config.maxBlockEnvelopes()) {
      drop(DropReason.OVERSIZE, from, p);
      return;
    }
    // R4.4: the id is recomputed, never trusted; R1.1: rounds strictly grow along the chain.
    if (b.round() <= b.justify().round() || b.height() != b.justify().height() + 1
        || !b.id().equals(Block.computeId(b, hash))) {
      drop(DropReason.BAD_BLOCK, from, p);
      return;
    }
    if (from != self && !verifier.verifySingle(from, SigningBytes.proposal(b.id(), b.round()), p.signature())) {
      drop(DropReason.BAD_SIGNATURE, from, p);
      return;
    }
    if (!verifier.verifyQc(b.justify())) {
      drop(DropReason.INVALID_QC, from, p);
      return;
    }
    // R1.3: a proposal that does not extend the previous round's QC needs a TC for that round whose
    // reported QC rounds it extends.
    Optional<TimeoutCert> tc = Optional.empty();
    if (b.justify().round() + 1 != b.round()) {
      if (p.tc().isEmpty() || p.tc().get().round() + 1 != b.round()) {
        drop(DropReason.UNSAFE_PROPOSAL, from, p);
        return;
      }
      if (!verifier.verifyTc(p.tc().get())) {
        drop(DropReason.INVALID_TC, from, p);
        return;
      }
      if (b.justify().round() < p.tc().get().maxHighQcRound()) {
        drop(DropReason.UNSAFE_PROPOSAL, from, p);
        return;
      }
      tc = p.tc();
    }
    // Certificates are facts: learn them before anything else can fail (R2.1).
    processQc(b.justify());
    tc.ifPresent(this::processTc);
    // R2.5: the block records exactly the evidence of the TC that justifies it, or none without
    // one. Voters check this, so a certified block's evidence is the summary of a valid TC.
    TimeoutEvidence evidence = tc.map(t -> TimeoutEvidence.of(t, config.n())).orElse(TimeoutEvidence.NONE);
    if (!b.evidence().equals(evidence)) {
      drop(DropReason.BAD_BLOCK, from, p);
      return;
    }

    Optional<Block> parent = tree.get(b.parentId());
    if (parent.isEmpty()) {
      if (b.justify().height() <= committed.height()) {
        drop(DropReason.STALE_ROUND, from, p);
        return;
      }
      buffer(b.parentId(), b.round(), from, p);
      requestSync(from, b.parentId());
      return;
    }
    if (parent.get().round() != b.justify().round()) {
      drop(DropReason.BAD_BLOCK, from, p);
      return;
    }
    if (leaders.leaderFor(b.round(), parent.get()) != from) {
      drop(DropReason.WRONG_LEADER, from, p);
      return;
    }
    if (config.batches() && !validBatchRefs(from, p)) {
      return;
    }
    Digest seen = proposalSeen.putIfAbsent(b.round(), b.id());
    if (seen != null && !seen.equals(b.id())) {
      drops.count(DropReason.EQUIVOCATION);
      LOG.warn("fbft replica {}: leader {} equivocated in round {}: {} and {}", self, from, b.round(), seen, b.id());
    }
    addBlock(b);
    if (config.batches() && !batchesReady(from, p, parent.get())) {
      return;
    }
    maybeVote(b);
  }

  // ---- batch references (section 9) ----

  /** R9.4: every payload entry is a valid batch certificate, each batch at most once in the block. */
  private boolean validBatchRefs(int from, Proposal p) {
    Set<Digest> seen = new HashSet<>();
    for (byte[] entry : p.block().payload()) {
      Optional<FbftMessage.BatchCert> c = batches.decodeRef(entry);
      if (c.isEmpty()) {
        drop(DropReason.INVALID_BATCH_CERT, from, p);
        return false;
      }
      if (!seen.add(c.get().digest())) {
        drop(DropReason.DUPLICATE_BATCH, from, p);
        return false;
      }
      if (!batches.referenceable(c.get(), p.block().height())) {
        drop(DropReason.BATCH_EXPIRED, from, p);
        return false;
      }
      if (!batches.verify(c.get())) {
        drop(DropReason.INVALID_BATCH_CERT, from, p);
        return false;
      }
    }
    return true;
  }

  /**
   * R9.4 + R9.5, checked before a vote: no batch of the block is referenced by an ancestor within
   * the dedup window, and this replica holds every batch. A missing batch is asked of its
   * certificate's signers and the proposal waits in the pending buffer until it arrives.
   */
  private boolean batchesReady(int from, Proposal p, Block parent) {
    Block b = p.block();
    if (b.round() != currentRound || b.round() <= lastVotedRound) {
      return true;
    }
    Optional<Set<Digest>> window = refsInWindow(parent, b.height());
    if (window.isEmpty()) {
      drop(DropReason.BATCH_HISTORY_UNKNOWN, from, p);
      return false;
    }
    Optional<Digest> missing = Optional.empty();
    for (FbftMessage.BatchCert c : refsOf(b)) {
      if (window.get().contains(c.digest())) {
        drop(DropReason.DUPLICATE_BATCH, from, p);
        return false;
      }
      if (!batches.holds(c.digest())) {
        batches.request(c, b.proposer(), false, out, now);
        if (missing.isEmpty()) {
          missing = Optional.of(c.digest());
        }
      }
    }
    if (missing.isPresent()) {
      awaitingBatchesRound = b.round();
      buffer(missing.get(), b.round(), from, p);
      return false;
    }
    return true;
  }

  /**
   * Batch digests referenced by {@code parent} and its ancestors down to {@code height - W}
   * (R9.4); empty if one of those blocks is not held (a restart stub, a pruned or jumped-over one).
   */
  private Optional<Set<Digest>> refsInWindow(Block parent, long height) {
    long lowest = Math.max(1, height - config.batchDedupHeights());
    Set<Digest> s = new HashSet<>();
    Block cur = parent;
    while (cur.height() >= lowest) {
      if (BlockTree.isStub(cur)) {
        return committedRefsIn(lowest, cur.height(), s);
      }
      Block held = cur;
      s.addAll(refsByBlock.computeIfAbsent(held.id(), id -> digests(refsOf(held))));
      Optional<Block> up = tree.parent(cur);
      if (up.isEmpty()) {
        if (cur.height() - 1 >= lowest) {
          return committedRefsIn(lowest, cur.height() - 1, s);
        }
        break;
      }
      cur = up.get();
    }
    return Optional.of(s);
  }

  /** Adds the committed references of heights lo..hi to {@code s}, if this replica knows them all. */
  private Optional<Set<Digest>> committedRefsIn(long lo, long hi, Set<Digest> s) {
    if (hi > committed.height() || lo < refsKnownFrom) {
      return Optional.empty();
    }
    committedRefs.subMap(lo, true, hi, true).values().forEach(s::addAll);
    return Optional.of(s);
  }

  /** R9.4 + R3.9: remembers (and persists) the references of newly committed blocks, ascending. */
  private void recordCommittedRefs(List<Block> ascending, boolean historyBelowUnknown) {
    if (!config.batches()) {
      return;
    }
    boolean first = true;
    for (Block b : ascending) {
      List<Digest> d = digests(refsOf(b));
      boolean jump = first && historyBelowUnknown;
      if (jump) {
        committedRefs.clear();
        refsKnownFrom = b.height();
      }
      if (!d.isEmpty() || jump) {
        persist(new WalRecord.CommittedRefs(b.height(), d, jump));
        committedRefs.put(b.height(), d);
      }
      first = false;
    }
    long top = ascending.get(ascending.size() - 1).height();
    committedRefs.headMap(top - WalState.COMMITTED_REFS_HEIGHTS, true).clear();
  }

  private static List<Block> reversed(List<Block> descending) {
    List<Block> r = new ArrayList<>(descending);
    Collections.reverse(r);
    return r;
  }

  private static List<Digest> digests(List<FbftMessage.BatchCert> certs) {
    List<Digest> d = new ArrayList<>(certs.size());
    for (FbftMessage.BatchCert c : certs) {
      d.add(c.digest());
    }
    return d;
  }

  /** The certificates a block references; entries that are not one are skipped, identically everywhere. */
  private List<FbftMessage.BatchCert> refsOf(Block b) {
    List<FbftMessage.BatchCert> refs = new ArrayList<>(b.payload().size());
    for (byte[] entry : b.payload()) {
      batches.decodeRef(entry).ifPresent(refs::add);
    }
    return refs;
  }

  /**
   * R9.6: Commit and StateTransfer effects leave in committed order, each Commit once the batches
   * of its block are held, resolved to their envelopes. Batches are marked committed at once, so
   * no leader here proposes them again while their envelopes are still being fetched.
   */
  private List<Effect> holdUntilResolved(List<Effect> effects) {
    List<Effect> result = new ArrayList<>(effects.size());
    for (Effect e : effects) {
      switch (e) {
        case Effect.Commit c -> {
          batches.markCommitted(refsOf(c.block()), c.block().height(), mempool);
          undelivered.add(c);
        }
        case Effect.StateTransfer t -> undelivered.add(t);
        default -> result.add(e);
      }
    }
    drainUndelivered(result, false);
    return result;
  }

  private void drainUndelivered(List<Effect> result, boolean retry) {
    while (!undelivered.isEmpty()) {
      Effect head = undelivered.peek();
      if (head instanceof Effect.Commit c) {
        List<FbftMessage.BatchCert> refs = refsOf(c.block());
        List<byte[]> envelopes = new ArrayList<>();
        boolean missing = false;
        for (FbftMessage.BatchCert ref : refs) {
          Optional<List<byte[]>> env = batches.envelopes(ref);
          if (env.isEmpty()) {
            // R9.7: a certificate names f + 1 holders, at least one honest; a retry asks everyone.
            batches.request(ref, c.block().proposer(), retry, result, now);
            missing = true;
          } else {
            envelopes.addAll(env.get());
          }
        }
        if (missing) {
          if (undeliveredSince < 0) {
            undeliveredSince = now;
          }
          return;
        }
        mempool.removeCommitted(envelopes);
        result.add(new Effect.Commit(c.block(), c.certifiedBy(), envelopes, digests(refs)));
        if (c.block().height() % 16 == 0) {
          batches.gc(c.block().height());
        }
      } else {
        result.add(head);
      }
      undelivered.poll();
      undeliveredSince = -1;
    }
  }

  /** R1.2: vote once per round, only in the current round, only for a block that passed R1.3. */
  private void maybeVote(Block b) {
    if (b.round() != currentRound || b.round() <= lastVotedRound) {
      return;
    }
    lastVotedRound = b.round();
    lastVoteRound = b.round();
    // R3.9: the block and its payload first, so that a restart of every replica keeps them.
    persist(new WalRecord.VotedBlock(b, config.batches() ? batches.referencedBatches(b) : List.of()));
    persist(new WalRecord.Voted(b.round(), b.id()));
    Vote v = new Vote(b.id(), b.round(), b.height(), self,
        auth.sign(SigningBytes.vote(b.id(), b.round(), b.height())));
    int next = leaders.leaderFor(b.round() + 1, b);
    if (next == self) {
      onVote(self, v);
    } else {
      out.add(new Effect.Send(next, v));
    }
  }

  private void onVote(int from, Vote v) {
    if (v.voter() != from) {
      drop(DropReason.SENDER_MISMATCH, from, v);
      return;
    }
    if (v.round() < highQc.round()) {
      drop(DropReason.STALE_ROUND, from, v);
      return;
    }
    if (v.round() > currentRound + config.maxRoundsAhead()) {
      drop(DropReason.TOO_FAR_AHEAD, from, v);
      return;
    }
    QuorumCert.Key key = new QuorumCert.Key(v.blockId(), v.round(), v.height());
    switch (votes.check(key, from)) {
      case DUPLICATE -> {
        drop(DropReason.DUPLICATE, from, v);
        return;
      }
      case CONFLICTING -> drops.count(DropReason.EQUIVOCATION);
      case NEW -> {}
    }
    Optional<Block> block = tree.get(v.blockId());
    if (block.isEmpty()) {
      buffer(v.blockId(), v.round(), from, v);
      return;
    }
    if (block.get().round() != v.round() || block.get().height() != v.height()) {
      drop(DropReason.BAD_BLOCK, from, v);
      return;
    }
    if (leaders.leaderFor(v.round() + 1, block.get()) != self) {
      drop(DropReason.NOT_NEXT_LEADER, from, v);
      return;
    }
    if (from != self && !verifier.verifySingle(from, SigningBytes.vote(v.blockId(), v.round(), v.height()), v.signature())) {
      drop(DropReason.BAD_SIGNATURE, from, v);
      return;
    }
    votes.add(key, from, v.signature()).ifPresent(qc -> {
      verifier.markProven(qc);
      processQc(qc);
    });
  }

  private void onTimeout(int from, Timeout t) {
    if (t.sender() != from) {
      drop(DropReason.SENDER_MISMATCH, from, t);
      return;
    }
    if (t.round() > currentRound + config.maxRoundsAhead()) {
      drop(DropReason.TOO_FAR_AHEAD, from, t);
      return;
    }
    if (t.round() < currentRound) {
      forwardCertificates(from, t.round());
      drop(DropReason.STALE_ROUND, from, t);
      return;
    }
    if (timeouts.has(t.round(), from)) {
      drop(DropReason.DUPLICATE, from, t);
      return;
    }
    if (t.highQc().round() >= t.round()) {
      drop(DropReason.MALFORMED, from, t);
      return;
    }
    if (!verifier.verifySingle(from, SigningBytes.timeout(t.round(), t.highQc().round(), t.voted()), t.signature())) {
      drop(DropReason.BAD_SIGNATURE, from, t);
      return;
    }
    if (!verifier.verifyQc(t.highQc())) {
      drop(DropReason.INVALID_QC, from, t);
      return;
    }
    // R2.2 late entry, as for a forwarded certificate: a QC that reaches us only inside a peer's
    // timeout after we gave up on our round means the proposal that carried it passed us by.
    lateEntry = timedOutRound == currentRound;
    try {
      processQc(t.highQc());
    } finally {
      lateEntry = false;
    }
    addTimeout(t.round(), new TimeoutSig(from, t.highQc().round(), t.voted(), t.signature()));
  }

  private void addTimeout(long round, TimeoutSig sig) {
    int count = timeouts.add(round, sig);
    if (round < currentRound) {
      return;
    }
    if (count >= config.quorum()) {
      TimeoutCert tc = timeouts.certificate(round);
      verifier.markProven(tc);
      processTc(tc);
      return;
    }
    // R2.6: f + 1 timeouts include an honest replica, so the round is failing; join it now rather
    // than waiting for our own timer, which is what lets a TC form within one timeout.
    if (count >= config.f() + 1 && timedOutRound < round) {
      if (round > currentRound) {
        enterRound(round);
      }
      localTimeout(round);
    }
  }

  /** R2.6: a replica that times out a round we already left gets the certificate that moved us on. */
  private void forwardCertificates(int to, long staleRound) {
    if (to == self) {
      return;
    }
    Long last = lastForwardAt.get(to);
    if (last != null && now - last < config.baseTimeoutMillis()) {
      return;
    }
    Optional<TimeoutCert> tc = lastTc.filter(t -> t.round() >= staleRound);
    if (highQc.round() < staleRound && tc.isEmpty()) {
      return;
    }
    lastForwardAt.put(to, now);
    out.add(new Effect.Send(to, new CertForward(highQc, tc)));
  }

  private void onCertForward(CertForward c) {
    if (!verifier.verifyQc(c.highQc())) {
      drops.count(DropReason.INVALID_QC);
      return;
    }
    if (c.tc().isPresent() && !verifier.verifyTc(c.tc().get())) {
      drops.count(DropReason.INVALID_TC);
      return;
    }
    // R2.2: a replica that gave up on its round and is pulled forward only by a forwarded
    // certificate entered the next round late: the quorum that formed the certificate is already
    // in it, and the proposal that carried the certificate has passed this replica by.
    lateEntry = timedOutRound == currentRound;
    try {
      processQc(c.highQc());
      c.tc().ifPresent(this::processTc);
    } finally {
      lateEntry = false;
    }
  }

  // ---- certificates, rounds and commit ----

  /** R2.1 + R1.5: a verified QC raises highQc, may commit, and moves the round past it. */
  private void processQc(QuorumCert qc) {
    if (qc.round() > highQc.round()) {
      highQc = qc;
      persist(new WalRecord.HighQc(qc));
      // R3.4: a leader must hold the block it extends; fetch it now rather than at our turn.
      if (!tree.contains(qc.blockId()) && qc.height() > committed.height()) {
        requestSync(currentSender >= 0 && currentSender != self ? currentSender : signerToAsk(qc, currentRound), qc.blockId());
      }
    }
    tryCommit(qc);
    if (qc.round() >= currentRound) {
      enterRound(qc.round() + 1);
    }
  }

  private void processTc(TimeoutCert tc) {
    if (lastTc.isEmpty() || tc.round() > lastTc.get().round()) {
      lastTc = Optional.of(tc);
    }
    if (tc.round() >= currentRound) {
      enterRound(tc.round() + 1);
    }
  }

  /**
   * R1.5 two-chain commit: a QC for block B1 whose parent B0 has round B1.round - 1 commits B0 and
   * every uncommitted ancestor.
   */
  private void tryCommit(QuorumCert qc) {
    Optional<Block> b1 = tree.get(qc.blockId());
    if (b1.isEmpty() || BlockTree.isStub(b1.get())) {
      return;
    }
    Optional<Block> b0 = tree.parent(b1.get());
    if (b0.isEmpty() || b0.get().round() + 1 != b1.get().round() || b0.get().height() <= committed.height()) {
      return;
    }
    Optional<List<Block>> chain = tree.chainDown(b0.get(), committed.height());
    if (chain.isEmpty()) {
      return;
    }
    List<Block> down = chain.get();
    Block lowest = down.get(down.size() - 1);
    Invariants.check(lowest.parentId().equals(committed.id()),
        "replica %d: block %s at height %d does not extend committed %s at height %d",
        self, lowest.id(), lowest.height(), committed.id(), committed.height());
    Block top = b0.get();
    recordCommittedRefs(reversed(down), false);
    persist(new WalRecord.Committed(top.height(), top.round(), top.id()));
    leaders.snapshot(top).ifPresent(this::persist);
    QuorumCert certifying = b1.get().justify();
    List<Effect.Commit> commits = new ArrayList<>(down.size());
    for (Block b : down) {
      commits.add(new Effect.Commit(b, certifying));
      certifying = b.justify();
    }
    Collections.reverse(commits);
    for (Effect.Commit c : commits) {
      mempool.removeCommitted(c.block().payload());
    }
    // R3.7: the sink applies heights in order, so a backlog left by a crash goes first.
    deliverBacklog(lowest.justify(), true);
    out.addAll(commits);
    committed = top;
    delivered = top.height();
    tree.prune(committed.height());
  }

  /**
   * R3.7: hands the sink the committed heights it never applied, (delivered, committed]. Their
   * blocks are re-delivered when the tree holds them (synced below the restart stub and
   * authenticated by the hash chain from the committed id, which this replica's own WAL vouches
   * for). Otherwise, if {@code orTransfer}, the sink is told to fetch them by state transfer.
   *
   * @param certifyingCommitted a QC for the committed block, for its Commit effect
   */
  private void deliverBacklog(QuorumCert certifyingCommitted, boolean orTransfer) {
    if (delivered >= committed.height()) {
      return;
    }
    Optional<List<Block>> chain = heldDownTo(delivered + 1);
    if (chain.isPresent()) {
      List<Effect.Commit> redo = new ArrayList<>();
      QuorumCert certifying = certifyingCommitted;
      for (Block b : chain.get()) {
        redo.add(new Effect.Commit(b, certifying));
        certifying = b.justify();
      }
      Collections.reverse(redo);
      LOG.info("fbft replica {}: re-delivering committed heights {}..{} the sink had not applied",
          self, delivered + 1, committed.height());
      out.addAll(redo);
    } else if (orTransfer) {
      LOG.info("fbft replica {}: committed heights {}..{} are not retained by peers; state transfer",
          self, delivered + 1, committed.height());
      out.add(new Effect.StateTransfer(delivered, committed.height(), committed.id()));
    } else {
      return;
    }
    delivered = committed.height();
  }

  /** R2.2: entering a round arms its timer and, at the round's leader, proposes. */
  private void enterRound(long round) {
    if (round <= currentRound) {
      return;
    }
    currentRound = round;
    votes.pruneBelow(highQc.round());
    timeouts.pruneBelow(round);
    proposalSeen.headMap(round - config.maxRoundsAhead()).clear();
    int pruned = pending.pruneBelow(round - config.maxRoundsAhead());
    for (int i = 0; i < pruned; i++) {
      drops.count(DropReason.STALE_ROUND);
    }
    long timeout = roundTimeout(round);
    out.add(new Effect.ScheduleTimer(round, now + (lateEntry ? timeout / 2 : timeout)));
    if (config.batches()) {
      if (awaitingBatchesRound > 0 && awaitingBatchesRound < round) {
        // R9.5: the round of a proposal that waited for a batch ended before the batch came.
        drops.count(DropReason.MISSING_BATCH_TIMEOUT);
        awaitingBatchesRound = 0;
      }
      // R9.1: a partial batch is sealed at each round change, so no envelope waits longer.
      batches.seal(mempool, committed.height(), out);
    }
    maybePropose(round);
  }

  private long roundTimeout(long round) {
    long failures = round - highQc.round() - 1;
    return config.timeoutMillis((int) Math.min(failures, Integer.MAX_VALUE));
  }

  /** R1.6 + R2.4: the leader extends its highest QC, with the TC when the previous round failed. */
  private void maybePropose(long round) {
    Optional<TimeoutCert> tc = Optional.empty();
    if (highQc.round() + 1 != round) {
      tc = lastTc.filter(t -> t.round() + 1 == round && highQc.round() >= t.maxHighQcRound());
      if (tc.isEmpty()) {
        return;
      }
    }
    Optional<Block> parent = tree.get(highQc.blockId());
    if (parent.isEmpty() || leaders.leaderFor(round, parent.get()) != self || round <= lastVotedRound) {
      return;
    }
    List<byte[]> payload;
    if (config.batches()) {
      // R9.4: certified batches not referenced by an ancestor in the dedup window; nothing if
      // that window is not held (a voter would refuse the block).
      long height = parent.get().height() + 1;
      payload = refsInWindow(parent.get(), height).map(ex -> batches.propose(ex, height)).orElse(List.of());
    } else {
      payload = mempool.take(config.maxBlockEnvelopes(), inFlight(parent.get()));
    }
    // R2.5: the block records the TC's voted bits, so the chain proves who failed round - 1.
    TimeoutEvidence evidence = tc.map(t -> TimeoutEvidence.of(t, config.n())).orElse(TimeoutEvidence.NONE);
    Block b = Block.create(round, parent.get().height() + 1, highQc, self, payload, evidence, hash);
    Proposal p = new Proposal(b, tc, auth.sign(SigningBytes.proposal(b.id(), round)));
    LOG.debug("fbft replica {}: proposing {}", self, b);
    out.add(new Effect.Broadcast(p));
    onProposal(self, p);
  }

  /** Envelopes in uncommitted ancestors of {@code tip}; proposing them again would order them twice. */
  private Set<ByteBuffer> inFlight(Block tip) {
    Set<ByteBuffer> s = new HashSet<>();
    Block cur = tip;
    while (cur.height() > committed.height()) {
      for (byte[] e : cur.payload()) {
        s.add(Mempool.key(e));
      }
      Optional<Block> p = tree.parent(cur);
      if (p.isEmpty()) {
        break;
      }
      cur = p.get();
    }
    return s;
  }

  // ---- pacemaker (R2.3) ----

  private void onTimer(long round) {
    if (round != currentRound) {
      return;
    }
    localTimeout(round);
  }

  /** R2.3: give up on the round (never vote in it again), tell everyone, re-send every timeout period. */
  private void localTimeout(long round) {
    Invariants.check(round == currentRound, "replica %d timing out round %d while in %d", self, round, currentRound);
    if (lastVotedRound < round) {
      lastVotedRound = round;
      persist(new WalRecord.TimedOut(round));
    }
    timedOutRound = round;
    if (config.batches()) {
      batches.onLocalTimeout(out);
      drainUndelivered(out, true);
    }
    if (!tree.contains(highQc.blockId()) && highQc.height() > committed.height()) {
      // R3.4 retry: the first request or its answer may have been lost; ask another signer each round.
      requestSync(signerToAsk(highQc, round), highQc.blockId());
    }
    // R2.5: whether this replica accepted the round's proposal; the TC's bits prove who failed.
    boolean voted = lastVoteRound == round;
    byte[] sig = auth.sign(SigningBytes.timeout(round, highQc.round(), voted));
    out.add(new Effect.Broadcast(new Timeout(round, highQc, voted, self, sig)));
    out.add(new Effect.ScheduleTimer(round, now + roundTimeout(round)));
    if (!timeouts.has(round, self)) {
      addTimeout(round, new TimeoutSig(self, highQc.round(), voted, sig));
    }
  }

  // ---- sync (R3.4) ----

  private void requestSync(int from, Digest missing) {
    if (from == self) {
      return;
    }
    SyncKey key = new SyncKey(missing, from);
    Long at = syncRequested.get(key);
    if (at != null && now - at < config.baseTimeoutMillis()) {
      return;
    }
    if (syncRequested.size() >= MAX_SYNC_REQUESTS_TRACKED) {
      syncRequested.clear();
    }
    syncRequested.put(key, now);
    // After a restart the committed block is a stub: ask for the reputation window below it too,
    // and for undelivered heights (R3.7) as far as half a response reaches; further down is for
    // state transfer, and asking for it would crowd out the blocks above the stub.
    long fromHeight = committed.height();
    if (BlockTree.isStub(committed)) {
      long reputationWindow = committed.height() - 2L * config.reputationRounds();
      long backlog = Math.max(delivered, committed.height() - config.codecLimits().maxSyncBlocks() / 2);
      fromHeight = Math.max(0, Math.min(reputationWindow, backlog));
      if (config.batches()) {
        // R9.4: a voter needs the dedup window's blocks below the stub too.
        fromHeight = Math.max(0, Math.min(fromHeight, committed.height() - config.batchDedupHeights()));
      }
    }
    out.add(new Effect.Send(from, new SyncRequest(missing, fromHeight)));
  }

  /** A QC signer other than this replica, rotating with {@code salt}; they all voted for the block. */
  private int signerToAsk(QuorumCert qc, long salt) {
    List<org.openbcs.fbft.message.SignerSig> sigs = qc.signatures();
    for (int i = 0; i < sigs.size(); i++) {
      int signer = sigs.get((int) Math.floorMod(salt + i, (long) sigs.size())).signer();
      if (signer != self) {
        return signer;
      }
    }
    return self;
  }

  private void onSyncRequest(int from, SyncRequest s) {
    Optional<Block> target = held(s.target());
    if (target.isEmpty()) {
      drop(DropReason.SYNC_UNKNOWN_BLOCK, from, s);
      return;
    }
    List<Block> down = new ArrayList<>();
    Block cur = target.get();
    while (cur.height() > s.fromHeight() && !BlockTree.isStub(cur)) {
      down.add(cur);
      Optional<Block> p = cur.isGenesis() ? Optional.empty() : held(cur.parentId());
      if (p.isEmpty()) {
        break;
      }
      cur = p.get();
    }
    Collections.reverse(down);
    List<Block> first = down.subList(0, Math.min(down.size(), config.codecLimits().maxSyncBlocks()));
    out.add(new Effect.Send(from, new SyncResponse(first)));
  }

  private void onSyncResponse(int from, SyncResponse s) {
    Map<Digest, Block> byId = new HashMap<>();
    for (Block b : s.blocks()) {
      if (!b.id().equals(Block.computeId(b, hash))) {
        drop(DropReason.BAD_BLOCK, from, s);
        return;
      }
      byId.put(b.id(), b);
    }
    // History below a stub is authenticated by the hash chain from the committed id.
    if (BlockTree.isStub(committed)) {
      Digest expect = committed.id();
      Block b;
      while ((b = byId.get(expect)) != null && b.height() > 0) {
        tree.add(b);
        if (expect.equals(committed.id())) {
          committed = b;
        }
        expect = b.parentId();
      }
    }
    if (delivered < committed.height()) {
      // R3.7: a child of the committed block in this response certifies it for the Commit effect.
      for (Block b : s.blocks()) {
        if (b.parentId().equals(committed.id()) && b.justify().round() == committed.round()) {
          deliverBacklog(b.justify(), false);
          break;
        }
      }
    }
    List<Block> blocks = s.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      if (b.height() <= committed.height() || tree.contains(b.id())) {
        continue;
      }
      Optional<Block> parent = tree.get(b.parentId());
      if (parent.isEmpty() && b.height() > committed.height() + 1 && jump(from, blocks)) {
        // The anchor moved up; rescan, skipping what is now at or below it.
        i = -1;
        continue;
      }
      if (parent.isEmpty() || parent.get().height() + 1 != b.height() || parent.get().round() != b.justify().round()
          || b.round() <= b.justify().round()) {
        drop(DropReason.SYNC_UNLINKED, from, s);
        return;
      }
      if (!verifier.verifyQc(b.justify())) {
        drop(DropReason.INVALID_QC, from, s);
        return;
      }
      processQc(b.justify());
      addBlock(b);
    }
  }

  /** The held blocks from the committed one down to height {@code lowest}, top first; empty if one is missing. */
  private Optional<List<Block>> heldDownTo(long lowest) {
    List<Block> down = new ArrayList<>();
    Block cur = committed;
    while (!BlockTree.isStub(cur)) {
      down.add(cur);
      if (cur.height() <= lowest) {
        return Optional.of(down);
      }
      Optional<Block> p = tree.parent(cur);
      if (p.isEmpty()) {
        break;
      }
      cur = p.get();
    }
    return Optional.empty();
  }

  /**
   * R3.8: the response does not link to anything this replica holds, because its peers no longer
   * retain the blocks in between. It adopts the highest block B0 of the response that carries a
   * commit proof: B0, its child B1 with {@code B1.round = B0.round + 1}, and B1's child B2 whose
   * justify is a valid QC for B1 (the two-chain of R1.5, so every honest replica commits B0 at its
   * height). Ids are recomputed and parents are hash links, so the proof needs q signatures nobody
   * can forge. Blocks linked below B0 in the response become its history for leader reputation.
   * The heights skipped are handed to the sink as a StateTransfer. lastVotedRound and highQc are
   * untouched, so the replica never votes against what it voted before (R1.2).
   *
   * @return true if the committed block moved up
   */
  private boolean jump(int from, List<Block> blocks) {
    for (int i = blocks.size() - 3; i >= 0; i--) {
      Block b0 = blocks.get(i);
      Block b1 = blocks.get(i + 1);
      Block b2 = blocks.get(i + 2);
      if (b0.height() <= committed.height() || b0.round() <= b0.justify().round()
          || !b1.parentId().equals(b0.id()) || b1.round() != b0.round() + 1 || b1.height() != b0.height() + 1
          || b1.justify().round() != b0.round() || b1.justify().height() != b0.height()
          || !b2.parentId().equals(b1.id()) || b2.justify().round() != b1.round()
          || b2.justify().height() != b1.height() || b2.height() != b1.height() + 1) {
        continue;
      }
      if (!verifier.verifyQc(b2.justify()) || !verifier.verifyQc(b1.justify())) {
        drops.count(DropReason.INVALID_QC);
        continue;
      }
      adoptCommitted(b0, blocks, i);
      return true;
    }
    return false;
  }

  private void adoptCommitted(Block b0, List<Block> blocks, int index) {
    List<Block> history = new ArrayList<>();
    Digest expect = b0.parentId();
    for (int j = index - 1; j >= 0 && history.size() < config.retainBlocks(); j--) {
      Block x = blocks.get(j);
      if (!x.id().equals(expect)) {
        break;
      }
      history.add(x);
      expect = x.parentId();
    }
    Collections.reverse(history);
    Block root = history.isEmpty() ? b0 : history.get(0);
    tree = new BlockTree(root, config.retainBlocks());
    for (Block x : history) {
      tree.add(x);
    }
    tree.add(b0);
    leaders = new LeaderElection(config, tree);
    LOG.info("fbft replica {}: committed h={} is not linked to the blocks peers retain; adopting committed {} "
        + "with its commit proof and {} blocks of history", self, committed.height(), b0, history.size());
    long afterHeight = delivered;
    committed = b0;
    recordCommittedRefs(List.of(b0), true);
    persist(new WalRecord.Committed(b0.height(), b0.round(), b0.id()));
    leaders.snapshot(b0).ifPresent(this::persist);
    mempool.removeCommitted(b0.payload());
    if (config.batches()) {
      // R9.6: batches the skipped heights committed are not proposable any more. Only those of
      // the history blocks at hand are known; R9.4 says what a re-reference beyond W allows.
      for (Block x : history) {
        batches.markCommitted(refsOf(x), x.height(), mempool);
      }
      batches.markCommitted(refsOf(b0), b0.height(), mempool);
    }
    syncRequested.clear();
    out.add(new Effect.StateTransfer(afterHeight, b0.height(), b0.id()));
    delivered = b0.height();
  }

  // ---- blocks and buffering ----

  private void addBlock(Block b) {
    if (!tree.add(b)) {
      return;
    }
    // b's justify certifies its parent: that may complete a two-chain now that b's parent is known.
    tryCommit(b.justify());
    // Any QC already held for b itself may commit b's parent.
    if (highQc.blockId().equals(b.id())) {
      tryCommit(highQc);
    }
    for (PendingBuffer.Entry e : pending.release(b.id())) {
      onMessage(e.from(), e.message());
    }
  }

  private void buffer(Digest missing, long round, int from, FbftMessage m) {
    if (round > currentRound + config.maxRoundsAhead()) {
      drop(DropReason.TOO_FAR_AHEAD, from, m);
      return;
    }
    switch (pending.add(new PendingBuffer.Entry(missing, round, from, m))) {
      case BUFFERED -> {}
      case BUFFERED_EVICTED_ONE -> drops.count(DropReason.BUFFER_EVICTED);
      case REJECTED_FULL -> drop(DropReason.BUFFER_FULL, from, m);
    }
  }

  private void onClientPayload(byte[] envelope) {
    if (envelope.length > config.codecLimits().maxEnvelopeBytes()) {
      drops.count(DropReason.OVERSIZE);
      return;
    }
    if (!mempool.add(envelope)) {
      drops.count(DropReason.MEMPOOL_FULL);
    }
    if (config.batches() && started) {
      batches.sealIfFull(mempool, committed.height(), out);
    }
  }

  private void persist(WalRecord r) {
    out.add(new Effect.Persist(r));
  }

  // ---- observation (tests, metrics) ----

  public int id() {
    return self;
  }

  public long currentRound() {
    return currentRound;
  }

  public long lastVotedRound() {
    return lastVotedRound;
  }

  public QuorumCert highQc() {
    return highQc;
  }

  public long committedHeight() {
    return committed.height();
  }

  public DropCounters drops() {
    return drops;
  }

  public long signatureChecks() {
    return verifier.signatureChecks();
  }

  public int bufferedMessages() {
    return pending.size();
  }

  public int mempoolSize() {
    return mempool.size();
  }

  /** Since when the oldest committed block has waited for its batches (R9.6); -1 if none waits. */
  public long undeliveredSince() {
    return undeliveredSince;
  }

  /** Batches fetched from peers by request (R9.5). */
  public long batchesFetched() {
    return batches.fetched();
  }

  /** Batches held in the batch store (R9.2). */
  public int batchesStored() {
    return batches.stored();
  }

  public FbftConfig config() {
    return config;
  }

  public Block genesis() {
    return genesis;
  }

  /** The proofs of blame this replica applied to leader reputation, oldest first (bounded; R2.5). */
  public List<ProvenBlame> provenBlame() {
    return leaders.provenBlame();
  }

  /** Whether {@code replica} is skipped in {@code round} by reputation if it extends this replica's highest QC. */
  public boolean skipped(int replica, long round) {
    return tree.get(highQc.blockId()).map(b -> leaders.skipped(replica, round, b)).orElse(false);
  }

  /** The leader this replica expects for {@code round} if it extends its highest QC; -1 if that block is unknown. */
  public int expectedLeader(long round) {
    return tree.get(highQc.blockId()).map(b -> leaders.leaderFor(round, b)).orElse(-1);
  }
}
