package org.openbcs.chaincode.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.DelState;
import org.hyperledger.fabric.protos.peer.GetHistoryForKey;
import org.hyperledger.fabric.protos.peer.GetState;
import org.hyperledger.fabric.protos.peer.GetStateByRange;
import org.hyperledger.fabric.protos.peer.PutState;
import org.hyperledger.fabric.protos.peer.QueryMetadata;
import org.hyperledger.fabric.protos.peer.QueryResponse;
import org.hyperledger.fabric.protos.peer.QueryResponseMetadata;
import org.hyperledger.fabric.protos.peer.QueryResultBytes;
import org.hyperledger.fabric.protos.peer.QueryStateClose;
import org.hyperledger.fabric.protos.peer.QueryStateNext;
import org.hyperledger.fabric.protos.ledger.queryresult.KeyModification;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.ledger.StatePage;
import org.openbcs.ledger.VersionedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests a chaincode makes while a transaction executes (GET_STATE, range and
 * history queries, INVOKE_CHAINCODE, ...). Every request gets exactly one reply, RESPONSE or
 * ERROR: a request left unanswered would block the chaincode's thread until its own timeout.
 */
final class ShimRequestHandler {
  private static final Logger log = LoggerFactory.getLogger(ShimRequestHandler.class);

  static final String RICH_QUERY_UNSUPPORTED =
      "rich queries (GET_QUERY_RESULT) are not supported: the state database is RocksDB";
  static final String PRIVATE_DATA_UNSUPPORTED = "private data collections are not supported";
  static final String STATE_METADATA_UNSUPPORTED =
      "state metadata (key-level endorsement policies) is not supported";
  static final String CROSS_CHANNEL_UNSUPPORTED = "cross-channel invocation not supported";

  /** Runs a chaincode-to-chaincode call; the answer is the callee's COMPLETED or ERROR message. */
  interface CalleeRunner {
    ChaincodeMessage invokeCallee(String calleeName, TxContext caller, ChaincodeSpec spec);
  }

  private final CalleeRunner callees;

  ShimRequestHandler(CalleeRunner callees) {
    this.callees = callees;
  }

  ChaincodeMessage handle(TxContext ctx, ChaincodeMessage request) {
    ChaincodeMessage.Type type = request.getType();
    try {
      return switch (type) {
        case INVOKE_CHAINCODE -> invokeChaincode(ctx, request);
        case GET_STATE, PUT_STATE, DEL_STATE, GET_STATE_BY_RANGE, QUERY_STATE_NEXT,
            QUERY_STATE_CLOSE, GET_HISTORY_FOR_KEY ->
            ctx.lease().use(() -> ShimMessages.response(request, ledgerRequest(ctx, request)));
        default -> ShimMessages.error(request, unsupported(type));
      };
    } catch (RuntimeException e) {
      log.debug(
          "channel={} tx={} chaincode={}: {} failed", ctx.channelId(), ctx.txId(), ctx.namespace(), type, e);
      return ShimMessages.error(request, type + " failed: " + messageOf(e));
    }
  }

