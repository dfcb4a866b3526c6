package org.openbcs.ordering.spi;

/**
 * Creates the consenter of a channel for one consensus type (the {@code ConsensusType.type} of the
 * channel's Orderer group: "solo" now; "etcdraft", "kafka", "fbft" plug in here).
 */
public interface ConsenterFactory {
  /** The consensus type name this factory serves, as it appears in channel config. */
  String type();

  Consenter create(ChainSupport chain);

  /**
   * Extra gRPC services the orderer's server must host for this consensus type (replicated
   * consenters talk to each other on the orderer's port, over the same TLS). Served from start.
   */
  default java.util.List<io.grpc.ServerServiceDefinition> services() {
    return java.util.List.of();
  }
}
