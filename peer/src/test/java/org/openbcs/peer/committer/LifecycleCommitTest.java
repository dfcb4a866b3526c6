package org.openbcs.peer.committer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVWrite;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.lifecycle.LedgerChaincodeDefinitions;
import org.openbcs.peer.lifecycle.LifecycleNamespace;
import org.openbcs.peer.policy.EndorsementPolicies;

/**
 * The agreed lifecycle contract end to end: a {@code _lifecycle} transaction endorsed by a
 * MAJORITY writes a CommitChaincodeDefinitionArgs record; the committed definition (read back
 * through the gateway side's LedgerChaincodeDefinitions) then governs that chaincode's
 * transactions; a second definition replaces the policy.
 */
@Timeout(120)
class LifecycleCommitTest {
  @TempDir Path dir;
  TestNetwork net;

  @AfterEach
  void tearDown() {
    if (net != null) {
      net.close();
    }
  }

  private static NsReadWriteSet definition(String name, long sequence, String policy) {
    byte[] record =
        LifecycleNamespace.record(name, "1." + sequence, sequence, EndorsementPolicies.toApplicationPolicy(policy))
            .toByteArray();
    return NsReadWriteSet.newBuilder()
        .setNamespace(LifecycleNamespace.NAME)
        .setRwset(
            KVRWSet.newBuilder()
                .addWrites(KVWrite.newBuilder().setKey(name).setValue(com.google.protobuf.ByteString.copyFrom(record)))
                .build()
                .toByteString())
        .build();
  }

  /**
   * {@code pipelined}: all three blocks are handed to {@code commitAsync} back to back, so block
   * 2's validation must wait for block 1's definition to be in state (and block 3's for block 2's).
   */
  @ParameterizedTest(name = "pipelined={0}")
  @ValueSource(booleans = {false, true})
  void committedDefinitionGovernsLaterTransactions(boolean pipelined) {
    net = new TestNetwork(dir.resolve("crypto"), "Org1MSP", "Org2MSP", "Org3MSP");
    TxFactory txs = new TxFactory(net.suite);
    PeerChannel base = net.openChannel(dir.resolve("ledger"));
    PeerChannel channel =
        new PeerChannel(
            base.channelId(),
            base.config(),
            base.msps(),
            base.ledger(),
            new LedgerChaincodeDefinitions(base.ledger(), base.config(), base.msps()),
            base.suite(),
            base.verifier());
    BlockCommitter committer = new BlockCommitter(channel);
    Block tip = net.config.genesisBlock(net.suite);
    committer.commit(tip);
    SigningIdentity client = net.clients.get("Org1MSP");
    SigningIdentity p1 = net.peers.get("Org1MSP");
    SigningIdentity p2 = net.peers.get("Org2MSP");
    SigningIdentity p3 = net.peers.get("Org3MSP");

    // Before the definition: the chaincode is unknown.
    Envelope early = txs.tx(client, "assets").endorsedBy(p1).writes("k", "v").build();
    // One org of three is not a majority; two are.
    Envelope minority =
        txs.tx(client, LifecycleNamespace.NAME).endorsedBy(p1).rwset(definition("assets", 1, "OR('Org1MSP.peer')")).build();
    Envelope majority =
        txs.tx(client, LifecycleNamespace.NAME)
            .endorsedBy(p1, p3)
            .rwset(definition("assets", 1, "OR('Org1MSP.peer')"))
            .build();
    Block b1 = txs.nextBlock(tip, List.of(early, minority, majority));
    Envelope byOrg1 = txs.tx(client, "assets").endorsedBy(p1).writes("k1", "v").build();
    Envelope byOrg2 = txs.tx(client, "assets").endorsedBy(p2).writes("k2", "v").build();
    Envelope redefine =
        txs.tx(client, LifecycleNamespace.NAME)
            .endorsedBy(p2, p3)
            .rwset(definition("assets", 2, "AND('Org2MSP.peer','Org3MSP.peer')"))
            .build();
    Block b2 = txs.nextBlock(b1, List.of(byOrg1, byOrg2, redefine));
    Envelope oldPolicy = txs.tx(client, "assets").endorsedBy(p1).writes("k3", "v").build();
    Envelope newPolicy = txs.tx(client, "assets").endorsedBy(p2, p3).writes("k4", "v").build();
    Block b3 = txs.nextBlock(b2, List.of(oldPolicy, newPolicy));
    List<byte[]> codes;
    if (pipelined) {
      var f1 = committer.commitAsync(b1);
      var f2 = committer.commitAsync(b2);
      var f3 = committer.commitAsync(b3);
      assertThat(committer.tip().height()).isEqualTo(4);
      codes = List.of(f1.join().validationCodes(), f2.join().validationCodes(), f3.join().validationCodes());
    } else {
      codes =
          List.of(
              committer.commit(b1).validationCodes(),
              committer.commit(b2).validationCodes(),
              committer.commit(b3).validationCodes());
    }
    assertThat(codes.get(0))
        .containsExactly(
            TxValidationCode.INVALID_CHAINCODE_VALUE,
            TxValidationCode.ENDORSEMENT_POLICY_FAILURE_VALUE,
            TxValidationCode.VALID_VALUE);

    assertThat(codes.get(1))
        .containsExactly(
            TxValidationCode.VALID_VALUE,
            TxValidationCode.ENDORSEMENT_POLICY_FAILURE_VALUE,
            TxValidationCode.VALID_VALUE);

    assertThat(codes.get(2))
        .containsExactly(TxValidationCode.ENDORSEMENT_POLICY_FAILURE_VALUE, TxValidationCode.VALID_VALUE);
    assertThat(channel.ledger().getState("assets", "k4")).isPresent();
    assertThat(channel.ledger().getState("assets", "k3")).isEmpty();
  }
}
