package org.openbcs.ordering.server;

import java.util.Map;
import java.util.Set;
import org.hyperledger.fabric.protos.common.Status;

/** The channels this orderer serves, by id. Fixed at start (no channel participation API yet). */
final class ChannelRegistry {
  private final Map<String, OrdererChannel> byId;

  ChannelRegistry(Map<String, OrdererChannel> byId) {
    this.byId = Map.copyOf(byId);
  }

  /** The channel, or NOT_FOUND in Fabric's wording. */
  OrdererChannel require(String channelId) {
    OrdererChannel c = byId.get(channelId);
    if (c == null) {
      throw new RequestException(Status.NOT_FOUND, "channel '" + channelId + "' not found");
    }
    return c;
  }

  Set<String> ids() {
    return byId.keySet();
  }

  java.util.Collection<OrdererChannel> all() {
    return byId.values();
  }
}
