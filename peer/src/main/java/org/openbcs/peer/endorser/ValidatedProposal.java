package org.openbcs.peer.endorser;

import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.identity.Identity;
import org.openbcs.peer.channel.PeerChannel;

/**
 * A signed proposal that passed every check of {@link ProposalValidator}. {@code header} keeps the
 * exact channel/signature header bytes the client signed; they are re-used verbatim in the
 * prepared transaction.
 */
public record ValidatedProposal(
    PeerChannel channel,
    SignedProposal signed,
    Header header,
    ChannelHeader channelHeader,
    SignatureHeader signatureHeader,
    ChaincodeProposalPayload payload,
    String chaincodeName,
    ChaincodeInput input,
    Identity creator) {

  public String txId() {
    return channelHeader.getTxId();
  }

  public String channelId() {
    return channelHeader.getChannelId();
  }

  /** The chaincode function name (first argument), for logs. */
  public String function() {
    return input.getArgsCount() == 0 ? "" : input.getArgs(0).toStringUtf8();
  }
}
