package org.openbcs.peer.endorser;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.hyperledger.fabric.protos.peer.lifecycle.CommitChaincodeDefinitionArgs;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.crypto.verify.ParallelSignatureVerifier;
import org.openbcs.peer.lifecycle.ChaincodeActivator;
import org.openbcs.peer.lifecycle.LifecycleChaincode;
import org.openbcs.peer.qscc.QueryChaincode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endorser end to end in-process with the built-in chaincodes: what it signs, how the
 * proposal hash is formed, and how failures come back. User chaincode is never reached here (the
 * runtime fails loudly if it were).
 */
class EndorserTest {
  @TempDir static Path dir;
  private static OneOrgChannel org;
  private static Endorser endorser;

  @BeforeAll
  static void setUp() {
    org = new OneOrgChannel(dir);
    ChaincodeExecutor executor =
        new ChaincodeExecutor(
            Map.of("_lifecycle", new LifecycleChaincode(), "qscc", new QueryChaincode(org::lookup)),
            (invocation, simulator, timeout) -> {
              throw new ChaincodeException("no user chaincode in this test");
            },
            ChaincodeActivator.NONE,
            Duration.ofSeconds(5));
    endorser = new Endorser(new ProposalValidator(org::lookup), executor, org.peer);
  }

  @AfterAll
  static void tearDown() {
    org.close();
  }

  @Test
  void aDeployIsEndorsedWithASignatureOverPayloadAndEndorser() throws Exception {
    SignedProposal sp =
        org.proposal("_lifecycle", List.of("DeployChaincode", "basic", "1.0", "1", "OR('Org1MSP.peer')"));
    ProposalResponse response = endorser.processProposal(sp);

    assertThat(response.getResponse().getStatus()).isEqualTo(200);
    assertThat(response.getVersion()).isEqualTo(1);
    assertThat(response.getEndorsement().getEndorser()).isEqualTo(ByteString.copyFrom(org.peer.serialized()));
    SignatureVerifier.Request endorsement =
        new SignatureVerifier.Request(
            org.peer.certificate().getPublicKey(),
            response.getPayload().concat(response.getEndorsement().getEndorser()).toByteArray(),
            response.getEndorsement().getSignature().toByteArray());
    assertThat(org.suite.verify(endorsement.key(), endorsement.message(), endorsement.signature())).isTrue();
    // The peer's own endorsement is known valid: the committer's check of it is a cache hit.
    ParallelSignatureVerifier verifier = (ParallelSignatureVerifier) org.channel.verifier();
    long hits = verifier.cacheHits();
    assertThat(verifier.verify(endorsement)).isTrue();
    assertThat(verifier.cacheHits()).isEqualTo(hits + 1);

    ProposalResponsePayload prp = ProposalResponsePayload.parseFrom(response.getPayload());
    ValidatedProposal validated = endorser.validate(sp);
    // The hash covers the proposal without its transient map, which never reaches a block.
    assertThat(validated.payload().getTransientMapCount()).isEqualTo(1);
    assertThat(prp.getProposalHash().toByteArray())
        .isEqualTo(ProposalResponses.proposalHash(org.suite, validated));
    ChaincodeAction action = ChaincodeAction.parseFrom(prp.getExtension());
    assertThat(action.getChaincodeId().getName()).isEqualTo("_lifecycle");
    TxReadWriteSet rwset = TxReadWriteSet.parseFrom(action.getResults());
    assertThat(rwset.getNsRwsetList()).singleElement().satisfies(ns -> assertThat(ns.getNamespace()).isEqualTo("_lifecycle"));
    KVRWSet kv = KVRWSet.parseFrom(rwset.getNsRwset(0).getRwset());
    CommitChaincodeDefinitionArgs written = CommitChaincodeDefinitionArgs.parseFrom(kv.getWrites(0).getValue());
    assertThat(kv.getWrites(0).getKey()).isEqualTo("basic");
    assertThat(written.getSequence()).isEqualTo(1);
    assertThat(written.getVersion()).isEqualTo("1.0");
    assertThat(ApplicationPolicy.parseFrom(written.getValidationParameter()).hasSignaturePolicy()).isTrue();
  }

  @Test
  void aDeployWithTheWrongSequenceOrABadPolicyIsNotEndorsed() {
    ProposalResponse skipped =
        endorser.processProposal(
            org.proposal("_lifecycle", List.of("DeployChaincode", "basic", "1.0", "3", "MAJORITY Endorsement")));
    assertThat(skipped.getResponse().getStatus()).isEqualTo(400);
    assertThat(skipped.getResponse().getMessage()).contains("new definition must be sequence 1");
    assertThat(skipped.hasEndorsement()).isFalse();

    ProposalResponse badPolicy =
        endorser.processProposal(
            org.proposal("_lifecycle", List.of("DeployChaincode", "basic", "1.0", "1", "AND('Org1MSP.peer'")));
    assertThat(badPolicy.getResponse().getStatus()).isEqualTo(400);
    assertThat(badPolicy.hasEndorsement()).isFalse();
  }

  @Test
  void undefinedChaincodeAndBadProposalsComeBackAsStatus500() {
    ProposalResponse undefined = endorser.processProposal(org.proposal("basic", List.of("ReadAsset", "a")));
    assertThat(undefined.getResponse().getStatus()).isEqualTo(500);
    assertThat(undefined.getResponse().getMessage()).isEqualTo("chaincode 'basic' is not defined on channel 'ch1'");

    ProposalResponse forged =
        endorser.processProposal(
            org.proposal("basic", List.of("f")).toBuilder().setSignature(ByteString.copyFromUtf8("nope")).build());
    assertThat(forged.getResponse().getStatus()).isEqualTo(500);
    assertThat(forged.getResponse().getMessage()).contains("signature");
  }

  @Test
  void qsccAnswersMissingBlocksWithFabricsWording() {
    ProposalResponse missing =
        endorser.processProposal(org.proposal("qscc", List.of("GetBlockByNumber", OneOrgChannel.CHANNEL, "5")));
    assertThat(missing.getResponse().getStatus()).isEqualTo(500);
    assertThat(missing.getResponse().getMessage()).startsWith("Failed to get block number 5");

    ProposalResponse otherChannel =
        endorser.processProposal(org.proposal("qscc", List.of("GetChainInfo", "elsewhere")));
    assertThat(otherChannel.getResponse().getMessage()).isEqualTo("Invalid chain ID, elsewhere");
  }
}
