package org.openbcs.chaincode.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.ledger.queryresult.KV;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.GetQueryResult;
import org.hyperledger.fabric.protos.peer.GetState;
import org.hyperledger.fabric.protos.peer.GetStateByRange;
import org.hyperledger.fabric.protos.peer.PutState;
import org.hyperledger.fabric.protos.peer.QueryMetadata;
import org.hyperledger.fabric.protos.peer.QueryResponse;
import org.hyperledger.fabric.protos.peer.QueryResponseMetadata;
import org.hyperledger.fabric.protos.peer.QueryStateClose;
import org.hyperledger.fabric.protos.peer.QueryStateNext;
import org.hyperledger.fabric.protos.peer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.ChaincodeInvocation;
import org.openbcs.chaincode.ChaincodeResult;
import org.openbcs.chaincode.testing.FakeTxSimulator;
import org.openbcs.chaincode.testing.FakeWorldState;
import org.openbcs.chaincode.testing.TestProposals;

/** The peer side of the shim protocol, message by message, against a scripted chaincode. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShimProtocolTest {
  private static final String PKG = "fake:0123";
  private static final String CC = "cc";

  private final TestProposals proposals = new TestProposals();
  private final FakeWorldState world = new FakeWorldState();
  private ChaincodeSupport support;
  private InetSocketAddress listener;
  private FakeShim shim;

  @BeforeEach
  void start() throws InterruptedException {
    support = new ChaincodeSupport();
    listener = support.listen("127.0.0.1", 0, null);
    support.bind(CC, PKG);
    shim = new FakeShim(listener).register(PKG);
    seed(250);
  }

  @AfterEach
  void stop() {
    shim.close();
    support.close();
  }

  private void seed(int n) {
    FakeTxSimulator seeder = new FakeTxSimulator(world, "seed");
    for (int i = 0; i < n; i++) {
      seeder.putState(CC, String.format("k%03d", i), ("v" + i).getBytes(StandardCharsets.UTF_8));
    }
    world.commit(seeder, 1_000);
  }

  private CompletableFuture<ChaincodeResult> executeAsync(ChaincodeInvocation inv, Duration timeout) {
    FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
    return CompletableFuture.supplyAsync(() -> support.execute(inv, sim, timeout));
  }

  private static ByteString ok(String payload) {
    return Response.newBuilder()
        .setStatus(200)
        .setPayload(ByteString.copyFrom(payload, StandardCharsets.UTF_8))
        .build()
        .toByteString();
  }

  @Test
  void transactionCarriesInputAndProposalAndEventIsStamped() throws Exception {
    ChaincodeInvocation inv = proposals.invocation(CC, "Fn", "a1");
    CompletableFuture<ChaincodeResult> result = executeAsync(inv, Duration.ofSeconds(10));

    ChaincodeMessage tx = shim.take();
    assertThat(tx.getType()).isEqualTo(ChaincodeMessage.Type.TRANSACTION);
    assertThat(tx.getTxid()).isEqualTo(inv.txId());
    assertThat(tx.getChannelId()).isEqualTo(TestProposals.CHANNEL);
    assertThat(ChaincodeInput.parseFrom(tx.getPayload())).isEqualTo(inv.input());
    assertThat(tx.getProposal()).isEqualTo(inv.signedProposal());

    shim.send(
        ChaincodeMessage.newBuilder()
            .setType(ChaincodeMessage.Type.COMPLETED)
            .setChannelId(tx.getChannelId())
            .setTxid(tx.getTxid())
            .setPayload(ok("done"))
            .setChaincodeEvent(
                ChaincodeEvent.newBuilder().setEventName("Evt").setPayload(ByteString.copyFromUtf8("p")))
            .build());

    ChaincodeResult r = result.get(10, TimeUnit.SECONDS);
    assertThat(r.response().getStatus()).isEqualTo(200);
    assertThat(r.response().getPayload().toStringUtf8()).isEqualTo("done");
    assertThat(r.event().getEventName()).isEqualTo("Evt");
    assertThat(r.event().getChaincodeId()).isEqualTo(CC);
    assertThat(r.event().getTxId()).isEqualTo(inv.txId());
  }

  @Test
  void stateRequestsUseTheChaincodeNamespaceAndEchoIds() throws Exception {
    ChaincodeInvocation inv = proposals.invocation(CC, "Fn");
    FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
    CompletableFuture<ChaincodeResult> result =
        CompletableFuture.supplyAsync(() -> support.execute(inv, sim, Duration.ofSeconds(10)));
    ChaincodeMessage tx = shim.take();

    shim.request(tx, ChaincodeMessage.Type.GET_STATE, GetState.newBuilder().setKey("k007").build());
    ChaincodeMessage got = shim.take();
    assertThat(got.getType()).isEqualTo(ChaincodeMessage.Type.RESPONSE);
    assertThat(got.getTxid()).isEqualTo(inv.txId());
    assertThat(got.getChannelId()).isEqualTo(TestProposals.CHANNEL);
    assertThat(got.getPayload().toStringUtf8()).isEqualTo("v7");

    shim.request(tx, ChaincodeMessage.Type.GET_STATE, GetState.newBuilder().setKey("absent").build());
    ChaincodeMessage absent = shim.take();
    assertThat(absent.getType()).isEqualTo(ChaincodeMessage.Type.RESPONSE);
    assertThat(absent.getPayload().isEmpty()).isTrue();

    shim.request(
        tx,
        ChaincodeMessage.Type.PUT_STATE,
        PutState.newBuilder().setKey("new").setValue(ByteString.copyFromUtf8("x")).build());
    assertThat(shim.take().getType()).isEqualTo(ChaincodeMessage.Type.RESPONSE);

    shim.request(
        tx,
        ChaincodeMessage.Type.PUT_STATE,
        PutState.newBuilder().setKey("p").setCollection("secret").build());
    ChaincodeMessage privateData = shim.take();
    assertThat(privateData.getType()).isEqualTo(ChaincodeMessage.Type.ERROR);
    assertThat(privateData.getPayload().toStringUtf8()).contains("private data collections are not supported");

    shim.complete(tx, ok(""));
    result.get(10, TimeUnit.SECONDS);
    assertThat(sim.writes()).hasSize(1);
    FakeTxSimulator.Write w = sim.writes().getFirst();
    assertThat(w.ns()).isEqualTo(CC);
    assertThat(w.key()).isEqualTo("new");
    assertThat(w.value()).asString(StandardCharsets.UTF_8).isEqualTo("x");
  }

  @Test
  void unpaginatedRangeComesInBatchesOf100WithIterator() throws Exception {
    ChaincodeInvocation inv = proposals.invocation(CC, "Fn");
    CompletableFuture<ChaincodeResult> result = executeAsync(inv, Duration.ofSeconds(10));
    ChaincodeMessage tx = shim.take();

    shim.request(
        tx, ChaincodeMessage.Type.GET_STATE_BY_RANGE,
        GetStateByRange.newBuilder().setStartKey("k000").setEndKey("").build());
    QueryResponse first = QueryResponse.parseFrom(shim.take().getPayload());
    assertThat(first.getResultsCount()).isEqualTo(100);
    assertThat(first.getHasMore()).isTrue();
    KV kv0 = KV.parseFrom(first.getResults(0).getResultBytes());
    assertThat(kv0.getNamespace()).isEqualTo(CC);
    assertThat(kv0.getKey()).isEqualTo("k000");

    List<String> keys = new ArrayList<>();
    for (var r : first.getResultsList()) {
      keys.add(KV.parseFrom(r.getResultBytes()).getKey());
    }
    QueryResponse page = first;
    while (page.getHasMore()) {
      shim.request(tx, ChaincodeMessage.Type.QUERY_STATE_NEXT, QueryStateNext.newBuilder().setId(first.getId()).build());
      page = QueryResponse.parseFrom(shim.take().getPayload());
      for (var r : page.getResultsList()) {
        keys.add(KV.parseFrom(r.getResultBytes()).getKey());
      }
    }
    assertThat(keys).hasSize(250).isSorted().doesNotHaveDuplicates();

    shim.request(tx, ChaincodeMessage.Type.QUERY_STATE_NEXT, QueryStateNext.newBuilder().setId(first.getId()).build());
    ChaincodeMessage exhausted = shim.take();
    assertThat(exhausted.getType()).isEqualTo(ChaincodeMessage.Type.ERROR);

    shim.request(tx, ChaincodeMessage.Type.QUERY_STATE_CLOSE, QueryStateClose.newBuilder().setId(first.getId()).build());
    ChaincodeMessage closed = shim.take();
    assertThat(closed.getType()).isEqualTo(ChaincodeMessage.Type.RESPONSE);
    assertThat(QueryResponse.parseFrom(closed.getPayload()).getHasMore()).isFalse();

    shim.complete(tx, ok(""));
    result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void paginatedRangeReturnsOnePageWithBookmark() throws Exception {
    ChaincodeInvocation inv = proposals.invocation(CC, "Fn");
    CompletableFuture<ChaincodeResult> result = executeAsync(inv, Duration.ofSeconds(10));
    ChaincodeMessage tx = shim.take();

    shim.request(
        tx, ChaincodeMessage.Type.GET_STATE_BY_RANGE,
        GetStateByRange.newBuilder()
            .setStartKey("k010")
            .setEndKey("k020")
            .setMetadata(QueryMetadata.newBuilder().setPageSize(4).setBookmark("k012").build().toByteString())
            .build());
    QueryResponse page = QueryResponse.parseFrom(shim.take().getPayload());
    assertThat(page.getHasMore()).isFalse();
    assertThat(page.getResultsList().stream().map(r -> key(r.getResultBytes())).toList())
        .containsExactly("k012", "k013", "k014", "k015");
    QueryResponseMetadata md = QueryResponseMetadata.parseFrom(page.getMetadata());
    assertThat(md.getFetchedRecordsCount()).isEqualTo(4);
    assertThat(md.getBookmark()).isEqualTo("k016");

    shim.complete(tx, ok(""));
    result.get(10, TimeUnit.SECONDS);
  }

  private static String key(ByteString kvBytes) {
    try {
      return KV.parseFrom(kvBytes).getKey();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void unsupportedRequestsGetExplicitErrors() throws Exception {
    ChaincodeInvocation inv = proposals.invocation(CC, "Fn");
    CompletableFuture<ChaincodeResult> result = executeAsync(inv, Duration.ofSeconds(10));
    ChaincodeMessage tx = shim.take();

    shim.request(tx, ChaincodeMessage.Type.GET_QUERY_RESULT, GetQueryResult.newBuilder().setQuery("{}").build());
    ChaincodeMessage rich = shim.take();
    assertThat(rich.getType()).isEqualTo(ChaincodeMessage.Type.ERROR);
    assertThat(rich.getTxid()).isEqualTo(inv.txId());
    assertThat(rich.getChannelId()).isEqualTo(TestProposals.CHANNEL);
    assertThat(rich.getPayload().toStringUtf8())
        .isEqualTo("rich queries (GET_QUERY_RESULT) are not supported: the state database is RocksDB");

    shim.request(tx, ChaincodeMessage.Type.GET_STATE_METADATA, GetState.newBuilder().setKey("k").build());
    assertThat(shim.take().getPayload().toStringUtf8()).contains("state metadata");

    shim.request(tx, ChaincodeMessage.Type.GET_PRIVATE_DATA_HASH, GetState.newBuilder().setKey("k").build());
    assertThat(shim.take().getPayload().toStringUtf8()).contains("private data");

    shim.request(
        tx, ChaincodeMessage.Type.INVOKE_CHAINCODE,
        ChaincodeSpec.newBuilder().setChaincodeId(ChaincodeID.newBuilder().setName("other/elsewhere")).build());
    ChaincodeMessage cross = shim.take();
    assertThat(cross.getType()).isEqualTo(ChaincodeMessage.Type.ERROR);
    assertThat(cross.getPayload().toStringUtf8()).isEqualTo("cross-channel invocation not supported");

    shim.request(
        tx, ChaincodeMessage.Type.INVOKE_CHAINCODE,
        ChaincodeSpec.newBuilder().setChaincodeId(ChaincodeID.newBuilder().setName("ghost")).build());
    ChaincodeMessage ghost = shim.take();
    assertThat(ghost.getType()).isEqualTo(ChaincodeMessage.Type.ERROR);
    assertThat(ghost.getPayload().toStringUtf8()).contains("chaincode 'ghost' is not running");

    shim.complete(tx, ok(""));
    assertThat(result.get(10, TimeUnit.SECONDS).response().getStatus()).isEqualTo(200);
  }

  @Test
  void chaincodeErrorBecomesException() throws Exception {
    ChaincodeInvocation inv = proposals.invocation(CC, "Fn");
    CompletableFuture<ChaincodeResult> result = executeAsync(inv, Duration.ofSeconds(10));
    ChaincodeMessage tx = shim.take();
    shim.send(ShimMessages.error(tx, "java.lang.IllegalStateException: boom"));
    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ChaincodeException.class)
        .hasMessageContaining("transaction returned with failure: java.lang.IllegalStateException: boom");
  }

  @Test
  void timeoutFailsTheCallAndLateRequestsGetErrors() throws Exception {
    ChaincodeInvocation inv = proposals.invocation(CC, "Slow");
    FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
    long start = System.nanoTime();
    CompletableFuture<ChaincodeResult> result =
        CompletableFuture.supplyAsync(() -> support.execute(inv, sim, Duration.ofMillis(300)));
    ChaincodeMessage tx = shim.take();
    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ChaincodeException.class)
        .hasMessage("chaincode cc timed out after 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

    shim.request(tx, ChaincodeMessage.Type.GET_STATE, GetState.newBuilder().setKey("k001").build());
    ChaincodeMessage late = shim.take();
    assertThat(late.getType()).isEqualTo(ChaincodeMessage.Type.ERROR);
    assertThat(late.getPayload().toStringUtf8()).contains("no transaction context");
    assertThat(sim.reads()).isZero();

    // The stream stays usable, and the same tx id can run again.
    CompletableFuture<ChaincodeResult> again = executeAsync(inv, Duration.ofSeconds(10));
    shim.complete(shim.take(), ok("ok"));
    assertThat(again.get(10, TimeUnit.SECONDS).response().getPayload().toStringUtf8()).isEqualTo("ok");
  }

  @Test
  void disconnectFailsInFlightTransactionsPromptly() throws Exception {
    CompletableFuture<ChaincodeResult> result =
        executeAsync(proposals.invocation(CC, "Fn"), Duration.ofSeconds(30));
    shim.take();
    long start = System.nanoTime();
    shim.close(); // the chaincode process dies: its connection goes away
    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ChaincodeException.class)
        .hasMessageContaining("disconnected while executing transaction");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThatThrownBy(
            () -> support.execute(proposals.invocation(CC, "Fn"), new FakeTxSimulator(world, "t"), Duration.ofSeconds(1)))
        .isInstanceOf(ChaincodeException.class)
        .hasMessage("chaincode 'cc' is not running");
  }

  @Test
  void unknownChaincodeIsNotRunning() {
    assertThatThrownBy(
            () -> support.execute(proposals.invocation("nope", "Fn"), new FakeTxSimulator(world, "t"), Duration.ofSeconds(1)))
        .isInstanceOf(ChaincodeException.class)
        .hasMessage("chaincode 'nope' is not running");
  }

  @Test
  void duplicateRegistrationIsRejected() throws Exception {
    try (FakeShim second = new FakeShim(listener)) {
      second.send(
          ChaincodeMessage.newBuilder()
              .setType(ChaincodeMessage.Type.REGISTER)
              .setPayload(ChaincodeID.newBuilder().setName(PKG).build().toByteString())
              .build());
      ChaincodeMessage m = second.take();
      assertThat(m.getType()).isEqualTo(ChaincodeMessage.Type.ERROR);
      assertThat(m.getPayload().toStringUtf8()).isEqualTo("duplicate chaincodeID: " + PKG);
      assertThat(second.awaitEnded(Duration.ofSeconds(5))).isTrue();
    }
    assertThat(support.isRegistered(PKG)).isTrue();
  }

  @Test
  void manyTransactionsInterleaveOnOneStream() throws Exception {
    int n = 20;
    Map<String, CompletableFuture<ChaincodeResult>> results = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ChaincodeInvocation inv = proposals.invocation(CC, "Fn", Integer.toString(i));
      results.put(inv.txId(), executeAsync(inv, Duration.ofSeconds(20)));
    }
    List<ChaincodeMessage> txs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      txs.add(shim.take());
    }
    // Each transaction reads one key; all requests are outstanding at once, answered out of order.
    Collections.shuffle(txs, new java.util.Random(42));
    for (ChaincodeMessage tx : txs) {
      String arg = ChaincodeInput.parseFrom(tx.getPayload()).getArgs(1).toStringUtf8();
      shim.request(tx, ChaincodeMessage.Type.GET_STATE,
          GetState.newBuilder().setKey(String.format("k%03d", Integer.parseInt(arg))).build());
    }
    Map<String, String> valueByTx = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ChaincodeMessage r = shim.take();
      assertThat(r.getType()).isEqualTo(ChaincodeMessage.Type.RESPONSE);
      valueByTx.put(r.getTxid(), r.getPayload().toStringUtf8());
    }
    Collections.reverse(txs);
    for (ChaincodeMessage tx : txs) {
      shim.complete(tx, ok(valueByTx.get(tx.getTxid())));
    }
    for (ChaincodeMessage tx : txs) {
      String arg = ChaincodeInput.parseFrom(tx.getPayload()).getArgs(1).toStringUtf8();
      assertThat(results.get(tx.getTxid()).get(10, TimeUnit.SECONDS).response().getPayload().toStringUtf8())
          .isEqualTo("v" + arg);
    }
  }

  @Test
  void executeWaitsForALaunchingChaincode() throws Exception {
    support.setLaunching("late:1", true);
    support.bind("late", "late:1");
    CompletableFuture<ChaincodeResult> result =
        executeAsync(proposals.invocation("late", "Fn"), Duration.ofSeconds(20));
    try (FakeShim late = new FakeShim(listener)) {
      late.register("late:1");
      late.complete(late.take(), ok("hi"));
      assertThat(result.get(10, TimeUnit.SECONDS).response().getPayload().toStringUtf8()).isEqualTo("hi");
    }
  }
}
