package org.openbcs.chaincode;

import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.Response;

/**
 * The chaincode's answer. {@code event} is null when the contract set none; otherwise its
 * chaincode_id and tx_id are filled in by the peer as Fabric does.
 */
public record ChaincodeResult(Response response, ChaincodeEvent event) {}
