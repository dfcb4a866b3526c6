package org.openbcs.chaincode;

import java.time.Duration;
import org.openbcs.ledger.TxSimulator;

/**
 * Runs chaincode invocations. Reads and writes of the chaincode (and of chaincodes it invokes on
 * the same channel) go to {@code simulator}, which the caller owns and turns into the rwset.
 */
public interface ChaincodeRuntime {
  ChaincodeResult execute(ChaincodeInvocation invocation, TxSimulator simulator, Duration timeout);
}
