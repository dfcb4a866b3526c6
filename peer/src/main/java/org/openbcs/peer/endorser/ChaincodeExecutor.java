package org.openbcs.peer.endorser;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.peer.Response;
import org.openbcs.chaincode.ChaincodeException;
import org.openbcs.chaincode.ChaincodeInvocation;
import org.openbcs.chaincode.ChaincodeResult;
import org.openbcs.chaincode.ChaincodeRuntime;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.openbcs.peer.lifecycle.ChaincodeActivator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a validated proposal against a fresh simulator: system chaincodes in-process, user chaincode
 * through the {@link ChaincodeRuntime} once its definition is committed on the channel.
 */
public final class ChaincodeExecutor {
  private static final Logger log = LoggerFactory.getLogger(ChaincodeExecutor.class);

  private final Map<String, SystemChaincode> systemChaincodes;
  private final ChaincodeRuntime runtime;
  private final ChaincodeActivator activator;
  private final Duration executeTimeout;

  public ChaincodeExecutor(
      Map<String, SystemChaincode> systemChaincodes,
      ChaincodeRuntime runtime,
      ChaincodeActivator activator,
      Duration executeTimeout) {
    this.systemChaincodes = Map.copyOf(systemChaincodes);
    this.runtime = runtime;
    this.activator = activator;
    this.executeTimeout = executeTimeout;
  }

  public boolean isSystemChaincode(String name) {
    return systemChaincodes.containsKey(name);
  }

  /** The committed definition of a user chaincode; NOT_FOUND with Fabric-like wording otherwise. */
  public static ChaincodeDefinition definitionOf(ValidatedProposal proposal) {
    Optional<ChaincodeDefinition> definition =
        proposal.channel().chaincodes().get(proposal.chaincodeName());
    return definition.orElseThrow(
        () ->
            new ProposalException(
                Status.Code.NOT_FOUND,
                "chaincode '"
                    + proposal.chaincodeName()
                    + "' is not defined on channel '"
                    + proposal.channelId()
                    + "'"));
  }

  public Simulation simulate(ValidatedProposal proposal) {
    SystemChaincode system = systemChaincodes.get(proposal.chaincodeName());
    ChaincodeDefinition definition = system == null ? definitionOf(proposal) : null;
    try (TxSimulator simulator = proposal.channel().ledger().newSimulator(proposal.txId())) {
      ChaincodeResult result;
      String version;
      if (system != null) {
        result = system.invoke(proposal, simulator);
        version = system.version();
      } else {
        result = runUserChaincode(proposal, definition, simulator);
        version = definition.version();
      }
      return new Simulation(result.response(), result.event(), simulator.readWriteSet(), version);
    }
  }

  private ChaincodeResult runUserChaincode(
      ValidatedProposal proposal, ChaincodeDefinition definition, TxSimulator simulator) {
    ChaincodeInvocation invocation =
        new ChaincodeInvocation(
            proposal.channelId(),
            proposal.txId(),
            proposal.chaincodeName(),
            proposal.signed(),
            proposal.input());
    try {
      activator.ensureRunning(proposal.channelId(), definition);
      return runtime.execute(invocation, simulator, executeTimeout);
    } catch (ChaincodeException e) {
      // Fabric answers a failed execution as a 500 response, which the gateway turns into an error.
      log.info(
          "channel={} tx={} chaincode={} execution failed: {}",
          proposal.channelId(),
          proposal.txId(),
          proposal.chaincodeName(),
          e.getMessage());
      return new ChaincodeResult(
          Response.newBuilder().setStatus(500).setMessage(e.getMessage()).build(), null);
    }
  }
}
