package org.openbcs.chaincode.support;

import java.util.concurrent.CompletableFuture;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.ledger.TxSimulator;

/**
 * One transaction executing on one chaincode stream. {@code namespace} is the chaincode name the
 * transaction was addressed to: its reads and writes land there. {@code result} completes with the
 * chaincode's COMPLETED or ERROR message, or exceptionally when the stream goes away.
 */
record TxContext(
    String namespace,
    String channelId,
    String txId,
    SignedProposal signedProposal,
    TxSimulator simulator,
    SimulatorLease lease,
    long deadlineNanos,
    QueryIterators iterators,
    CompletableFuture<ChaincodeMessage> result) {

  static TxContext create(
      String namespace,
      String channelId,
      String txId,
      SignedProposal signedProposal,
      TxSimulator simulator,
      SimulatorLease lease,
      long deadlineNanos) {
    return new TxContext(
        namespace,
        channelId,
        txId,
        signedProposal,
        simulator,
        lease,
        deadlineNanos,
        new QueryIterators(),
        new CompletableFuture<>());
  }

  String key() {
    return ShimMessages.txKey(channelId, txId);
  }
}