  private ByteString ledgerRequest(TxContext ctx, ChaincodeMessage request) {
    String ns = ctx.namespace();
    ByteString payload = request.getPayload();
    try {
      return switch (request.getType()) {
        case GET_STATE -> {
          GetState m = GetState.parseFrom(payload);
          requirePublic(m.getCollection());
          byte[] value = ctx.simulator().getState(ns, m.getKey());
          yield value == null ? ByteString.EMPTY : ByteString.copyFrom(value);
        }
        case PUT_STATE -> {
          PutState m = PutState.parseFrom(payload);
          requirePublic(m.getCollection());
          ctx.simulator().putState(ns, m.getKey(), m.getValue().toByteArray());
          yield ByteString.EMPTY;
        }
        case DEL_STATE -> {
          DelState m = DelState.parseFrom(payload);
          requirePublic(m.getCollection());
          ctx.simulator().deleteState(ns, m.getKey());
          yield ByteString.EMPTY;
        }
        case GET_STATE_BY_RANGE -> range(ctx, GetStateByRange.parseFrom(payload)).toByteString();
        case QUERY_STATE_NEXT ->
            ctx.iterators().next(QueryStateNext.parseFrom(payload).getId()).toByteString();
        case QUERY_STATE_CLOSE ->
            ctx.iterators().close(QueryStateClose.parseFrom(payload).getId()).toByteString();
        case GET_HISTORY_FOR_KEY -> history(ctx, GetHistoryForKey.parseFrom(payload).getKey());
        default ->
            throw new IllegalStateException("not a ledger request: " + request.getType());
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("malformed payload: " + e.getMessage(), e);
    }
  }

  private static QueryResponse range(TxContext ctx, GetStateByRange m)
      throws InvalidProtocolBufferException {
    requirePublic(m.getCollection());
    QueryMetadata metadata =
        m.getMetadata().isEmpty()
            ? QueryMetadata.getDefaultInstance()
            : QueryMetadata.parseFrom(m.getMetadata());
    boolean paginated = metadata.getPageSize() > 0;
    StatePage page =
        ctx.simulator()
            .getStateRange(
                ctx.namespace(),
                m.getStartKey(),
                m.getEndKey(),
                paginated ? metadata.getPageSize() : 0,
                paginated ? metadata.getBookmark() : "");
    List<QueryResultBytes> results = new ArrayList<>(page.results().size());
    for (VersionedValue v : page.results()) {
      results.add(QueryIterators.kv(ctx.namespace(), v.key(), v.value()));
    }
    if (!paginated) {
      return ctx.iterators().start(results);
    }
    // A page is answered in one message; the shim still closes its id afterwards.
    return QueryResponse.newBuilder()
        .addAllResults(results)
        .setHasMore(false)
        .setId(ctx.iterators().newId())
        .setMetadata(
            QueryResponseMetadata.newBuilder()
                .setFetchedRecordsCount(results.size())
                .setBookmark(page.bookmark())
                .build()
                .toByteString())
        .build();
  }

  private static ByteString history(TxContext ctx, String key) {
    List<org.openbcs.ledger.KeyModification> mods = ctx.simulator().getHistory(ctx.namespace(), key);
    List<QueryResultBytes> results = new ArrayList<>(mods.size());
    for (org.openbcs.ledger.KeyModification mod : mods) {
      long millis = mod.timestampMillis();
      KeyModification.Builder b =
          KeyModification.newBuilder()
              .setTxId(mod.txId())
              .setIsDelete(mod.isDelete())
              .setTimestamp(
                  Timestamp.newBuilder()
                      .setSeconds(Math.floorDiv(millis, 1000))
                      .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000));
      if (mod.value() != null) {
        b.setValue(ByteString.copyFrom(mod.value()));
      }
      results.add(QueryResultBytes.newBuilder().setResultBytes(b.build().toByteString()).build());
    }
    return ctx.iterators().start(results).toByteString();
  }

  private ChaincodeMessage invokeChaincode(TxContext ctx, ChaincodeMessage request) {
    ChaincodeSpec spec;
    try {
      spec = ChaincodeSpec.parseFrom(request.getPayload());
    } catch (InvalidProtocolBufferException e) {
      return ShimMessages.error(request, "INVOKE_CHAINCODE failed: malformed ChaincodeSpec: " + e.getMessage());
    }
    String target = spec.getChaincodeId().getName();
    int slash = target.indexOf('/');
    String callee = slash < 0 ? target : target.substring(0, slash);
    String channel = slash < 0 ? "" : target.substring(slash + 1);
    if (!channel.isEmpty() && !channel.equals(ctx.channelId())) {
      return ShimMessages.error(request, CROSS_CHANNEL_UNSUPPORTED);
    }
    if (callee.isEmpty()) {
      return ShimMessages.error(request, "INVOKE_CHAINCODE failed: no chaincode name given");
    }
    try {
      ChaincodeMessage answer = callees.invokeCallee(callee, ctx, spec);
      return ShimMessages.response(request, answer.toByteString());
    } catch (ChaincodeException e) {
      return ShimMessages.error(request, "INVOKE_CHAINCODE failed: " + e.getMessage());
    }
  }

  private static void requirePublic(String collection) {
    if (!collection.isEmpty()) {
      throw new UnsupportedOperationException(
          PRIVATE_DATA_UNSUPPORTED + " (collection '" + collection + "')");
    }
  }

  static String unsupported(ChaincodeMessage.Type type) {
    return switch (type) {
      case GET_QUERY_RESULT -> RICH_QUERY_UNSUPPORTED;
      case GET_PRIVATE_DATA_HASH, PURGE_PRIVATE_DATA -> PRIVATE_DATA_UNSUPPORTED + " (" + type + ")";
      case GET_STATE_METADATA, PUT_STATE_METADATA -> STATE_METADATA_UNSUPPORTED + " (" + type + ")";
      case GET_STATE_MULTIPLE, WRITE_BATCH_STATE ->
          type + " is not supported: the peer did not offer it in READY";
      default -> "unexpected message type " + type + " from the chaincode during a transaction";
    };
  }

  private static String messageOf(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
