package org.openbcs.peer.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.ChaincodeEvent;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.CommitException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.Proposal;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.client.SubmitException;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.client.Transaction;
import org.hyperledger.fabric.protos.common.BlockchainInfo;
import org.hyperledger.fabric.protos.peer.ProcessedTransaction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The peer as the unmodified Fabric Gateway client sees it: a two-organisation network with TLS,
 * the sample asset-transfer contract deployed through {@code _lifecycle} with MAJORITY, then
 * submit/evaluate/commit status/events/qscc and the failure paths. The network starts once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayNetworkTest {
  private static Path root;
  private static TwoOrgNetwork network;
  private static Gateway org1;
  private static Network channel;
  private static Contract basic;

  @BeforeAll
  @Timeout(value = 480, unit = TimeUnit.SECONDS)
  static void startNetwork() throws Exception {
    root = Files.createTempDirectory("gateway-network");
    network = new TwoOrgNetwork(root);
    String packageId = network.installSample("basic_1.0");
    org1 = network.gateway("Org1MSP");
    channel = org1.getNetwork(TwoOrgNetwork.CHANNEL);
    Contract lifecycle = channel.getContract("_lifecycle");
    byte[] deployed =
        lifecycle.submitTransaction("DeployChaincode", "basic", "1.0", "1", "MAJORITY Endorsement");
    assertThat(new String(deployed, StandardCharsets.UTF_8)).contains("sequence 1");
    // The definition's commit starts the chaincode on both peers in the background.
    network.awaitChaincodeEverywhere(packageId, java.time.Duration.ofSeconds(360));
    basic = channel.getContract("basic");
  }

  @AfterAll
  static void stopNetwork() throws IOException {
    if (org1 != null) {
      org1.close();
    }
    if (network != null) {
      network.close();
    }
    deleteRecursively(root);
  }

  @Test
  @Order(1)
  void submitThenEvaluateThroughBothOrganisations() throws Exception {
    Proposal proposal =
        basic.newProposal("CreateAsset").addArguments("asset1", "blue", "5", "Tom", "300").build();
    Transaction transaction = proposal.endorse();
    SubmittedTransaction submitted = transaction.submitAsync();
    Status status = submitted.getStatus();

    assertThat(status.getCode()).isEqualTo(TxValidationCode.VALID);
    assertThat(status.isSuccessful()).isTrue();
    assertThat(status.getBlockNumber()).isGreaterThan(1L);
    // Both organisations endorsed: MAJORITY of two is both.
    ProcessedTransaction processed =
        ProcessedTransaction.parseFrom(
            channel.getContract("qscc").evaluateTransaction("GetTransactionByID", TwoOrgNetwork.CHANNEL, submitted.getTransactionId()));
    assertThat(processed.getValidationCode()).isZero();

    String asset = new String(basic.evaluateTransaction("ReadAsset", "asset1"), StandardCharsets.UTF_8);
    assertThat(asset).contains("asset1").contains("Tom");
    try (Gateway org2 = network.gateway("Org2MSP")) {
      String seenByOrg2 =
          new String(org2.getNetwork(TwoOrgNetwork.CHANNEL).getContract("basic").evaluateTransaction("ReadAsset", "asset1"), StandardCharsets.UTF_8);
      assertThat(seenByOrg2).isEqualTo(asset);
    }
  }

  @Test
  @Order(2)
  void evaluateWithTargetOrganizationsRunsOnThatOrganisationsPeer() throws Exception {
    String asset =
        new String(
            basic.newProposal("ReadAsset").addArguments("asset1").setEndorsingOrganizations("Org2MSP").build().evaluate(),
            StandardCharsets.UTF_8);
    assertThat(asset).contains("asset1");
    // The failure's detail names where it ran: Org2's peer, not this gateway (Org1's).
    assertThatThrownBy(
            () -> basic.newProposal("ReadAsset").addArguments("no-such-asset").setEndorsingOrganizations("Org2MSP").build().evaluate())
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> assertThat(e.getDetails()).singleElement().satisfies(d -> {
              assertThat(d.getMspId()).isEqualTo("Org2MSP");
              assertThat(d.getMessage()).contains("no-such-asset");
            }));
    assertThatThrownBy(
            () -> basic.newProposal("ReadAsset").addArguments("asset1").setEndorsingOrganizations("Org9MSP").build().evaluate())
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining("no peers available to evaluate chaincode basic");
  }

  @Test
  @Order(3)
  void chaincodeEventsArriveAndChainInfoMatchesTheLedger() throws Exception {
    long start = network.peer("Org1MSP").channel(TwoOrgNetwork.CHANNEL).ledger().blocks().height();
    basic.submitTransaction("CreateAsset", "asset2", "red", "3", "Ann", "100");
    SubmittedTransaction transfer =
        basic.newProposal("TransferAsset").addArguments("asset2", "Bob").build().endorse().submitAsync();
    assertThat(transfer.getStatus().isSuccessful()).isTrue();

    List<ChaincodeEvent> events = new ArrayList<>();
    try (CloseableIterator<ChaincodeEvent> it =
        channel.newChaincodeEventsRequest("basic").startBlock(start).build().getEvents()) {
      while (events.stream().noneMatch(e -> e.getTransactionId().equals(transfer.getTransactionId()))) {
        events.add(it.next());
      }
    }
    ChaincodeEvent last = events.getLast();
    assertThat(last.getEventName()).isEqualTo("TransferAsset");
    assertThat(last.getChaincodeName()).isEqualTo("basic");
    assertThat(last.getBlockNumber()).isEqualTo(transfer.getStatus().getBlockNumber());

    // Resuming after the asset2 CreateAsset event (after_transaction_id) yields the transfer next.
    ChaincodeEvent created =
        events.stream().filter(e -> e.getEventName().equals("CreateAsset")).reduce((x, y) -> y).orElseThrow();
    org.hyperledger.fabric.client.InMemoryCheckpointer checkpoint = new org.hyperledger.fabric.client.InMemoryCheckpointer();
    checkpoint.checkpointChaincodeEvent(created);
    try (CloseableIterator<ChaincodeEvent> resumed =
        channel.newChaincodeEventsRequest("basic").checkpoint(checkpoint).build().getEvents()) {
      ChaincodeEvent next = resumed.next();
      assertThat(next.getTransactionId()).isEqualTo(transfer.getTransactionId());
      assertThat(next.getEventName()).isEqualTo("TransferAsset");
    }

    BlockchainInfo info =
        BlockchainInfo.parseFrom(channel.getContract("qscc").evaluateTransaction("GetChainInfo", TwoOrgNetwork.CHANNEL));
    long height = network.peer("Org1MSP").channel(TwoOrgNetwork.CHANNEL).ledger().info().height();
    assertThat(info.getHeight()).isEqualTo(height);
    assertThat(info.getHeight()).isGreaterThan(transfer.getStatus().getBlockNumber());
    org.hyperledger.fabric.protos.common.Block byTx =
        org.hyperledger.fabric.protos.common.Block.parseFrom(
            channel.getContract("qscc").evaluateTransaction("GetBlockByTxID", TwoOrgNetwork.CHANNEL, transfer.getTransactionId()));
    assertThat(byTx.getHeader().getNumber()).isEqualTo(transfer.getStatus().getBlockNumber());
    org.hyperledger.fabric.protos.common.Block tip =
        org.hyperledger.fabric.protos.common.Block.parseFrom(
            channel.getContract("qscc").newProposal("GetBlockByHash")
                .addArguments(TwoOrgNetwork.CHANNEL.getBytes(StandardCharsets.UTF_8), info.getCurrentBlockHash().toByteArray())
                .build()
                .evaluate());
    assertThat(tip.getHeader().getNumber()).isEqualTo(info.getHeight() - 1);
    assertThatThrownBy(
            () -> channel.getContract("qscc").evaluateTransaction("GetBlockByNumber", TwoOrgNetwork.CHANNEL, "99999"))
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining("Failed to get block number 99999");
  }

  @Test
  @Order(4)
  void concurrentTransfersOfOneAssetGiveExactlyOneMvccConflict() throws Exception {
    basic.submitTransaction("CreateAsset", "asset3", "green", "1", "Carl", "10");
    Transaction first = basic.newProposal("TransferAsset").addArguments("asset3", "Dana").build().endorse();
    Transaction second = basic.newProposal("TransferAsset").addArguments("asset3", "Eve").build().endorse();
    SubmittedTransaction a = first.submitAsync();
    SubmittedTransaction b = second.submitAsync();

    List<TxValidationCode> codes = List.of(a.getStatus().getCode(), b.getStatus().getCode());
    assertThat(codes).containsExactlyInAnyOrder(TxValidationCode.VALID, TxValidationCode.MVCC_READ_CONFLICT);
    SubmittedTransaction loser = a.getStatus().isSuccessful() ? b : a;
    assertThat(loser.getStatus().isSuccessful()).isFalse();
    assertThat(loser.getStatus().getBlockNumber()).isPositive();
  }

  @Test
  @Order(5)
  void endorsementByOneOrgOnlyFailsTheAndPolicyAtCommit() throws Exception {
    channel.getContract("_lifecycle").submitTransaction(
        "DeployChaincode", "basic", "1.0", "2", "AND('Org1MSP.peer','Org2MSP.peer')");
    Transaction onlyOrg1 =
        basic.newProposal("CreateAsset")
            .addArguments("asset4", "black", "2", "Fay", "1")
            .setEndorsingOrganizations("Org1MSP")
            .build()
            .endorse();
    assertThatThrownBy(onlyOrg1::submit)
        .isInstanceOf(CommitException.class)
        .satisfies(
            e -> assertThat(((CommitException) e).getCode()).isEqualTo(TxValidationCode.ENDORSEMENT_POLICY_FAILURE));

    // Without the restriction both organisations endorse and the policy holds.
    basic.submitTransaction("CreateAsset", "asset5", "white", "2", "Gus", "1");
    assertThat(new String(basic.evaluateTransaction("ReadAsset", "asset5"), StandardCharsets.UTF_8)).contains("Gus");
  }

  @Test
  @Order(6)
  void aSignatureThatDoesNotVerifyIsRejectedWithAClearMessage() throws Exception {
    try (Gateway forger = network.gateway("Org1MSP", digest -> new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}).connect()) {
      Contract contract = forger.getNetwork(TwoOrgNetwork.CHANNEL).getContract("basic");
      assertThatThrownBy(() -> contract.evaluateTransaction("ReadAsset", "asset1"))
          .isInstanceOf(GatewayException.class)
          .hasMessageContaining("signature")
          .satisfies(e -> assertThat(((GatewayException) e).getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
    }
  }

  @Test
  @Order(7)
  void unknownChaincodeIsNamedInTheError() {
    Contract missing = channel.getContract("nosuchcc");
    assertThatThrownBy(() -> missing.evaluateTransaction("Anything"))
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining("chaincode 'nosuchcc' is not defined on channel 'mychannel'");
    assertThatThrownBy(() -> missing.submitTransaction("Anything"))
        .hasMessageContaining("nosuchcc");
  }

  @Test
  @Order(8)
  void aReplayedTransactionIsRefused() throws Exception {
    Transaction tx = basic.newProposal("CreateAsset").addArguments("asset6", "pink", "1", "Hal", "1").build().endorse();
    SubmittedTransaction submitted = tx.submitAsync();
    assertThat(submitted.getStatus().isSuccessful()).isTrue();

    assertThatThrownBy(tx::submitAsync)
        .isInstanceOf(SubmitException.class)
        .hasMessageContaining("duplicate transaction found");
  }

  @Test
  @Order(9)
  void garbageRequestBytesAreInvalidArgumentAndThePeerKeepsServing() throws Exception {
    ManagedChannel raw = network.clientChannel("Org2MSP");
    byte[] garbage = {(byte) 0xff, (byte) 0xff, 0x01, 0x7f, 0x13};
    for (String method : List.of("gateway.Gateway/Endorse", "gateway.Gateway/Evaluate", "protos.Endorser/ProcessProposal")) {
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(raw, rawMethod(method), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), garbage))
          .isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).as(method).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT));
    }
    assertThat(new String(basic.evaluateTransaction("ReadAsset", "asset1"), StandardCharsets.UTF_8)).contains("asset1");
  }

  @Test
  @Order(10)
  void theDeployCommandInstallsAndCommitsADefinition() throws Exception {
    Path tlsCa = network.peerDir("Org1MSP").resolve("tls").resolve("ca.crt");
    int exit =
        new picocli.CommandLine(new org.openbcs.peer.cli.ChaincodeCommand())
            .execute(
                "deploy", "--peer", "127.0.0.1:" + network.peer("Org1MSP").port(), "--tls-ca", tlsCa.toString(),
                "--msp", network.userDir("Org1MSP").resolve("msp").toString(), "--msp-id", "Org1MSP",
                "--channel", TwoOrgNetwork.CHANNEL, "--name", "basic", "--version", "1.0", "--sequence", "3",
                "--policy", "MAJORITY Endorsement", "--package", TwoOrgNetwork.SAMPLE_PACKAGE.toString(),
                "--peer-data", network.peerData("Org1MSP").toString(),
                "--peer-data", network.peerData("Org2MSP").toString());
    assertThat(exit).isZero();

    org.hyperledger.fabric.protos.peer.lifecycle.QueryChaincodeDefinitionResult definition =
        org.hyperledger.fabric.protos.peer.lifecycle.QueryChaincodeDefinitionResult.parseFrom(
            channel.getContract("_lifecycle").evaluateTransaction("QueryChaincodeDefinition", "basic"));
    assertThat(definition.getSequence()).isEqualTo(3);
    // MAJORITY again: both organisations endorse without being told to.
    basic.submitTransaction("CreateAsset", "asset7", "grey", "1", "Ivy", "1");
  }

  /** Not a benchmark (the machine is shared): a concurrency check that also logs a rate. */
  @Test
  @Order(11)
  void concurrentSubmissionsAllCommitValid() throws Exception {
    int count = 40;
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      long start = System.nanoTime();
      List<java.util.concurrent.Future<Status>> results = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String id = "load" + i;
        results.add(
            clients.submit(
                () -> basic.newProposal("CreateAsset").addArguments(id, "c", "1", "o", "1").build().endorse().submitAsync().getStatus()));
      }
      for (java.util.concurrent.Future<Status> r : results) {
        assertThat(r.get(120, TimeUnit.SECONDS).getCode()).isEqualTo(TxValidationCode.VALID);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("gateway: %d endorse+submit+commit in %.2f s = %.1f tx/s (8 client threads)%n", count, seconds, count / seconds);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  @Order(11)
  void blockEventsAreServedByTheSamePortWithValidationCodes() throws Exception {
    try (CloseableIterator<org.hyperledger.fabric.protos.common.Block> blocks =
            channel.newBlockEventsRequest().startBlock(0).build().getEvents();
        CloseableIterator<org.hyperledger.fabric.protos.peer.FilteredBlock> filtered =
            channel.newFilteredBlockEventsRequest().startBlock(1).build().getEvents()) {
      assertThat(blocks.next().getHeader().getNumber()).isZero();
      assertThat(blocks.next().getHeader().getNumber()).isEqualTo(1);
      org.hyperledger.fabric.protos.peer.FilteredBlock deploy = filtered.next();
      assertThat(deploy.getNumber()).isEqualTo(1);
      assertThat(deploy.getFilteredTransactions(0).getTxValidationCode()).isEqualTo(TxValidationCode.VALID);
    }
  }

  @Test
  @Order(12)
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void aRestartedPeerKeepsItsLedgerRelaunchesItsChaincodeAndEndorsesAgain() throws Exception {
    long heightBefore = network.peer("Org2MSP").channel(TwoOrgNetwork.CHANNEL).ledger().blocks().height();
    var restarted = network.restartPeer("Org2MSP");
    assertThat(restarted.channel(TwoOrgNetwork.CHANNEL).ledger().blocks().height()).isGreaterThanOrEqualTo(heightBefore);

    String packageId = restarted.installedChaincodes().forDefinition("basic", "1.0").orElseThrow().packageId();
    assertThat(restarted.awaitChaincode(packageId, java.time.Duration.ofSeconds(360))).isTrue();
    // MAJORITY of two needs the restarted peer's endorsement.
    SubmittedTransaction tx =
        basic.newProposal("CreateAsset").addArguments("after-restart", "c", "1", "o", "1").build().endorse().submitAsync();
    assertThat(tx.getStatus().getCode()).isEqualTo(TxValidationCode.VALID);
    assertThat(restarted.channel(TwoOrgNetwork.CHANNEL).ledger().blocks().awaitHeight(tx.getStatus().getBlockNumber(), 30_000))
        .isTrue();
  }

  private static MethodDescriptor<byte[], byte[]> rawMethod(String fullName) {
    MethodDescriptor.Marshaller<byte[]> bytes = org.openbcs.transport.ByteArrayMarshaller.INSTANCE;
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName)
        .setRequestMarshaller(bytes)
        .setResponseMarshaller(bytes)
        .build();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
