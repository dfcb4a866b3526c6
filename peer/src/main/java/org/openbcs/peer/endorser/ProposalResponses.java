package org.openbcs.peer.endorser;

import com.google.protobuf.ByteString;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.SigningIdentity;

/** Fabric's proposal-response construction (protoutil.CreateProposalResponse and friends). */
public final class ProposalResponses {
  /** ProposalResponse.version as Fabric peers set it. */
  public static final int PROPOSAL_RESPONSE_VERSION = 1;

  private ProposalResponses() {}

  /** The chaincode proposal payload as it goes into a transaction: without the transient map. */
  public static ChaincodeProposalPayload withoutTransient(ChaincodeProposalPayload payload) {
    return payload.getTransientMapCount() == 0 ? payload : payload.toBuilder().clearTransientMap().build();
  }

  /**
   * hash(channel_header ‖ signature_header ‖ transient-free ChaincodeProposalPayload), Fabric's
   * GetProposalHash1; the committer recomputes it from the transaction.
   */
  public static byte[] proposalHash(CryptoSuite suite, ValidatedProposal proposal) {
    ByteString data =
        proposal
            .header()
            .getChannelHeader()
            .concat(proposal.header().getSignatureHeader())
            .concat(withoutTransient(proposal.payload()).toByteString());
    return suite.hash(data.toByteArray());
  }

  public static ProposalResponsePayload payload(ValidatedProposal proposal, Simulation simulation) {
    ChaincodeAction.Builder action =
        ChaincodeAction.newBuilder()
            .setResults(simulation.readWriteSet().toByteString())
            .setResponse(simulation.response())
            .setChaincodeId(
                ChaincodeID.newBuilder()
                    .setName(proposal.chaincodeName())
                    .setVersion(simulation.chaincodeVersion()));
    if (simulation.event() != null) {
      action.setEvents(simulation.event().toByteString());
    }
    return ProposalResponsePayload.newBuilder()
        .setProposalHash(ByteString.copyFrom(proposalHash(proposal.channel().suite(), proposal)))
        .setExtension(action.build().toByteString())
        .build();
  }

  public static ProposalResponse endorsed(
      SigningIdentity signer, ValidatedProposal proposal, Simulation simulation) {
    if (simulation.failed()) {
      return ProposalResponse.newBuilder()
          .setVersion(PROPOSAL_RESPONSE_VERSION)
          .setResponse(simulation.response())
          .build();
    }
    ByteString prp = payload(proposal, simulation).toByteString();
    // endorsement = {endorser, sign(proposal_response_payload ‖ endorser)}
    ByteString endorser = ByteString.copyFrom(signer.serialized());
    byte[] signed = prp.concat(endorser).toByteArray();
    byte[] signature = signer.sign(signed);
    Endorsement endorsement =
        Endorsement.newBuilder().setEndorser(endorser).setSignature(ByteString.copyFrom(signature)).build();
    // The committer checks every endorsement of the block, this peer's own included; this one is
    // valid by construction, so the channel's verifier learns it now instead of verifying it then.
    proposal
        .channel()
        .verifier()
        .remember(
            new SignatureVerifier.Request(
                proposal.channel().msps().deserialize(endorser.toByteArray()).publicKey(), signed, signature));
    return ProposalResponse.newBuilder()
        .setVersion(PROPOSAL_RESPONSE_VERSION)
        .setResponse(simulation.response())
        .setPayload(prp)
        .setEndorsement(endorsement)
        .build();
  }

  /** A rejected proposal as Fabric's endorser reports it: status 500 and the reason. */
  public static ProposalResponse rejected(String message) {
    return ProposalResponse.newBuilder()
        .setVersion(PROPOSAL_RESPONSE_VERSION)
        .setResponse(
            org.hyperledger.fabric.protos.peer.Response.newBuilder()
                .setStatus(500)
                .setMessage(message))
        .build();
  }
}
