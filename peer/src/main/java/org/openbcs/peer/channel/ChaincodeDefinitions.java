package org.openbcs.peer.channel;

import java.util.Optional;

/** Committed chaincode definitions of one channel, read from its ledger. Thread-safe. */
public interface ChaincodeDefinitions {
  Optional<ChaincodeDefinition> get(String chaincodeName);
}
