package org.openbcs.peer.endorser;

import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.common.log.LogContext;
import org.openbcs.identity.SigningIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's endorser: check a proposal, simulate it, sign the result. Shared by the
 * {@code Endorser/ProcessProposal} service and the gateway (which calls it in-process for its own
 * organisation).
 */
public final class Endorser {
  private static final Logger log = LoggerFactory.getLogger(Endorser.class);

  private final ProposalValidator validator;
  private final ChaincodeExecutor executor;
  private final SigningIdentity signer;

  public Endorser(ProposalValidator validator, ChaincodeExecutor executor, SigningIdentity signer) {
    this.validator = validator;
    this.executor = executor;
    this.signer = signer;
  }

  public String mspId() {
    return signer.mspId();
  }

  public SigningIdentity signer() {
    return signer;
  }

  public ChaincodeExecutor executor() {
    return executor;
  }

  /** @throws ProposalException when the proposal fails a check */
  public ValidatedProposal validate(SignedProposal signed) {
    return validator.validate(signed);
  }

  public Simulation simulate(ValidatedProposal proposal) {
    Simulation simulation = executor.simulate(proposal);
    if (simulation.failed()) {
      log.debug(
          "channel={} tx={} chaincode={} fn={} returned status {}: {}",
          proposal.channelId(),
          proposal.txId(),
          proposal.chaincodeName(),
          proposal.function(),
          simulation.response().getStatus(),
          simulation.response().getMessage());
    }
    return simulation;
  }

  /** Simulates and signs; a chaincode status >= 400 gives a response without endorsement. */
  public ProposalResponse endorse(ValidatedProposal proposal) {
    return ProposalResponses.endorsed(signer, proposal, simulate(proposal));
  }

  /** Fabric ProcessProposal semantics: every failure is a status-500 ProposalResponse. */
  public ProposalResponse processProposal(SignedProposal signed) {
    ValidatedProposal proposal;
    try {
      proposal = validator.validate(signed);
      try (LogContext.Scope ctx =
          LogContext.tx(proposal.channelHeader().getChannelId(), proposal.channelHeader().getTxId())) {
        return endorse(proposal);
      }
    } catch (ProposalException e) {
      log.info("proposal rejected: {}", e.getMessage());
      return ProposalResponses.rejected(e.getMessage());
    }
  }
}
