package org.openbcs.fbft.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.openbcs.fbft.Authenticator;
import org.openbcs.fbft.message.BatchDigest;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.FbftMessage.Batch;
import org.openbcs.fbft.message.FbftMessage.BatchAck;
import org.openbcs.fbft.message.FbftMessage.BatchCert;
import org.openbcs.fbft.message.FbftMessage.BatchRequest;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.message.SignerSig;
import org.openbcs.fbft.message.SigningBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch layer of one replica (spec section 9): seals its mempool into batches, stores and
 * acknowledges other creators' batches, certifies its own, remembers certified batches for its
 * turn as leader, and fetches batches a proposal or a commit needs. Consensus (the replica) only
 * ever sees certificates; this class turns them back into envelopes. Same thread as the replica.
 */
final class Dissemination {
  private static final Logger LOG = LoggerFactory.getLogger(Dissemination.class);

  /** Own batches sealed and not yet committed; sealing pauses at this many (R9.1). */
  static final int MAX_OWN_UNCOMMITTED = 256;
  /** Batches asked for and not yet received (R9.5); when full the oldest request is forgotten. */
  static final int MAX_WANTED = 4096;
  /** Digests of batches seen committed, so a late certificate is not proposed again (R9.4). */
  static final int MAX_REMEMBERED_COMMITTED = 16_384;

  /** One of this replica's own batches on its way to a certificate and a commit. */
  private static final class Own {
    final Batch batch;
    final Map<Integer, byte[]> acks = new LinkedHashMap<>();
    BatchCert cert;

    Own(Batch batch) {
      this.batch = batch;
    }
  }

  private record Wanted(BatchCert cert, long askedAt) {}

