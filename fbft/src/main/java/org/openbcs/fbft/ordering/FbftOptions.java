package org.openbcs.fbft.ordering;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Node-level FBFT settings, from {@code bcs orderer start --consensus-opt key=value}.
 *
 * <p>Channel config names the orderers (their endpoints, in replica order) but not their signing
 * certificates, which the replicas need to verify each other's votes. The operator supplies them,
 * like Fabric's consenter set, as a list of PEM files in the same order as the channel's orderer
 * endpoints: a static, explicit trust decision that no network message can change.
 *
 * @param peerCerts signing certificates (PEM) of every orderer, ordered as the channel's
 *     {@code ordererEndpoints}; this node's own certificate included
 * @param selfEndpoint this orderer's entry in {@code ordererEndpoints} (host:port); empty = the
 *     one at the index of this node's own certificate in {@code peerCerts}
 * @param baseTimeoutMillis FBFT base round timeout (R2.2)
 * @param idleBlockIntervalMillis how long a leader waits before proposing an empty block (pacing
 *     of an idle channel; bounds the commit latency added after a payload block to about twice this)
 * @param retainBlocks committed FBFT blocks kept in memory for peers' sync; a replica further
 *     behind catches up by state transfer (R3.8)
 * @param batches payload dissemination (spec section 9): {@code fbft.batches=on|off}
 */
public record FbftOptions(
    List<Path> peerCerts, Optional<String> selfEndpoint, long baseTimeoutMillis, long idleBlockIntervalMillis,
    int retainBlocks, boolean batches) {
  public static final String PEER_CERTS = "fbft.peer-certs";
  public static final String ENDPOINT = "fbft.endpoint";
  public static final String BASE_TIMEOUT_MS = "fbft.base-timeout-ms";
  public static final String IDLE_BLOCK_MS = "fbft.idle-block-ms";
  public static final String RETAIN_BLOCKS = "fbft.retain-blocks";
  public static final String BATCHES = "fbft.batches";
  /** Chosen by measurement; docs/spec/fbft.md section 9 says why. */
  public static final boolean DEFAULT_BATCHES = false;
  public static final long DEFAULT_BASE_TIMEOUT_MILLIS = 1000;
  public static final long DEFAULT_IDLE_BLOCK_MILLIS = 100;
  public static final int DEFAULT_RETAIN_BLOCKS = 512;

  public FbftOptions {
    peerCerts = List.copyOf(peerCerts);
    if (baseTimeoutMillis <= 0) {
      throw new IllegalArgumentException(BASE_TIMEOUT_MS + " must be positive, got " + baseTimeoutMillis);
    }
    if (idleBlockIntervalMillis < 0 || idleBlockIntervalMillis * 4 > baseTimeoutMillis) {
      throw new IllegalArgumentException(IDLE_BLOCK_MS + " must be between 0 and a quarter of " + BASE_TIMEOUT_MS
          + " (" + baseTimeoutMillis + "), got " + idleBlockIntervalMillis);
    }
    if (retainBlocks < 1) {
      throw new IllegalArgumentException(RETAIN_BLOCKS + " must be positive, got " + retainBlocks);
    }
  }

  /** Parses the {@code fbft.*} keys; other keys belong to other consenters and are ignored. */
  public static FbftOptions parse(Map<String, String> options) {
    List<Path> certs = Optional.ofNullable(options.get(PEER_CERTS)).stream()
        .flatMap(v -> Arrays.stream(v.split(",")))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(Path::of)
        .toList();
    return new FbftOptions(certs, Optional.ofNullable(options.get(ENDPOINT)),
        number(options, BASE_TIMEOUT_MS, DEFAULT_BASE_TIMEOUT_MILLIS), number(options, IDLE_BLOCK_MS, DEFAULT_IDLE_BLOCK_MILLIS),
        (int) Math.min(Integer.MAX_VALUE, number(options, RETAIN_BLOCKS, DEFAULT_RETAIN_BLOCKS)),
        onOff(options, BATCHES, DEFAULT_BATCHES));
  }

  private static boolean onOff(Map<String, String> options, String key, boolean dflt) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.strip()) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException(key + " must be on or off, got " + v);
    };
  }

  private static long number(Map<String, String> options, String key, long dflt) {
    String v = options.get(key);
    try {
      return v == null ? dflt : Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a number: " + v);
    }
  }
}
