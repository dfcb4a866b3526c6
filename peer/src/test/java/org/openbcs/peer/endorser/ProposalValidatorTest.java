package org.openbcs.peer.endorser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fabric's proposal checks, each failure with its status code and wording. */
class ProposalValidatorTest {
  @TempDir static Path dir;
  private static OneOrgChannel org;
  private static ProposalValidator validator;

  @BeforeAll
  static void setUp() {
    org = new OneOrgChannel(dir);
    validator = new ProposalValidator(org::lookup);
  }

  @AfterAll
  static void tearDown() {
    org.close();
  }

  @Test
  void aWellFormedProposalPassesWithItsCreatorAndInput() {
    ValidatedProposal p = validator.validate(org.proposal("basic", List.of("ReadAsset", "a1")));
    assertThat(p.creator().mspId()).isEqualTo(OneOrgChannel.MSP);
    assertThat(p.chaincodeName()).isEqualTo("basic");
    assertThat(p.function()).isEqualTo("ReadAsset");
    assertThat(p.channelId()).isEqualTo(OneOrgChannel.CHANNEL);
    assertThat(p.txId()).hasSize(64);
  }

  @Test
  void aTxIdThatDoesNotRecomputeIsRejected() {
    SignedProposal sp = org.proposal(org.client, "basic", List.of("f"), h -> h.setTxId("abc"));
    assertRejected(sp, Status.Code.INVALID_ARGUMENT, "incorrectly computed txid 'abc'");
  }

  @Test
  void headerTypeAndEpochAreChecked() {
    assertRejected(
        org.proposal(org.client, "basic", List.of("f"), h -> h.setType(HeaderType.CONFIG_VALUE)),
        Status.Code.INVALID_ARGUMENT,
        "invalid header type 1");
    assertRejected(
        org.proposal(org.client, "basic", List.of("f"), h -> h.setEpoch(7)),
        Status.Code.INVALID_ARGUMENT,
        "invalid Epoch in ChannelHeader. Expected 0, was [7]");
  }

  @Test
  void aSignatureByAnotherKeyIsRejected() {
    SignedProposal good = org.proposal("basic", List.of("f"));
    SignedProposal forged =
        good.toBuilder().setSignature(ByteString.copyFrom(org.peer.sign(good.getProposalBytes().toByteArray()))).build();
    assertRejected(forged, Status.Code.PERMISSION_DENIED, "signature over the proposal is not valid");
  }

  @Test
  void aCreatorOutsideTheChannelMspsIsRejected() {
    assertRejected(
        org.proposal(org.stranger, "basic", List.of("f"), h -> h),
        Status.Code.PERMISSION_DENIED,
        "creator is not valid");
  }

  @Test
  void unknownChannelMissingArgumentsAndGarbageAreRejected() {
    assertRejected(
        org.proposal(org.client, "basic", List.of("f"), h -> h.setChannelId("nochannel")),
        Status.Code.NOT_FOUND,
        "channel 'nochannel' not found");
    assertRejected(org.proposal("basic", List.of()), Status.Code.INVALID_ARGUMENT, "has no arguments");
    assertRejected(
        org.proposal(org.client, "", List.of("f"), h -> h),
        Status.Code.INVALID_ARGUMENT,
        "chaincode name is missing");
    SignedProposal garbage =
        SignedProposal.newBuilder()
            .setProposalBytes(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01, 0x02}))
            .setSignature(ByteString.copyFromUtf8("x"))
            .build();
    assertRejected(garbage, Status.Code.INVALID_ARGUMENT, "malformed Proposal");
    assertRejected(SignedProposal.getDefaultInstance(), Status.Code.INVALID_ARGUMENT, "empty proposal bytes");
  }

  private static void assertRejected(SignedProposal sp, Status.Code code, String message) {
    assertThatThrownBy(() -> validator.validate(sp))
        .isInstanceOf(ProposalException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ProposalException) e).code()).isEqualTo(code));
  }
}
