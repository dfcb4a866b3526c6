package org.openbcs.peer.endorser;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.grpc.Status;
import java.util.function.Function;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.peer.channel.PeerChannel;

/**
 * The checks a Fabric endorser makes before simulating (core/endorser/msgvalidation.go): header
 * type, epoch, nonce, creator, recomputed tx id, creator identity in the channel's MSPs, signature
 * over the proposal bytes, chaincode name, at least one argument, tx id not yet committed. Cheap
 * structural checks come first so garbage never costs a signature verification.
 */
public final class ProposalValidator {
  private final Function<String, PeerChannel> channels;

  /** {@code channels} maps a channel id to the joined channel, or null if this peer has none. */
  public ProposalValidator(Function<String, PeerChannel> channels) {
    this.channels = channels;
  }

  public ValidatedProposal validate(SignedProposal signed) {
    if (signed.getProposalBytes().isEmpty()) {
      throw ProposalException.invalid("empty proposal bytes in signed proposal");
    }
    if (signed.getSignature().isEmpty()) {
      throw ProposalException.invalid("empty signature in signed proposal");
    }
    Proposal proposal = parse(Proposal.parser(), signed.getProposalBytes(), "Proposal");
    Header header = parse(Header.parser(), proposal.getHeader(), "Header");
    ChannelHeader channelHeader =
        parse(ChannelHeader.parser(), header.getChannelHeader(), "ChannelHeader");
    SignatureHeader signatureHeader =
        parse(SignatureHeader.parser(), header.getSignatureHeader(), "SignatureHeader");

    if (channelHeader.getType() != HeaderType.ENDORSER_TRANSACTION_VALUE) {
      throw ProposalException.invalid("invalid header type %d", channelHeader.getType());
    }
    if (channelHeader.getEpoch() != 0) {
      throw ProposalException.invalid(
          "invalid Epoch in ChannelHeader. Expected 0, was [%d]", channelHeader.getEpoch());
    }
    if (signatureHeader.getNonce().isEmpty()) {
      throw ProposalException.invalid("invalid nonce specified in the header");
    }
    if (signatureHeader.getCreator().isEmpty()) {
      throw ProposalException.invalid("invalid creator specified in the header");
    }
    String expectedTxId = TxIds.compute(signatureHeader.getNonce(), signatureHeader.getCreator());
    if (!expectedTxId.equals(channelHeader.getTxId())) {
      throw ProposalException.invalid(
          "incorrectly computed txid '%s' -- expected '%s'", channelHeader.getTxId(), expectedTxId);
    }

    ChaincodeHeaderExtension extension =
        parse(ChaincodeHeaderExtension.parser(), channelHeader.getExtension(), "ChaincodeHeaderExtension");
    String chaincodeName = extension.getChaincodeId().getName();
    if (chaincodeName.isEmpty()) {
      throw ProposalException.invalid("chaincode name is missing in the ChaincodeHeaderExtension");
    }
    ChaincodeProposalPayload payload =
        parse(ChaincodeProposalPayload.parser(), proposal.getPayload(), "ChaincodeProposalPayload");
    ChaincodeInvocationSpec spec =
        parse(ChaincodeInvocationSpec.parser(), payload.getInput(), "ChaincodeInvocationSpec");
    ChaincodeInput input = spec.getChaincodeSpec().getInput();
    if (input.getArgsCount() == 0) {
      throw ProposalException.invalid("chaincode input of transaction %s has no arguments", expectedTxId);
    }

    String channelId = channelHeader.getChannelId();
    PeerChannel channel = channelId.isEmpty() ? null : channels.apply(channelId);
    if (channel == null) {
      throw new ProposalException(Status.Code.NOT_FOUND, "channel '" + channelId + "' not found");
    }
    Identity creator;
    try {
      creator = channel.msps().deserialize(signatureHeader.getCreator().toByteArray());
    } catch (IdentityException e) {
      throw new ProposalException(
          Status.Code.PERMISSION_DENIED,
          "access denied: channel [" + channelId + "] creator is not valid: " + e.getMessage(),
          e);
    }
    boolean signatureOk =
        channel
            .verifier()
            .verify(
                new SignatureVerifier.Request(
                    creator.publicKey(),
                    signed.getProposalBytes().toByteArray(),
                    signed.getSignature().toByteArray()));
    if (!signatureOk) {
      throw new ProposalException(
          Status.Code.PERMISSION_DENIED,
          "access denied: the creator's signature over the proposal is not valid (creator "
              + creator.mspId()
              + ", tx "
              + expectedTxId
              + ")");
    }
    if (channel.ledger().transactionOutcome(expectedTxId).isPresent()) {
      throw new ProposalException(
          Status.Code.ALREADY_EXISTS, "duplicate transaction found [" + expectedTxId + "]");
    }
    return new ValidatedProposal(
        channel, signed, header, channelHeader, signatureHeader, payload, chaincodeName, input, creator);
  }

  static <T> T parse(Parser<T> parser, ByteString bytes, String what) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw ProposalException.invalid("malformed %s: %s", what, e.getMessage());
    }
  }
}
