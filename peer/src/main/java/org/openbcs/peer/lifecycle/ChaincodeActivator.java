package org.openbcs.peer.lifecycle;

import org.openbcs.peer.channel.ChaincodeDefinition;

/**
 * Makes sure the process serving a defined chaincode is running before the endorser calls it
 * (start on first use). The peer server binds it to the install registry and the launcher.
 */
@FunctionalInterface
public interface ChaincodeActivator {
  ChaincodeActivator NONE = (channelId, definition) -> {};

  /**
   * Starts (or finds) the chaincode; throws {@link org.openbcs.chaincode.ChaincodeException} when
   * no installed package matches the definition.
   */
  void ensureRunning(String channelId, ChaincodeDefinition definition);
}
