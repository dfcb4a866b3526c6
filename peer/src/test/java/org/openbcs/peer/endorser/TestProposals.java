package org.openbcs.peer.endorser;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.identity.SigningIdentity;

/**
 * Signed endorser proposals as a Fabric client builds them (tx id = hash(nonce || creator)), for
 * the peer's tests; {@code tweak} lets a test break the channel header on purpose. Carries a
 * transient entry, which must never reach the transaction.
 */
public final class TestProposals {
  private TestProposals() {}

  public static SignedProposal signed(
      SigningIdentity signer,
      String channel,
      String chaincode,
      List<String> args,
      UnaryOperator<ChannelHeader.Builder> tweak,
      RandomGenerator random) {
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    ByteString creator = ByteString.copyFrom(signer.serialized());
    ChannelHeader.Builder header =
        ChannelHeader.newBuilder()
            .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
            .setChannelId(channel)
            .setTxId(TxIds.compute(ByteString.copyFrom(nonce), creator))
            .setTimestamp(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
            .setExtension(
                ChaincodeHeaderExtension.newBuilder()
                    .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                    .build()
                    .toByteString());
    ChaincodeInput.Builder input = ChaincodeInput.newBuilder();
    args.forEach(a -> input.addArgs(ByteString.copyFromUtf8(a)));
    Proposal proposal =
        Proposal.newBuilder()
            .setHeader(
                Header.newBuilder()
                    .setChannelHeader(tweak.apply(header).build().toByteString())
                    .setSignatureHeader(
                        SignatureHeader.newBuilder().setCreator(creator).setNonce(ByteString.copyFrom(nonce)).build().toByteString())
                    .build()
                    .toByteString())
            .setPayload(
                ChaincodeProposalPayload.newBuilder()
                    .setInput(
                        ChaincodeInvocationSpec.newBuilder()
                            .setChaincodeSpec(
                                ChaincodeSpec.newBuilder()
                                    .setType(ChaincodeSpec.Type.NODE)
                                    .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                                    .setInput(input))
                            .build()
                            .toByteString())
                    .putTransientMap("secret", ByteString.copyFromUtf8("not in the transaction"))
                    .build()
                    .toByteString())
            .build();
    return SignedProposal.newBuilder()
        .setProposalBytes(proposal.toByteString())
        .setSignature(ByteString.copyFrom(signer.sign(proposal.toByteArray())))
        .build();
  }}
