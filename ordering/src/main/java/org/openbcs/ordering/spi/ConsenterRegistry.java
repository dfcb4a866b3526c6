package org.openbcs.ordering.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The consenter factories a node offers, by consensus type. Immutable. */
public final class ConsenterRegistry {
  private final Map<String, ConsenterFactory> byType;

  private ConsenterRegistry(Map<String, ConsenterFactory> byType) {
    this.byType = byType;
  }

  public static ConsenterRegistry of(List<ConsenterFactory> factories) {
    Map<String, ConsenterFactory> m = new LinkedHashMap<>();
    for (ConsenterFactory f : factories) {
      if (m.putIfAbsent(f.type(), f) != null) {
        throw new IllegalArgumentException("two consenter factories for type '" + f.type() + "'");
      }
    }
    return new ConsenterRegistry(java.util.Collections.unmodifiableMap(m));
  }

  /** The gRPC services every factory asks the orderer to host, in registration order. */
  public List<io.grpc.ServerServiceDefinition> services() {
    return byType.values().stream().flatMap(f -> f.services().stream()).toList();
  }

  /** The factory for {@code type}; throws naming the known types otherwise. */
  public ConsenterFactory forType(String type) {
    ConsenterFactory f = byType.get(type);
    if (f == null) {
      throw new IllegalArgumentException(
          "unknown consensus type '" + type + "', this orderer supports " + byType.keySet());
    }
    return f;
  }
}