  private final FbftConfig config;
  private final int self;
  private final Authenticator auth;
  private final UnaryOperator<byte[]> hash;
  private final MessageCodec codec;
  private final CertificateVerifier verifier;
  private final DropCounters drops;
  private final BatchStore store;
  private final LinkedHashMap<Digest, Own> own = new LinkedHashMap<>();
  /** Certified batches not seen committed, in arrival order: what this replica proposes as leader (R9.4). */
  private final LinkedHashMap<Digest, BatchCert> certified = new LinkedHashMap<>();
  private final Map<Integer, Integer> certifiedPerCreator = new HashMap<>();
  private final LinkedHashMap<Digest, Wanted> wanted = new LinkedHashMap<>();
  private final LinkedHashMap<Digest, Boolean> committedDigests = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Digest, Boolean> e) {
      return size() > MAX_REMEMBERED_COMMITTED;
    }
  };
  private long nextSeq;
  private long fetched;

  Dissemination(FbftConfig config, int self, Authenticator auth, UnaryOperator<byte[]> hash, MessageCodec codec,
      CertificateVerifier verifier, DropCounters drops) {
    this.config = config;
    this.self = self;
    this.auth = auth;
    this.hash = hash;
    this.codec = codec;
    this.verifier = verifier;
    this.drops = drops;
    this.store = new BatchStore(config.retainBlocks());
  }

  /**
   * A restarted creator lost its batches; sequence numbers continue from the clock so that it does
   * not sign a second, different batch under a (creator, seq) it used in its earlier life.
   */
  void start(long nowMillis) {
    nextSeq = Math.max(nextSeq, nowMillis * 1000);
  }

  // ---- creator side (R9.1, R9.3) ----

  /**
   * R9.1: seals up to maxBlockEnvelopes mempool envelopes into one batch and broadcasts it, after
   * returning to the mempool the envelopes of own batches that can no longer be committed (R9.4:
   * every height that may reference them is decided, {@code committedHeight >= sealedAt + W}, and
   * they were not).
   */
  void seal(Mempool mempool, long committedHeight, List<Effect> out) {
    for (var it = own.entrySet().iterator(); it.hasNext(); ) {
      Own o = it.next().getValue();
      if (committedHeight >= o.batch.sealedAt() + config.batchDedupHeights()) {
        LOG.debug("fbft replica {}: batch seq {} expired uncommitted at h={}; resealing its {} envelopes", self,
            o.batch.seq(), committedHeight, o.batch.envelopes().size());
        for (byte[] e : o.batch.envelopes()) {
          if (!mempool.add(e)) {
            drops.count(DropReason.MEMPOOL_FULL);
          }
        }
        it.remove();
      }
    }
    while (mempool.size() > 0 && own.size() < MAX_OWN_UNCOMMITTED) {
      List<byte[]> envelopes = mempool.take(config.maxBlockEnvelopes(), Set.of());
      mempool.removeCommitted(envelopes);
      long seq = nextSeq++;
      Digest d = BatchDigest.of(self, seq, committedHeight, envelopes, hash);
      Batch b = new Batch(self, seq, committedHeight, envelopes, auth.sign(SigningBytes.batch(d)));
      store.add(d, b, true, x -> false);
      Own o = new Own(b);
      o.acks.put(self, auth.sign(SigningBytes.batchAck(d, self, seq, committedHeight, envelopes.size())));
      own.put(d, o);
      out.add(new Effect.Broadcast(b));
      maybeCertify(d, o, out);
      if (mempool.size() < config.maxBlockEnvelopes()) {
        // A partial batch is sealed only at a round change (R9.1); the rest waits for the next one.
        break;
      }
    }
  }

  /** Seals when a full batch is waiting, without waiting for the round to change (R9.1). */
  void sealIfFull(Mempool mempool, long committedHeight, List<Effect> out) {
    if (mempool.size() >= config.maxBlockEnvelopes()) {
      seal(mempool, committedHeight, out);
    }
  }

  void onAck(int from, BatchAck a, List<Effect> out) {
    if (a.signer() != from) {
      drop(DropReason.SENDER_MISMATCH, from, a);
      return;
    }
    Own o = own.get(a.digest());
    if (o == null) {
      // Committed already, or not ours: late acks are normal after a commit.
      drop(DropReason.BATCH_UNKNOWN, from, a);
      return;
    }
    if (o.acks.containsKey(from)) {
      drop(DropReason.DUPLICATE, from, a);
      return;
    }
    Batch b = o.batch;
    if (!verifier.verifySingle(from,
        SigningBytes.batchAck(a.digest(), self, b.seq(), b.sealedAt(), b.envelopes().size()), a.signature())) {
      drop(DropReason.BAD_SIGNATURE, from, a);
      return;
    }
    o.acks.put(from, a.signature());
    maybeCertify(a.digest(), o, out);
  }

  /** R9.3: f + 1 acks, its own included, prove that an honest replica stores the batch. */
  private void maybeCertify(Digest d, Own o, List<Effect> out) {
    if (o.cert != null || o.acks.size() < config.f() + 1) {
      return;
    }
    List<SignerSig> sigs = new ArrayList<>();
    o.acks.forEach((signer, sig) -> sigs.add(new SignerSig(signer, sig)));
    o.cert = new BatchCert(d, self, o.batch.seq(), o.batch.sealedAt(), o.batch.envelopes().size(), sigs);
    out.add(new Effect.Broadcast(o.cert));
    addCertified(o.cert);
  }

  /**
   * Re-sends what may have been lost, on each local timeout: own batches still short of a
   * certificate, and certificates of own batches not yet committed.
   */
  void onLocalTimeout(List<Effect> out) {
    for (Own o : own.values()) {
      out.add(new Effect.Broadcast(o.cert == null ? o.batch : o.cert));
    }
  }

  // ---- receiver side (R9.2, R9.3, R9.5) ----

  /**
   * A batch from its creator is stored and acknowledged; one from anybody else is accepted only
   * if it is a batch this replica asked for (R9.5).
   *
   * @return the digest if the batch is newly held (proposals and commits waiting for it may proceed)
   */
  Optional<Digest> onBatch(int from, Batch b, List<Effect> out) {
    Digest d = BatchDigest.of(b, hash);
    if (b.envelopes().size() > config.maxBlockEnvelopes()) {
      drop(DropReason.OVERSIZE, from, b);
      return Optional.empty();
    }
    Wanted w = wanted.get(d);
    if (w != null) {
      BatchCert c = w.cert();
      if (c.creator() != b.creator() || c.seq() != b.seq() || c.sealedAt() != b.sealedAt()
          || c.envelopeCount() != b.envelopes().size()) {
        drop(DropReason.BATCH_UNSOLICITED, from, b);
        return Optional.empty();
      }
      wanted.remove(d);
      fetched++;
      store.add(d, b, true, x -> false);
      return Optional.of(d);
    }
    if (from != b.creator()) {
      drop(DropReason.BATCH_UNSOLICITED, from, b);
      return Optional.empty();
    }
    if (store.contains(d)) {
      // A re-broadcast after a lost ack: ack again.
      sendAck(d, b, out);
      return Optional.empty();
    }
    if (from != self && !verifier.verifySingle(from, SigningBytes.batch(d), b.signature())) {
      drop(DropReason.BAD_BATCH, from, b);
      return Optional.empty();
    }
    switch (store.add(d, b, false, x -> !certified.containsKey(x))) {
      case QUOTA_FULL -> {
        drop(DropReason.BATCH_QUOTA, from, b);
        return Optional.empty();
      }
      case ALREADY_HELD, ADDED -> {}
    }
    sendAck(d, b, out);
    return Optional.of(d);
  }

  private void sendAck(Digest d, Batch b, List<Effect> out) {
    if (b.creator() == self) {
      return;
    }
    byte[] sig = auth.sign(SigningBytes.batchAck(d, b.creator(), b.seq(), b.sealedAt(), b.envelopes().size()));
    out.add(new Effect.Send(b.creator(), new BatchAck(d, self, sig)));
  }

  /** R9.3: a valid certificate makes the batch proposable; a missing batch is fetched from its signers. */
  void onCert(int from, BatchCert c, List<Effect> out, long now) {
    if (!verifier.verifyBatchCert(c)) {
      drop(DropReason.INVALID_BATCH_CERT, from, c);
      return;
    }
    if (committedDigests.containsKey(c.digest()) || certified.containsKey(c.digest())) {
      drop(DropReason.DUPLICATE, from, c);
      return;
    }
    if (!addCertified(c)) {
      drop(DropReason.BATCH_QUOTA, from, c);
      return;
    }
    if (!store.contains(c.digest())) {
      request(c, from, false, out, now);
    }
  }

  private boolean addCertified(BatchCert c) {
    int count = certifiedPerCreator.getOrDefault(c.creator(), 0);
    if (count >= BatchStore.MAX_UNCOMMITTED_PER_CREATOR) {
      return false;
    }
    certified.put(c.digest(), c);
    certifiedPerCreator.put(c.creator(), count + 1);
    return true;
  }

  void onRequest(int from, BatchRequest r, List<Effect> out) {
    Optional<Batch> b = store.get(r.digest());
    if (b.isEmpty()) {
      drop(DropReason.BATCH_UNKNOWN, from, r);
      return;
    }
    out.add(new Effect.Send(from, b.get()));
  }

  /**
   * R9.5: asks every signer of {@code c} and {@code proposer} (the leader that referenced it, which
   * held it to propose; -1 for none) for the batch, or every replica if {@code everyone}, at most
   * once per base timeout per batch. Every signer acknowledged holding it and at least one of them
   * is honest; but an honest signer that restarted lost its in-memory store, while every replica
   * that voted for a block referencing the batch holds it too, hence the wider retry.
   */
  void request(BatchCert c, int proposer, boolean everyone, List<Effect> out, long now) {
    if (store.contains(c.digest())) {
      return;
    }
    Wanted w = wanted.get(c.digest());
    if (w != null && now - w.askedAt() < config.baseTimeoutMillis()) {
      return;
    }
    if (wanted.size() >= MAX_WANTED) {
      Iterator<Digest> it = wanted.keySet().iterator();
      it.next();
      it.remove();
    }
    wanted.put(c.digest(), new Wanted(c, now));
    BatchRequest r = new BatchRequest(c.digest());
    // The signers did not answer within a base timeout: ask everyone.
    if (everyone || w != null) {
      out.add(new Effect.Broadcast(r));
      return;
    }
    boolean proposerIsSigner = false;
    for (SignerSig s : c.signatures()) {
      proposerIsSigner |= s.signer() == proposer;
      if (s.signer() != self) {
        out.add(new Effect.Send(s.signer(), r));
      }
    }
    if (proposer >= 0 && proposer != self && !proposerIsSigner) {
      out.add(new Effect.Send(proposer, r));
    }
  }

  // ---- consensus side (R9.4, R9.6) ----

  /** A block payload entry as a certificate; empty if it is not one (R9.4). */
  Optional<BatchCert> decodeRef(byte[] entry) {
    if (codec.decode(entry) instanceof MessageCodec.Decoded.Ok ok && ok.message() instanceof BatchCert c) {
      return Optional.of(c);
    }
    return Optional.empty();
  }

  byte[] encodeRef(BatchCert c) {
    return codec.encode(c);
  }

  boolean verify(BatchCert c) {
    return verifier.verifyBatchCert(c);
  }

  boolean holds(Digest d) {
    return store.contains(d);
  }

  /** R9.4: whether a block at {@code height} may reference {@code c}. */
  boolean referenceable(BatchCert c, long height) {
    return c.sealedAt() < height && height - c.sealedAt() <= config.batchDedupHeights();
  }

  /**
   * R9.4: the payload of a block at {@code height}: certified batches this leader holds, in the
   * order their certificates arrived, that the height may reference, skipping {@code excluded}
   * (referenced by ancestors in the dedup window), up to maxBlockEnvelopes envelopes (always at
   * least one batch if any is eligible). Certificates too old for any later block are forgotten.
   */
  List<byte[]> propose(Set<Digest> excluded, long height) {
    List<byte[]> refs = new ArrayList<>();
    int envelopes = 0;
    for (var it = certified.values().iterator(); it.hasNext(); ) {
      BatchCert c = it.next();
      if (height - c.sealedAt() > config.batchDedupHeights()) {
        it.remove();
        certifiedPerCreator.merge(c.creator(), -1, Integer::sum);
        continue;
      }
      if (excluded.contains(c.digest()) || !store.contains(c.digest()) || !referenceable(c, height)) {
        continue;
      }
      if (!refs.isEmpty() && envelopes + c.envelopeCount() > config.maxBlockEnvelopes()) {
        break;
      }
      refs.add(encodeRef(c));
      envelopes += c.envelopeCount();
      if (refs.size() >= config.maxBlockEnvelopes()) {
        break;
      }
    }
    return refs;
  }

  /**
   * R9.6: marks the batches of a committed block committed: no longer proposable, no longer own
   * work, their envelopes gone from the mempool.
   */
  void markCommitted(List<BatchCert> refs, long height, Mempool mempool) {
    for (BatchCert c : refs) {
      committedDigests.put(c.digest(), Boolean.TRUE);
      if (certified.remove(c.digest()) != null) {
        certifiedPerCreator.merge(c.creator(), -1, Integer::sum);
      }
      own.remove(c.digest());
      store.markCommitted(c.digest(), height);
      store.get(c.digest()).ifPresent(b -> mempool.removeCommitted(b.envelopes()));
    }
  }

  /** The held batches {@code block} references, for the WAL record of a vote for it (R3.9). */
  List<Batch> referencedBatches(Block block) {
    List<Batch> out = new java.util.ArrayList<>();
    for (byte[] entry : block.payload()) {
      decodeRef(entry).flatMap(c -> store.get(c.digest())).ifPresent(out::add);
    }
    return out;
  }

  /**
   * A batch from this replica's own WAL (R3.9): it voted for a block referencing it, so a
   * certificate already proved it; held again without quota, like one fetched by request.
   */
  void restore(Batch b) {
    store.add(BatchDigest.of(b, hash), b, true, x -> false);
  }

  /** The envelopes of a held batch whose header matches {@code c}. */
  Optional<List<byte[]>> envelopes(BatchCert c) {
    return store.get(c.digest()).map(Batch::envelopes);
  }

  void gc(long committedHeight) {
    store.gc(committedHeight);
  }

  /** Batches this replica fetched from peers by request (R9.5). */
  long fetched() {
    return fetched;
  }

  int stored() {
    return store.size();
  }

  private void drop(DropReason reason, int from, FbftMessage m) {
    drops.count(reason);
    LOG.debug("fbft replica {}: dropped {} from {}: {}", self, m.kind(), from, reason);
  }
}
