package org.openbcs.peer.committer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.openbcs.common.log.LogContext;
import org.openbcs.common.Invariants;
import org.openbcs.common.Verdict;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.Identity;
import org.openbcs.ledger.CommitResult;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.policy.EndorsementPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates and commits the blocks of one channel. Three phases, as FastFabric recommends:
 * structural checks per envelope (cheap), ONE batched {@link SignatureVerifier#verifyAll} call for
 * every creator and endorsement signature of the block (parallel, cached), then endorsement
 * policies; the ledger then runs MVCC / duplicate-txid checks and writes everything atomically.
 *
 * <p>Called by one thread per channel (the block puller); not thread-safe.
 */
public final class BlockCommitter {
  private static final Logger log = LoggerFactory.getLogger(BlockCommitter.class);

  private final PeerChannel channel;
  private final EnvelopeInspector inspector;
  private final ValidationCounters counters = new ValidationCounters();
  private final TimeSource time;
  /**
   * The commit of the last block that changed chaincode definitions (a VALID-looking _lifecycle
   * write or a config envelope): the next block's endorsement policies depend on it, so its
   * validation waits for that commit.
   */
  private CompletableFuture<CommitResult> definitionsChange;

  public BlockCommitter(PeerChannel channel) {
    this(channel, TimeSource.SYSTEM);
  }

  /** {@code time} times the phases for the DEBUG log. */
  public BlockCommitter(PeerChannel channel, TimeSource time) {
    this.channel = channel;
    this.time = time;
    this.inspector =
        new EnvelopeInspector(channel, EndorsementPolicies.channelMajority(channel.config(), channel.msps()));
  }

  /** The tip including blocks accepted by {@link #commitAsync} but not yet durable. */
  public PeerLedger.Tip tip() {
    return channel.ledger().acceptedTip();
  }

  /**
   * As {@link #commit}, pipelined: validates {@code block} and hands it to the ledger's commit
   * pipeline, returning once the ledger accepted it; the future completes when it is durable and
   * its state written. Validation of the next block overlaps this block's write and fsync, except
   * after a block that changes chaincode definitions (its policies must be in state first). Same
   * single-caller contract as {@link #commit}.
   *
   * @throws org.openbcs.ledger.LedgerException if the block does not follow the accepted tip or an
   *     earlier pipelined commit failed
   */
  public CompletableFuture<CommitResult> commitAsync(Block block) {
    long blockNum = block.getHeader().getNumber();
    try (LogContext.Scope ctx = LogContext.block(channel.channelId(), blockNum)) {
      awaitDefinitionsChange(blockNum);
      Validation validation = validateTimed(block);
      byte[] codes = validation.codes();
      CompletableFuture<CommitResult> done = channel.ledger().commitAsync(block, codes);
      if (validation.changesDefinitions()) {
        definitionsChange = done;
      }
      String channelId = channel.channelId();
      return done.thenApply(
          result -> {
            try (LogContext.Scope c = LogContext.block(channelId, blockNum)) {
              return recordOutcome(blockNum, validation, result);
            }
          });
    }
  }

  private void awaitDefinitionsChange(long blockNum) {
    if (definitionsChange == null) {
      return;
    }
    try {
      definitionsChange.join();
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new org.openbcs.ledger.LedgerException(
          "block " + blockNum + ": an earlier block that changed chaincode definitions failed to commit: " + cause,
          cause);
    } finally {
      definitionsChange = null;
    }
  }

  private CommitResult recordOutcome(long blockNum, Validation validation, CommitResult result) {
    byte[] codes = validation.codes();
    Invariants.check(
        result.validationCodes().length == codes.length,
        "ledger returned %d codes for %d envelopes in block %d",
        result.validationCodes().length,
        codes.length,
        blockNum);
    counters.add(result.validationCodes());
    logLedgerDecisions(blockNum, validation.txIds(), codes, result.validationCodes());
    return result;
  }

  /**
   * Validates {@code block} and commits it with its TRANSACTIONS_FILTER.
   *
   * @throws org.openbcs.ledger.LedgerException if the block does not follow the ledger's chain
   */
  public CommitResult commit(Block block) {
    try (LogContext.Scope ctx = LogContext.block(channel.channelId(), block.getHeader().getNumber())) {
      return commitInContext(block);
    }
  }

  private CommitResult commitInContext(Block block) {
    long blockNum = block.getHeader().getNumber();
    long start = time.monotonicNanos();
    awaitDefinitionsChange(blockNum);
    Validation validation = validateTimed(block);
    byte[] codes = validation.codes();
    long verified = time.monotonicNanos();
    CommitResult result = channel.ledger().commit(block, codes);
    long committed = time.monotonicNanos();
    recordOutcome(blockNum, validation, result);
    if (log.isDebugEnabled()) {
      log.debug(
          "[{}] committed block {} with {} txs, {} signatures: validate {} ms (inspect {} ms, verify {} ms,"
              + " policies {} ms), commit {} ms",
          channel.channelId(),
          blockNum,
          codes.length,
          validation.signatures(),
          (verified - start) / 1_000_000,
          validation.inspectNanos() / 1_000_000,
          validation.verifyNanos() / 1_000_000,
          validation.policyNanos() / 1_000_000,
          (committed - verified) / 1_000_000);
    }
    return result;
  }

  /** Counts of final validation codes of all committed transactions since this object was built. */
  public ValidationCounters counters() {
    return counters;
  }

  /** Pre-validation codes and where the time went. */
  private record Validation(
      byte[] codes,
      String[] txIds,
      int signatures,
      long inspectNanos,
      long verifyNanos,
      long policyNanos,
      boolean changesDefinitions) {}

  /** Pre-validation codes (before MVCC), one per envelope. Does not touch the ledger's state. */
  byte[] validate(Block block) {
    return validateTimed(block).codes();
  }

  private Validation validateTimed(Block block) {
    long t0 = time.monotonicNanos();
    long blockNum = block.getHeader().getNumber();
    int n = block.getData().getDataCount();
    List<SignatureVerifier.Request> batch = new ArrayList<>(n * 3);
    List<TxCheck> checks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      checks.add(inspector.inspect(blockNum, block.getData().getData(i), batch));
    }
    long t1 = time.monotonicNanos();
    boolean[] ok = batch.isEmpty() ? new boolean[0] : channel.verifier().verifyAll(batch);
    long t2 = time.monotonicNanos();
    Invariants.check(ok.length == batch.size(), "verifier answered %d of %d requests", ok.length, batch.size());

    byte[] codes = new byte[n];
    String[] txIds = new String[n];
    boolean changesDefinitions = false;
    for (int i = 0; i < n; i++) {
      TxCheck check = checks.get(i);
      txIds[i] = check.txId();
      Verdict verdict;
      TxValidationCode code;
      switch (check) {
        case TxCheck.Accepted a -> {
          code = TxValidationCode.VALID;
          verdict = Verdict.accept();
        }
        case TxCheck.Rejected r -> {
          code = r.code();
          verdict = Verdict.reject(r.reason());
        }
        case TxCheck.Pending p -> {
          if (!ok[p.creatorRequest()]) {
            code = TxValidationCode.BAD_CREATOR_SIGNATURE;
            verdict = Verdict.reject("creator signature over the payload does not verify");
          } else {
            List<Identity> endorsers = validEndorsers(p, ok);
            verdict = p.policy().evaluate(endorsers);
            code = verdict.accepted() ? TxValidationCode.VALID : TxValidationCode.ENDORSEMENT_POLICY_FAILURE;
            int dropped = p.endorsers().size() - endorsers.size();
            if (!verdict.accepted() && dropped > 0) {
              verdict = Verdict.reject(verdict.reason() + "; " + dropped + " endorsement signature(s) did not verify");
            }
            if (!verdict.accepted() && !p.rejectedEndorsers().isEmpty()) {
              verdict = Verdict.reject(verdict.reason() + "; " + String.join("; ", p.rejectedEndorsers()));
            }
          }
        }
      }
      codes[i] = (byte) code.getNumber();
      if (code == TxValidationCode.VALID
          && (check instanceof TxCheck.Accepted
              || (check instanceof TxCheck.Pending p && EnvelopeInspector.LIFECYCLE.equals(p.chaincode())))) {
        changesDefinitions = true;
      }
      if (!verdict.accepted()) {
        try (LogContext.Scope tx = LogContext.tx(channel.channelId(), check.txId())) {
          log.info(
              "[{}] block {} tx {} ({}) invalid: {}: {}",
              channel.channelId(),
              blockNum,
              i,
              check.txId(),
              code,
              verdict.reason());
        }
      }
    }
    return new Validation(
        codes, txIds, batch.size(), t1 - t0, t2 - t1, time.monotonicNanos() - t2, changesDefinitions);
  }

  /** Endorsers whose signature verified; bad signatures are dropped, the policy then decides. */
  private static List<Identity> validEndorsers(TxCheck.Pending p, boolean[] ok) {
    List<Identity> out = new ArrayList<>(p.endorsers().size());
    for (TxCheck.Endorser e : p.endorsers()) {
      if (ok[e.request()]) {
        out.add(e.identity());
      }
    }
    return out;
  }

  /** MVCC, phantom and duplicate decisions are the ledger's; log them like ours. */
  private void logLedgerDecisions(long blockNum, String[] txIds, byte[] pre, byte[] post) {
    for (int i = 0; i < pre.length; i++) {
      if (pre[i] == 0 && post[i] != 0) {
        try (LogContext.Scope tx = LogContext.tx(channel.channelId(), txIds[i])) {
          log.info(
              "[{}] block {} tx {} ({}) invalid: {}",
              channel.channelId(),
              blockNum,
              i,
              txIds[i],
              TxValidationCode.forNumber(post[i] & 0xff));
        }
      }
    }
  }
}
