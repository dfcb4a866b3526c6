package org.openbcs.peer.gateway;

import com.google.protobuf.ByteString;
import java.util.List;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEndorsedAction;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.openbcs.peer.endorser.ProposalResponses;
import org.openbcs.peer.endorser.ValidatedProposal;

/**
 * The unsigned transaction envelope Endorse returns (Fabric's prepareTransaction): the proposal's
 * exact header bytes, one action whose header is the proposal's signature header and whose
 * payload carries the transient-free proposal payload and the endorsed response.
 */
final class PreparedTransactions {
  private PreparedTransactions() {}

  static Envelope of(ValidatedProposal proposal, ByteString prpBytes, List<Endorsement> endorsements) {
    ChaincodeActionPayload actionPayload =
        ChaincodeActionPayload.newBuilder()
            .setChaincodeProposalPayload(
                ProposalResponses.withoutTransient(proposal.payload()).toByteString())
            .setAction(
                ChaincodeEndorsedAction.newBuilder()
                    .setProposalResponsePayload(prpBytes)
                    .addAllEndorsements(endorsements))
            .build();
    Transaction transaction =
        Transaction.newBuilder()
            .addActions(
                TransactionAction.newBuilder()
                    .setHeader(proposal.header().getSignatureHeader())
                    .setPayload(actionPayload.toByteString()))
            .build();
    Payload payload =
        Payload.newBuilder()
            .setHeader(
                Header.newBuilder()
                    .setChannelHeader(proposal.header().getChannelHeader())
                    .setSignatureHeader(proposal.header().getSignatureHeader()))
            .setData(transaction.toByteString())
            .build();
    return Envelope.newBuilder().setPayload(payload.toByteString()).build();
  }
}
