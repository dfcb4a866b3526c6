package org.openbcs.chaincode.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.ledger.queryresult.KV;
import org.hyperledger.fabric.protos.peer.QueryResponse;
import org.hyperledger.fabric.protos.peer.QueryResultBytes;

/**
 * The open result iterators of one transaction. Non-paginated range and history queries are
 * answered in batches of {@link #BATCH_SIZE} (Fabric's MaxResultLimit); the rest waits here until
 * the shim asks with QUERY_STATE_NEXT or closes it. Used under the transaction's simulator lease,
 * so it needs no locking of its own.
 */
final class QueryIterators {
  /** Results per QueryResponse of a non-paginated query (Fabric's default MaxResultLimit). */
  static final int BATCH_SIZE = 100;

  /** Open iterators one transaction may hold; a leaking contract fails instead of growing. */
  static final int MAX_OPEN_ITERATORS_PER_TX = 64;

  private final Map<String, Pending> open = new HashMap<>();
  private long nextId;

  /** Where a pending iterator has got to. */
  private static final class Pending {
    final List<QueryResultBytes> results;
    int position;

    Pending(List<QueryResultBytes> results) {
      this.results = results;
    }
  }

  static QueryResultBytes kv(String namespace, String key, byte[] value) {
    return QueryResultBytes.newBuilder()
        .setResultBytes(
            KV.newBuilder()
                .setNamespace(namespace)
                .setKey(key)
                .setValue(com.google.protobuf.ByteString.copyFrom(value))
                .build()
                .toByteString())
        .build();
  }

  String newId() {
    return "it" + (nextId++);
  }

  /** First batch of a fresh query; keeps the remainder open if there is more. */
  QueryResponse start(List<QueryResultBytes> results) {
    String id = newId();
    if (results.size() <= BATCH_SIZE) {
      return QueryResponse.newBuilder().addAllResults(results).setHasMore(false).setId(id).build();
    }
    if (open.size() >= MAX_OPEN_ITERATORS_PER_TX) {
      throw new IllegalStateException(
          "too many open query iterators in this transaction (limit "
              + MAX_OPEN_ITERATORS_PER_TX
              + "); close iterators after use");
    }
    Pending p = new Pending(results);
    open.put(id, p);
    return nextBatch(id, p);
  }

  QueryResponse next(String id) {
    Pending p = open.get(id);
    if (p == null) {
      throw new IllegalStateException("query iterator '" + id + "' not found (closed or exhausted)");
    }
    return nextBatch(id, p);
  }

  QueryResponse close(String id) {
    open.remove(id);
    return QueryResponse.newBuilder().setHasMore(false).setId(id).build();
  }

  int openCount() {
    return open.size();
  }

  void clear() {
    open.clear();
  }

  private QueryResponse nextBatch(String id, Pending p) {
    int end = Math.min(p.position + BATCH_SIZE, p.results.size());
    QueryResponse.Builder b =
        QueryResponse.newBuilder().addAllResults(p.results.subList(p.position, end)).setId(id);
    p.position = end;
    boolean more = end < p.results.size();
    b.setHasMore(more);
    if (!more) {
      open.remove(id);
    }
    return b.build();
  }
}
