package org.openbcs.peer.channel;

import org.openbcs.peer.policy.EndorsementPolicy;

/** A chaincode defined on a channel (recorded in the ledger's {@code _lifecycle} namespace). */
public record ChaincodeDefinition(
    String name, String version, long sequence, EndorsementPolicy endorsementPolicy) {}
