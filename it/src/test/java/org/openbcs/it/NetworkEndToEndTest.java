package org.openbcs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.ChaincodeEvent;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.Proposal;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.client.Transaction;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockchainInfo;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified Fabric Gateway Java client against a network of real processes, started the way
 * {@code ./bcs up} starts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NetworkEndToEndTest {
  @TempDir static Path dir;

  private TestNetwork net;
  private TestNetwork.Client org1;
  private Network channel;
  private Contract basic;

  @BeforeAll
  void startNetwork() throws Exception {
    net = TestNetwork.start(dir.resolve("net"));
    org1 = net.client("Org1MSP", "User1");
    channel = org1.gateway().getNetwork(net.layout.channelId());
    basic = channel.getContract("basic");
  }

  @AfterAll
  void stopNetwork() {
    if (org1 != null) {
      org1.close();
    }
    if (net != null) {
      net.close();
    }
  }

  @Test
  void submitThenEvaluateReadsTheCommittedAsset() throws Exception {
    SubmittedTransaction tx =
        basic.newProposal("CreateAsset").addArguments("e2e-1", "blue", "5", "Tom", "300").build().endorse().submitAsync();
    Status status = tx.getStatus();
    assertThat(status.getCode()).isEqualTo(TxValidationCode.VALID);
    assertThat(status.getBlockNumber()).isGreaterThan(0);
    String asset = new String(basic.evaluateTransaction("ReadAsset", "e2e-1"), StandardCharsets.UTF_8);
    assertThat(asset).contains("\"Owner\":\"Tom\"").contains("e2e-1");

    // The committing block holds the transaction with a VALID filter byte, as qscc reports it.
    Contract qscc = channel.getContract("qscc");
    BlockchainInfo info = BlockchainInfo.parseFrom(qscc.evaluateTransaction("GetChainInfo", net.layout.channelId()));
    assertThat(info.getHeight()).isGreaterThan(status.getBlockNumber());
    Block block = Block.parseFrom(
        qscc.evaluateTransaction("GetBlockByNumber", net.layout.channelId(), Long.toString(status.getBlockNumber())));
    assertThat(block.getHeader().getNumber()).isEqualTo(status.getBlockNumber());
    byte[] filter = block.getMetadata().getMetadata(2).toByteArray();
    int position = -1;
    for (int i = 0; i < block.getData().getDataCount(); i++) {
      var payload = org.hyperledger.fabric.protos.common.Payload.parseFrom(
          org.hyperledger.fabric.protos.common.Envelope.parseFrom(block.getData().getData(i)).getPayload());
      var header = org.hyperledger.fabric.protos.common.ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
      if (header.getTxId().equals(tx.getTransactionId())) {
        position = i;
      }
    }
    assertThat(position).as("the tx is in the block qscc returns").isNotNegative();
    assertThat(filter[position]).isEqualTo((byte) TxValidationCode.VALID_VALUE);
    var processed = org.hyperledger.fabric.protos.peer.ProcessedTransaction.parseFrom(
        qscc.evaluateTransaction("GetTransactionByID", net.layout.channelId(), tx.getTransactionId()));
    assertThat(processed.getValidationCode()).isEqualTo(TxValidationCode.VALID_VALUE);
  }

  @Test
  void otherOrganisationsPeerServesTheSameState() throws Exception {
    basic.submitTransaction("CreateAsset", "e2e-org2", "red", "3", "Ann", "10");
    try (TestNetwork.Client org2 = net.client("Org2MSP", "User1")) {
      Contract viaOrg2 = org2.gateway().getNetwork(net.layout.channelId()).getContract("basic");
      String asset = new String(viaOrg2.evaluateTransaction("ReadAsset", "e2e-org2"), StandardCharsets.UTF_8);
      assertThat(asset).contains("\"Owner\":\"Ann\"");
    }
  }

  @Test
  void chaincodeEventsAndBlockEventsArriveForACommittedTransaction() throws Exception {
    basic.submitTransaction("CreateAsset", "e2e-ev", "green", "1", "Bob", "5");
    SubmittedTransaction transfer =
        basic.newProposal("TransferAsset").addArguments("e2e-ev", "Carol").build().endorse().submitAsync();
    Status status = transfer.getStatus();
    assertThat(status.isSuccessful()).isTrue();

    try (CloseableIterator<ChaincodeEvent> events =
        channel.newChaincodeEventsRequest("basic").startBlock(status.getBlockNumber()).build().getEvents()) {
      ChaincodeEvent event = events.next();
      assertThat(event.getTransactionId()).isEqualTo(transfer.getTransactionId());
      assertThat(event.getEventName()).isEqualTo("TransferAsset");
      assertThat(event.getChaincodeName()).isEqualTo("basic");
      assertThat(event.getBlockNumber()).isEqualTo(status.getBlockNumber());
    }

    try (CloseableIterator<Block> blocks = channel.newBlockEventsRequest().startBlock(status.getBlockNumber()).build().getEvents()) {
      Block block = blocks.next();
      assertThat(block.getHeader().getNumber()).isEqualTo(status.getBlockNumber());
      byte[] filter = block.getMetadata().getMetadata(2).toByteArray();
      assertThat(filter).hasSize(block.getData().getDataCount());
    }

    try (CloseableIterator<org.hyperledger.fabric.protos.peer.FilteredBlock> filtered =
        channel.newFilteredBlockEventsRequest().startBlock(status.getBlockNumber()).build().getEvents()) {
      var block = filtered.next();
      assertThat(block.getNumber()).isEqualTo(status.getBlockNumber());
      assertThat(block.getChannelId()).isEqualTo(net.layout.channelId());
      assertThat(block.getFilteredTransactionsList())
          .filteredOn(t -> t.getTxid().equals(transfer.getTransactionId()))
          .singleElement()
          .satisfies(t -> assertThat(t.getTxValidationCode()).isEqualTo(TxValidationCode.VALID));
    }
  }

  @Test
  void concurrentUpdatesOfOneKeyCommitExactlyOne() throws Exception {
    basic.submitTransaction("CreateAsset", "e2e-mvcc", "white", "2", "Dan", "7");
    Transaction first = basic.newProposal("TransferAsset").addArguments("e2e-mvcc", "Eve").build().endorse();
    Transaction second = basic.newProposal("TransferAsset").addArguments("e2e-mvcc", "Frank").build().endorse();
    SubmittedTransaction s1 = first.submitAsync();
    SubmittedTransaction s2 = second.submitAsync();
    List<TxValidationCode> codes = List.of(s1.getStatus().getCode(), s2.getStatus().getCode());
    assertThat(codes).containsExactlyInAnyOrder(TxValidationCode.VALID, TxValidationCode.MVCC_READ_CONFLICT);
  }

  @Test
  void endorsementByOneOrganisationFailsAnAndPolicy() throws Exception {
    net.deploy("basic-and", "AND('Org1MSP.peer','Org2MSP.peer')");
    Contract strict = channel.getContract("basic-and");
    SubmittedTransaction tx =
        strict.newProposal("CreateAsset")
            .addArguments("e2e-and", "black", "1", "Gus", "1")
            .setEndorsingOrganizations("Org1MSP")
            .build()
            .endorse()
            .submitAsync();
    assertThat(tx.getStatus().getCode()).isEqualTo(TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    // With both organisations endorsing (the gateway's own plan), the same call commits.
    strict.submitTransaction("CreateAsset", "e2e-and", "black", "1", "Gus", "1");
    assertThat(new String(strict.evaluateTransaction("ReadAsset", "e2e-and"), StandardCharsets.UTF_8)).contains("Gus");
  }

  @Test
  void badSignatureIsRejectedWithAClearError() throws Exception {
    SecureRandom random = new SecureRandom();
    try (TestNetwork.Client forger =
        net.client("Org1MSP", "User1", digest -> {
          byte[] junk = new byte[70];
          random.nextBytes(junk);
          return junk;
        })) {
      Contract c = forger.gateway().getNetwork(net.layout.channelId()).getContract("basic");
      Proposal forged = c.newProposal("ReadAsset").addArguments("e2e-1").build();
      assertThatThrownBy(forged::evaluate)
          .isInstanceOfSatisfying(
              GatewayException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(
                        "access denied: the creator's signature over the proposal is not valid (creator Org1MSP, tx "
                            + forged.getTransactionId() + ")");
              });
    }
    // The peer keeps serving well-signed requests.
    assertThat(new String(basic.evaluateTransaction("AssetExists", "nothing-here"), StandardCharsets.UTF_8))
        .isEqualTo("false");
  }

  @Test
  void unknownChaincodeIsNamedInTheError() {
    Contract missing = channel.getContract("no-such-chaincode");
    assertThatThrownBy(() -> missing.evaluateTransaction("Anything"))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("chaincode 'no-such-chaincode' is not defined on channel '" + net.layout.channelId() + "'");
            });
  }

  @Test
  void replayedTransactionIsNotCommittedTwice() throws Exception {
    Transaction tx = basic.newProposal("CreateAsset").addArguments("e2e-replay", "blue", "1", "Hal", "1").build().endorse();
    byte[] bytes = tx.getBytes();
    byte[] digest = tx.getDigest();
    SubmittedTransaction once = tx.submitAsync();
    assertThat(once.getStatus().getCode()).isEqualTo(TxValidationCode.VALID);

    // The gateway finds the committed transaction id and refuses the replay before ordering it.
    Transaction again = org1.gateway().newTransaction(bytes);
    assertThat(again.getDigest()).isEqualTo(digest);
    assertThatThrownBy(again::submitAsync)
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.ALREADY_EXISTS);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("duplicate transaction found [" + tx.getTransactionId() + "]");
            });

    // The asset was written once: its history holds the original transaction only.
    String history = new String(basic.evaluateTransaction("GetAssetHistory", "e2e-replay"), StandardCharsets.UTF_8);
    assertThat(history.split("\"txId\"", -1)).hasSize(2);
    assertThat(history).contains("\"txId\":\"" + tx.getTransactionId() + "\"");
  }
}
