package org.openbcs.peer.endorser;

import io.grpc.stub.StreamObserver;
import org.hyperledger.fabric.protos.peer.EndorserGrpc;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.hyperledger.fabric.protos.peer.SignedProposal;

/**
 * {@code protos.Endorser/ProcessProposal}: the endorsement other organisations' gateways ask this
 * peer for. Proposal problems come back as a status-500 ProposalResponse (as Fabric answers), so
 * the caller sees the reason in the response.
 */
public final class EndorserService extends EndorserGrpc.EndorserImplBase {
  private final Endorser endorser;

  public EndorserService(Endorser endorser) {
    this.endorser = endorser;
  }

  @Override
  public void processProposal(SignedProposal request, StreamObserver<ProposalResponse> responses) {
    responses.onNext(endorser.processProposal(request));
    responses.onCompleted();
  }
}
