package org.openbcs.fbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.fbft.protocol.DropReason;

/**
 * Payload dissemination (spec section 9) in named scenarios: the batch layer's attacks, each
 * refused with its counted reason while every invariant (I1..I7) holds, and the mempool gap of
 * section 10 item 3 closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchSimTest {

  private static SimConfig.Builder batches(long seed, int n) {
    return SimConfig.builder(seed, n).batches(true);
  }

  private static SimResult ok(Simulation sim) {
    SimResult r = sim.run();
    assertThat(r.failure()).as("invariants").isEmpty();
    return r;
  }

  private static long count(SimResult r, DropReason reason) {
    return r.drops().getOrDefault(reason, 0L);
  }

  @Test
  void happyPathCommitsEverySubmittedEnvelopeThroughBatches() {
    Simulation sim = new Simulation(batches(1, 4).gst(0).livenessBound(1000).build());
    SimResult r = ok(sim);
    assertThat(r.minHonestHeight()).isGreaterThan(50);
    // Envelopes submitted early enough to be sealed, certified, referenced and committed.
    List<byte[]> submitted = sim.submittedEnvelopes();
    List<byte[]> early = submitted.subList(0, submitted.size() - 20);
    for (int node = 0; node < 4; node++) {
      for (byte[] e : early) {
        assertThat(sim.committedEnvelope(node, e)).as("replica %d committed %s", node, new String(e)).isTrue();
      }
    }
    // Nothing is dropped as invalid on the happy path.
    assertThat(r.drops().keySet()).doesNotContain(DropReason.INVALID_BATCH_CERT, DropReason.DUPLICATE_BATCH,
        DropReason.BAD_BATCH, DropReason.BATCH_QUOTA, DropReason.BATCH_HISTORY_UNKNOWN);
  }

  @Test
  void aForgedOrUncertifiedBatchReferenceIsRefused() {
    SimResult r = ok(new Simulation(batches(2, 4).gst(0).livenessBound(1500)
        .byzantine(0, Byzantine.BATCH_FORGE_CERT).build()));
    assertThat(count(r, DropReason.INVALID_BATCH_CERT)).isPositive();
    assertThat(r.minHonestHeight()).isGreaterThan(30);
  }

  @Test
  void aBatchReferencedAgainByALaterBlockIsRefusedAndDeliveredOnce() {
    SimResult r = ok(new Simulation(batches(3, 4).gst(0).livenessBound(1500)
        .byzantine(1, Byzantine.BATCH_REPEAT).build()));
    // I6 (checked on every commit): no replica's chain delivers a batch twice.
    assertThat(count(r, DropReason.DUPLICATE_BATCH)).isPositive();
    assertThat(r.minHonestHeight()).isGreaterThan(30);
  }

  @Test
  void aWrongAnswerToABatchRequestIsRefused() {
    // Replica 3 is cut off before GST and misses batches; afterwards it fetches them from the
    // certificates' signers, which include the liar.
    long unsolicited = 0;
    long fetched = 0;
    for (long seed = 10; seed < 15; seed++) {
      SimResult r = ok(new Simulation(batches(seed, 4).gst(400).partition(0, 300, java.util.Set.of(3))
          .byzantine(0, Byzantine.BATCH_WRONG_ANSWER).build()));
      unsolicited += count(r, DropReason.BATCH_UNSOLICITED);
      fetched += r.batchesFetched();
    }
    assertThat(unsolicited).isPositive();
    assertThat(fetched).isPositive();
  }

  @Test
  void aCreatorThatSendsItsBatchesToOneReplicaStillGetsThemOrderedByFetching() {
    Simulation sim = new Simulation(batches(4, 4).gst(0).livenessBound(1500)
        .byzantine(0, Byzantine.BATCH_PARTIAL).clientsOf(0).build());
    SimResult r = ok(sim);
    // Only replica 1 received them: the others fetched each one from the certificate's signers.
    assertThat(r.batchesFetched()).isPositive();
    List<byte[]> submitted = sim.submittedEnvelopes();
    for (byte[] e : submitted.subList(0, submitted.size() - 30)) {
      for (int node = 1; node < 4; node++) {
        assertThat(sim.committedEnvelope(node, e)).as("replica %d committed %s", node, new String(e)).isTrue();
      }
    }
  }

  @Test
  void aReplicaThatNeverAcknowledgesDoesNotStopCertificates() {
    // f + 1 = 2 acks: the creator's own and one of the two honest others.
    Simulation sim = new Simulation(batches(5, 4).gst(0).livenessBound(1500)
        .byzantine(2, Byzantine.BATCH_NO_ACK).clientsOf(1).build());
    ok(sim);
    List<byte[]> submitted = sim.submittedEnvelopes();
    for (byte[] e : submitted.subList(0, submitted.size() - 20)) {
      assertThat(sim.committedEnvelope(0, e)).as("committed %s", new String(e)).isTrue();
    }
  }

  /**
   * Section 10 item 3: envelopes are not forwarded, so by value a replica that never gets to lead
   * never gets its clients' envelopes ordered. With batches any leader orders them.
   */
  @Test
  void aReplicaSkippedAsLeaderStillGetsItsClientsEnvelopesCommitted() {
    Simulation byValue = new Simulation(SimConfig.builder(6, 4).gst(0).livenessBound(1500)
        .byzantine(0, Byzantine.SILENT_LEADER).clientsOf(0).build());
    ok(byValue);
    assertThat(byValue.submittedEnvelopes()).isNotEmpty()
        .noneMatch(e -> byValue.committedEnvelope(1, e));

    Simulation withBatches = new Simulation(batches(6, 4).gst(0).livenessBound(1500)
        .byzantine(0, Byzantine.SILENT_LEADER).clientsOf(0).build());
    ok(withBatches);
    List<byte[]> submitted = withBatches.submittedEnvelopes();
    assertThat(submitted).hasSizeGreaterThan(100);
    for (byte[] e : submitted.subList(0, submitted.size() - 20)) {
      for (int node = 1; node < 4; node++) {
        assertThat(withBatches.committedEnvelope(node, e)).as("replica %d committed %s", node, new String(e)).isTrue();
      }
    }
    // It was skipped: the honest replicas led the blocks.
    assertThat(withBatches.replica(1).skipped(0, withBatches.replica(1).currentRound() + 1)).isTrue();
  }
}
