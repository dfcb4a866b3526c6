package org.openbcs.chaincode.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.hyperledger.fabric.protos.peer.QueryResponse;
import org.hyperledger.fabric.protos.peer.QueryResultBytes;

class QueryIteratorsTest {

  private static List<QueryResultBytes> results(int n) {
    List<QueryResultBytes> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(QueryIterators.kv("ns", String.format("k%05d", i), new byte[] {(byte) i}));
    }
    return out;
  }

  @Property(tries = 50)
  void batchesReassembleTheResultsInOrder(@ForAll @IntRange(min = 0, max = 1000) int n) {
    QueryIterators it = new QueryIterators();
    List<QueryResultBytes> input = results(n);
    QueryResponse r = it.start(input);
    List<QueryResultBytes> seen = new ArrayList<>(r.getResultsList());
    int batches = 1;
    while (r.getHasMore()) {
      assertThat(r.getResultsCount()).isEqualTo(QueryIterators.BATCH_SIZE);
      r = it.next(r.getId());
      seen.addAll(r.getResultsList());
      batches++;
    }
    assertThat(seen).isEqualTo(input);
    assertThat(batches).isEqualTo(Math.max(1, (n + QueryIterators.BATCH_SIZE - 1) / QueryIterators.BATCH_SIZE));
    assertThat(it.openCount()).isZero();
  }

  @Property(tries = 10)
  void openIteratorsAreBounded(@ForAll @IntRange(min = 101, max = 300) int n) {
    QueryIterators it = new QueryIterators();
    for (int i = 0; i < QueryIterators.MAX_OPEN_ITERATORS_PER_TX; i++) {
      assertThat(it.start(results(n)).getHasMore()).isTrue();
    }
    assertThatThrownBy(() -> it.start(results(n))).hasMessageContaining("too many open query iterators");
    // Small results need no open iterator and are still answered.
    assertThat(it.start(results(3)).getResultsCount()).isEqualTo(3);
  }
}
