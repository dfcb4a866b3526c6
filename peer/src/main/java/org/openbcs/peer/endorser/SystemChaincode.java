package org.openbcs.peer.endorser;

import org.openbcs.chaincode.ChaincodeResult;
import org.openbcs.ledger.TxSimulator;

/**
 * A chaincode served inside the peer process ({@code _lifecycle}, {@code qscc}): same proposal
 * checks and simulation path as user chaincode, no external process.
 */
public interface SystemChaincode {
  String name();

  /** Runs the proposal's function; reads and writes go to {@code simulator}. */
  ChaincodeResult invoke(ValidatedProposal proposal, TxSimulator simulator);

  /** Version recorded in the ChaincodeAction's chaincode_id (Fabric uses "syscc"). */
  default String version() {
    return "syscc";
  }
}
