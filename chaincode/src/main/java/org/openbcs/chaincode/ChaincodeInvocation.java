package org.openbcs.chaincode;

import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.SignedProposal;

/** One call of a chaincode: the client's signed proposal travels with it (the shim needs it). */
public record ChaincodeInvocation(
    String channelId,
    String txId,
    String chaincodeName,
    SignedProposal signedProposal,
    ChaincodeInput input) {}
