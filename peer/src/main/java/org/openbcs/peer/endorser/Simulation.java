package org.openbcs.peer.endorser;

import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.Response;

/** The outcome of running a proposal: the chaincode's response, its event (or null), the rwset. */
public record Simulation(
    Response response, ChaincodeEvent event, TxReadWriteSet readWriteSet, String chaincodeVersion) {

  /** Fabric's shim.ERRORTHRESHOLD: a status at or above it is not endorsed. */
  public static final int ERROR_THRESHOLD = 400;

  public boolean failed() {
    return response.getStatus() >= ERROR_THRESHOLD;
  }
}
