package org.openbcs.fbft.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.message.BatchDigest;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage.Batch;

/** R9.2 bounds: a creator's quota, eviction of what nobody certified, and the committed retain window. */
class BatchStoreTest {
  private static final UnaryOperator<byte[]> HASH = CryptoSuites.defaultSuite()::hash;

  private static Batch batch(int creator, long seq) {
    return new Batch(creator, seq, 0, List.of(("e-" + creator + "-" + seq).getBytes()), new byte[0]);
  }

  private static Digest digest(Batch b) {
    return BatchDigest.of(b, HASH);
  }

  @Test
  void oneCreatorFillsOnlyItsOwnQuotaAndItsOldestUncertifiedBatchMakesRoom() {
    BatchStore store = new BatchStore(10);
    int quota = BatchStore.MAX_UNCOMMITTED_PER_CREATOR;
    List<Digest> fromByzantine = new ArrayList<>();
    for (int seq = 0; seq < quota; seq++) {
      Batch b = batch(3, seq);
      fromByzantine.add(digest(b));
      assertThat(store.add(digest(b), b, false, d -> true)).isEqualTo(BatchStore.Added.ADDED);
    }
    // Another creator is unaffected.
    Batch honest = batch(1, 0);
    assertThat(store.add(digest(honest), honest, false, d -> true)).isEqualTo(BatchStore.Added.ADDED);
    // The full creator's next batch evicts its oldest uncertified one.
    Batch next = batch(3, quota);
    assertThat(store.add(digest(next), next, false, d -> true)).isEqualTo(BatchStore.Added.ADDED);
    assertThat(store.contains(fromByzantine.get(0))).isFalse();
    assertThat(store.contains(digest(next))).isTrue();
    assertThat(store.size()).isEqualTo(quota + 1);
  }

  @Test
  void whenEveryBatchOfTheCreatorIsCertifiedANewOneIsRefusedUnlessACertificateForcesIt() {
    BatchStore store = new BatchStore(10);
    Set<Digest> certified = new java.util.HashSet<>();
    for (int seq = 0; seq < BatchStore.MAX_UNCOMMITTED_PER_CREATOR; seq++) {
      Batch b = batch(2, seq);
      certified.add(digest(b));
      store.add(digest(b), b, false, d -> !certified.contains(d));
    }
    Batch extra = batch(2, 999);
    assertThat(store.add(digest(extra), extra, false, d -> !certified.contains(d))).isEqualTo(BatchStore.Added.QUOTA_FULL);
    assertThat(store.add(digest(extra), extra, true, d -> false)).isEqualTo(BatchStore.Added.ADDED);
    assertThat(store.add(digest(extra), extra, true, d -> false)).isEqualTo(BatchStore.Added.ALREADY_HELD);
  }

  @Test
  void committedBatchesLeaveTheQuotaAndAreDroppedBeyondTheRetainWindow() {
    BatchStore store = new BatchStore(10);
    Batch old = batch(0, 1);
    Batch recent = batch(0, 2);
    store.add(digest(old), old, false, d -> true);
    store.add(digest(recent), recent, false, d -> true);
    store.markCommitted(digest(old), 5);
    store.markCommitted(digest(recent), 12);
    store.gc(15);
    assertThat(store.contains(digest(old))).isTrue();
    store.gc(16);
    assertThat(store.contains(digest(old))).isFalse();
    assertThat(store.contains(digest(recent))).isTrue();
    // Committed batches no longer count: the creator has its whole quota again.
    for (int seq = 10; seq < 10 + BatchStore.MAX_UNCOMMITTED_PER_CREATOR; seq++) {
      Batch b = batch(0, seq);
      assertThat(store.add(digest(b), b, false, d -> false)).isEqualTo(BatchStore.Added.ADDED);
    }
  }
}
