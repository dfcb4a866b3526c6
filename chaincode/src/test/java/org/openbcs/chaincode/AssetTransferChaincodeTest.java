package org.openbcs.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.chaincode.launcher.ChaincodeLauncher;
import org.openbcs.chaincode.launcher.LauncherConfig;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.chaincode.testing.FakeTxSimulator;
import org.openbcs.chaincode.testing.FakeWorldState;
import org.openbcs.chaincode.testing.TestProposals;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRead;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVWrite;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ledger.TxSimulator;

/**
 * The real sample contract on the unmodified fabric-chaincode-shim, launched as two separate JVMs
 * ("basic" and "other", same package under two labels), driven through {@link
 * ChaincodeSupport#execute}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AssetTransferChaincodeTest {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AssetTransferChaincodeTest.class);
  static final Path PACKAGE_DIR = Path.of("..", "samples", "asset-transfer", "target");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Two chaincode JVMs start in parallel on a shared two-core machine: be patient. */
  static final Duration REGISTRATION = Duration.ofSeconds(180);

  private final TestProposals proposals = new TestProposals();
  private final FakeWorldState world = new FakeWorldState();
  private ChaincodeSupport support;
  private ChaincodeLauncher launcher;
  private long clock = 1_700_000_000_000L;

  @BeforeAll
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void launch(@TempDir Path dataDir) throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(PACKAGE_DIR.resolve("asset-transfer.jar")),
        "sample package not built: run mvn -pl samples/asset-transfer package first");
    support = new ChaincodeSupport();
    InetSocketAddress listener = support.listen("127.0.0.1", 0, null);
    launcher =
        new ChaincodeLauncher(
            support,
            LauncherConfig.plaintext("127.0.0.1:" + listener.getPort(), TestProposals.MSP_ID, dataDir)
                .withJvmOptions(LauncherConfig.FAST_START_JVM_OPTIONS)
                .withRegistrationTimeout(REGISTRATION),
            TimeSource.SYSTEM);
    CompletableFuture<String> other =
        CompletableFuture.supplyAsync(() -> launcher.launch("other", "other", PACKAGE_DIR));
    launcher.launch("basic", "basic", PACKAGE_DIR);
    other.get(REGISTRATION.toSeconds(), TimeUnit.SECONDS);
  }

  @AfterAll
  void shutdown() {
    if (launcher != null) {
      launcher.close();
    }
    if (support != null) {
      support.close();
    }
  }

  private ChaincodeResult evaluate(String chaincode, String... args) {
    ChaincodeInvocation inv = proposals.invocation(chaincode, args);
    return support.execute(inv, new FakeTxSimulator(world, inv.txId()), TIMEOUT);
  }

  private ChaincodeResult submit(String chaincode, String... args) {
    ChaincodeInvocation inv = proposals.invocation(chaincode, args);
    FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
    ChaincodeResult r = support.execute(inv, sim, TIMEOUT);
    if (r.response().getStatus() < 400) {
      world.commit(sim, clock += 1000);
    }
    return r;
  }

  private static String payload(ChaincodeResult r) {
    return r.response().getPayload().toStringUtf8();
  }

  @Test
  @Order(1)
  void createThenReadAndCreateEvent() {
    ChaincodeResult created = submit("basic", "CreateAsset", "a1", "blue", "5", "Tomoko", "300");
    assertThat(created.response().getStatus()).isEqualTo(200);
    String json = "{\"ID\":\"a1\",\"Color\":\"blue\",\"Size\":5,\"Owner\":\"Tomoko\",\"AppraisedValue\":300}";
    assertThat(payload(created)).isEqualTo(json);
    assertThat(created.event().getEventName()).isEqualTo("CreateAsset");
    assertThat(created.event().getChaincodeId()).isEqualTo("basic");
    assertThat(created.event().getPayload().toStringUtf8()).isEqualTo(json);
    assertThat(world.get("basic", "a1")).isNotNull();

    assertThat(payload(evaluate("basic", "ReadAsset", "a1"))).isEqualTo(json);
    assertThat(payload(evaluate("basic", "AssetExists", "a1"))).isEqualTo("true");

    ChaincodeResult again = submit("basic", "CreateAsset", "a1", "red", "1", "X", "1");
    assertThat(again.response().getStatus()).isEqualTo(500);
    assertThat(again.response().getMessage()).isEqualTo("the asset a1 already exists");
  }

  @Test
  @Order(2)
  void missingAssetAndUnknownFunctionAreStatus500() {
    ChaincodeResult missing = evaluate("basic", "ReadAsset", "nope");
    assertThat(missing.response().getStatus()).isEqualTo(500);
    assertThat(missing.response().getMessage()).isEqualTo("the asset nope does not exist");
    assertThat(missing.event()).isNull();

    ChaincodeResult unknown = evaluate("basic", "NoSuchFunction");
    assertThat(unknown.response().getStatus()).isEqualTo(500);
    assertThat(unknown.response().getMessage()).isNotBlank();
  }

  @Test
  @Order(3)
  void transferReturnsOldOwnerAndEmitsStampedEvent() {
    submit("basic", "CreateAsset", "t1", "green", "10", "Alice", "100");
    ChaincodeInvocation inv = proposals.invocation("basic", "TransferAsset", "t1", "Bob");
    FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
    ChaincodeResult r = support.execute(inv, sim, TIMEOUT);
    world.commit(sim, clock += 1000);

    assertThat(payload(r)).isEqualTo("Alice");
    assertThat(r.event().getEventName()).isEqualTo("TransferAsset");
    assertThat(r.event().getChaincodeId()).isEqualTo("basic");
    assertThat(r.event().getTxId()).isEqualTo(inv.txId());
    assertThat(r.event().getPayload().toStringUtf8()).contains("\"Owner\":\"Bob\"");

    String history = payload(evaluate("basic", "GetAssetHistory", "t1"));
    assertThat(history).startsWith("[{\"txId\":\"" + inv.txId() + "\"");
    assertThat(history.split("\"txId\"")).hasSize(3); // two writes, newest (the transfer) first
    assertThat(history).contains("\"Owner\":\"Bob\"").contains("\"Owner\":\"Alice\"");
  }

  @Test
  @Order(4)
  void rangeQueriesWithAndWithoutPagination() {
    for (int i = 0; i < 150; i += 10) {
      // Ten assets per transaction keeps the test quick; keys r000..r149.
      ChaincodeInvocation inv = proposals.invocation("basic", "InitLedger");
      FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
      for (int j = i; j < i + 10; j++) {
        String id = String.format("r%03d", j);
        sim.putState("basic", id, ("{\"ID\":\"" + id + "\",\"Color\":\"c\",\"Size\":1,\"Owner\":\"o\",\"AppraisedValue\":1}").getBytes());
      }
      world.commit(sim, clock += 1000);
    }
    // 150 results: more than one batch of 100, so the shim iterates with QUERY_STATE_NEXT.
    String all = payload(evaluate("basic", "GetAssetsByRange", "r000", "r999"));
    assertThat(all.split("\"ID\"")).hasSize(151);
    assertThat(all).contains("\"r000\"").contains("\"r149\"");

    String page1 = payload(evaluate("basic", "GetAssetsPage", "r000", "r999", "40", ""));
    assertThat(page1).contains("\"fetchedRecordsCount\":40").endsWith(",\"bookmark\":\"r040\"}");
    String page4 = payload(evaluate("basic", "GetAssetsPage", "r000", "r999", "40", "r120"));
    assertThat(page4).contains("\"fetchedRecordsCount\":30").endsWith(",\"bookmark\":\"\"}");

    assertThat(payload(evaluate("basic", "GetAllAssets"))).contains("\"r149\"");
  }

  @Test
  @Order(5)
  void richQueryIsRefusedToTheContract() {
    ChaincodeResult r = evaluate("basic", "QueryAssetsRich", "{\"selector\":{}}");
    assertThat(r.response().getStatus()).isEqualTo(500);
    assertThat(r.response().getMessage()).startsWith("rich query failed");
  }

  @Test
  @Order(6)
  void invokeChaincodeRunsCalleeInItsNamespaceUnderTheSameTx() {
    submit("other", "CreateAsset", "o1", "white", "1", "Olga", "9");
    ChaincodeResult r = evaluate("basic", "CallOther", "other", "ReadAsset", "o1");
    assertThat(r.response().getStatus()).isEqualTo(200);
    assertThat(payload(r)).startsWith("{\"status\":200").contains("\\\"Owner\\\":\\\"Olga\\\"");

    ChaincodeInvocation inv = proposals.invocation("basic", "CallOther", "other", "CreateAsset", "o2");
    FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
    ChaincodeResult failedCallee = support.execute(inv, sim, TIMEOUT);
    // CreateAsset needs five arguments: the callee fails, and the caller reports its status.
    assertThat(payload(failedCallee)).startsWith("{\"status\":500");

    ChaincodeResult cross = evaluate("basic", "CallOther", "other/otherchannel", "ReadAsset", "o1");
    assertThat(cross.response().getStatus()).isEqualTo(500);
  }

  @Test
  @Order(7)
  void calleeWritesLandInCalleeNamespace() {
    ChaincodeInvocation inv = proposals.invocation("basic", "CallOther", "other", "DeleteAsset", "o1");
    FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
    ChaincodeResult r = support.execute(inv, sim, TIMEOUT);
    assertThat(payload(r)).startsWith("{\"status\":200");
    assertThat(sim.writes()).hasSize(1);
    assertThat(sim.writes().getFirst().ns()).isEqualTo("other");
    assertThat(sim.writes().getFirst().key()).isEqualTo("o1");
    assertThat(sim.writes().getFirst().value()).isNull();
  }

  @Test
  @Order(8)
  void twentyConcurrentTransactionsOnOneStream() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Future<ChaincodeResult>> results = new ArrayList<>();
      List<FakeTxSimulator> sims = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ChaincodeInvocation inv =
            proposals.invocation("basic", "CreateAsset", "c" + i, "c", Integer.toString(i), "o", "1");
        FakeTxSimulator sim = new FakeTxSimulator(world, inv.txId());
        sims.add(sim);
        results.add(pool.submit(() -> support.execute(inv, sim, Duration.ofSeconds(60))));
      }
      for (int i = 0; i < 20; i++) {
        ChaincodeResult r = results.get(i).get(90, TimeUnit.SECONDS);
        assertThat(r.response().getStatus()).isEqualTo(200);
        assertThat(payload(r)).contains("\"ID\":\"c" + i + "\"").contains("\"Size\":" + i + ",");
        assertThat(sims.get(i).writes()).singleElement().extracting(FakeTxSimulator.Write::key).isEqualTo("c" + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(9)
  void measureEvaluateThroughputThroughTheShim() throws Exception {
    int threads = 8;
    int perThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> workers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          long[] latencies = new long[perThread];
          for (int i = 0; i < perThread; i++) {
            long s0 = System.nanoTime();
            ChaincodeResult r = evaluate("basic", "ReadAsset", "a1");
            latencies[i] = System.nanoTime() - s0;
            assertThat(r.response().getStatus()).isEqualTo(200);
          }
          return latencies;
        }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<long[]> w : workers) {
        for (long l : w.get(120, TimeUnit.SECONDS)) {
          all.add(l);
        }
      }
      long elapsed = System.nanoTime() - start;
      all.sort(null);
      assertThat(all).hasSize(threads * perThread);
      log.info(
          "MEASUREMENT ReadAsset via shim: {} evaluations, {} client threads, {} ms, {} tx/s, p50 {} ms, p99 {} ms",
          all.size(), threads, TimeUnit.NANOSECONDS.toMillis(elapsed),
          String.format("%.0f", all.size() / (elapsed / 1e9)),
          String.format("%.2f", all.get(all.size() / 2) / 1e6),
          String.format("%.2f", all.get(all.size() * 99 / 100) / 1e6));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(10)
  void timeoutIsReportedAndChaincodeStaysUsable() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> {
          ChaincodeInvocation inv = proposals.invocation("basic", "ReadAssetRepeatedly", "a1", "10000000");
          support.execute(inv, new FakeTxSimulator(world, inv.txId()), Duration.ofMillis(500));
        })
        .isInstanceOf(ChaincodeException.class)
        .hasMessage("chaincode basic timed out after 500 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(evaluate("basic", "AssetExists", "a1").response().getStatus()).isEqualTo(200);
  }

  @Test
  @Order(12)
  void realLedgerSimulatorRecordsTheContractsReadsAndWrites(@TempDir Path ledgerDir) throws Exception {
    try (PeerLedger ledger =
            Ledgers.openPeerLedger(ledgerDir, TestProposals.CHANNEL, CryptoSuites.defaultSuite());
        TxSimulator sim = ledger.newSimulator("real-tx-1")) {
      ChaincodeInvocation inv =
          proposals.invocationWithTxId("real-tx-1", "basic", "CreateAsset", "real1", "red", "2", "Rui", "7");
      ChaincodeResult r = support.execute(inv, sim, TIMEOUT);
      assertThat(r.response().getStatus()).isEqualTo(200);

      TxReadWriteSet rwset = sim.readWriteSet();
      assertThat(rwset.getNsRwsetList()).extracting(NsReadWriteSet::getNamespace).contains("basic");
      NsReadWriteSet ns =
          rwset.getNsRwsetList().stream().filter(n -> n.getNamespace().equals("basic")).findFirst().orElseThrow();
      KVRWSet kv = KVRWSet.parseFrom(ns.getRwset());
      assertThat(kv.getReadsList()).extracting(KVRead::getKey).containsExactly("real1");
      assertThat(kv.getWritesList()).extracting(KVWrite::getKey).containsExactly("real1");
      assertThat(kv.getWrites(0).getValue().toStringUtf8()).contains("\"Owner\":\"Rui\"");
    }
  }

  @Test
  @Order(20)
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void killedChaincodeFailsInFlightTxAndIsRestarted() throws Exception {
    ProcessHandle first = launcher.process("basic").orElseThrow();
    ChaincodeInvocation slow = proposals.invocation("basic", "ReadAssetRepeatedly", "a1", "100000000");
    FakeTxSimulator slowSim = new FakeTxSimulator(world, slow.txId());
    CompletableFuture<ChaincodeResult> inFlight =
        CompletableFuture.supplyAsync(() -> support.execute(slow, slowSim, Duration.ofSeconds(60)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (slowSim.reads() == 0) {
      assertThat(System.nanoTime()).as("slow transaction started").isLessThan(deadline);
      Thread.onSpinWait();
    }
    first.destroyForcibly();
    long killed = System.nanoTime();
    assertThatThrownBy(() -> inFlight.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ChaincodeException.class)
        .hasMessageContaining("disconnected while executing transaction " + slow.txId());
    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(10));

    // The launcher restarts it; an execute meanwhile waits for the registration.
    ChaincodeInvocation after = proposals.invocation("basic", "ReadAsset", "a1");
    ChaincodeResult r = support.execute(after, new FakeTxSimulator(world, after.txId()), REGISTRATION);
    assertThat(r.response().getStatus()).isEqualTo(200);
    assertThat(launcher.restarts("basic")).isEqualTo(1);
    assertThat(launcher.process("basic").orElseThrow().pid()).isNotEqualTo(first.pid());
  }
}
