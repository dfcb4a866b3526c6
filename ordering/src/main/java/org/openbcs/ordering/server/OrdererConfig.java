package org.openbcs.ordering.server;

import java.nio.file.Path;
import java.util.List;

/**
 * How to run one orderer node.
 *
 * @param dataDir where each channel's block store lives ({@code dataDir/chains/<channel>})
 * @param host address to bind, e.g. 127.0.0.1
 * @param port port to bind; 0 picks a free one (see {@link OrdererServer#port()})
 * @param mspDir the orderer's local MSP folder (signcerts, keystore, ...)
 * @param mspId the orderer organisation's MSP id
 * @param tlsDir TLS folder in Fabric's layout (server.crt, server.key, ca.crt); null = plaintext,
 *     for transport tests only
 * @param genesisBlocks one serialized {@code common.Block} file per channel to serve
 * @param cryptoSuite crypto suite name, e.g. ecdsa-p256; must match each channel's suite
 * @param clientAuth whether TLS clients must present a certificate; {@link TlsClientAuth#REQUIRE}
 *     unless an operator opts out for legacy tools
 */
public record OrdererConfig(
    Path dataDir,
    String host,
    int port,
    Path mspDir,
    String mspId,
    Path tlsDir,
    List<Path> genesisBlocks,
    String cryptoSuite,
    TlsClientAuth clientAuth) {

  /**
   * Whether the orderer's TLS listener demands a client certificate. Every client of an orderer in
   * an OpenBCS network is a node (peers broadcast and pull blocks, orderers run consensus), so
   * mutual TLS is the default; a presented certificate must chain to a trusted TLS CA either way.
   */
  public enum TlsClientAuth {
    REQUIRE,
    OPTIONAL;

    /** Parses {@code require} or {@code optional} (any case), naming the valid values otherwise. */
    public static TlsClientAuth parse(String text) {
      for (TlsClientAuth value : values()) {
        if (value.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
          return value;
        }
      }
      throw new IllegalArgumentException(
          "TLS client authentication must be 'require' or 'optional', got '" + text + "'");
    }
  }

  /** A config that requires TLS client certificates. */
  public OrdererConfig(
      Path dataDir,
      String host,
      int port,
      Path mspDir,
      String mspId,
      Path tlsDir,
      List<Path> genesisBlocks,
      String cryptoSuite) {
    this(dataDir, host, port, mspDir, mspId, tlsDir, genesisBlocks, cryptoSuite, TlsClientAuth.REQUIRE);
  }

  public OrdererConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("orderer data directory is required");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("orderer listen host is required");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("orderer port " + port + " is out of range");
    }
    if (mspDir == null || mspId == null || mspId.isBlank()) {
      throw new IllegalArgumentException("orderer MSP directory and MSP id are required");
    }
    genesisBlocks = List.copyOf(genesisBlocks);
    if (genesisBlocks.isEmpty()) {
      throw new IllegalArgumentException("orderer needs at least one channel genesis block");
    }
    if (cryptoSuite == null || cryptoSuite.isBlank()) {
      throw new IllegalArgumentException("crypto suite name is required");
    }
    if (clientAuth == null) {
      throw new IllegalArgumentException("TLS client authentication mode is required");
    }
  }

  /** This config with another TLS client authentication mode. */
  public OrdererConfig withClientAuth(TlsClientAuth mode) {
    return new OrdererConfig(dataDir, host, port, mspDir, mspId, tlsDir, genesisBlocks, cryptoSuite, mode);
  }
}
