package org.openbcs.peer.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a peer needs to start.
 *
 * @param dataDir ledgers ({@code ledgers/<channel>}), installed chaincodes ({@code chaincodes/})
 *     and chaincode logs
 * @param port gRPC port of Gateway, Endorser and Deliver (0 = ephemeral, see {@link
 *     PeerServer#port()})
 * @param chaincodePort port of the chaincode listener (0 = ephemeral)
 * @param tlsDir Fabric layout: {@code server.crt}, {@code server.key}, {@code ca.crt}
 * @param ordererEndpoints host:port of the orderers
 * @param ordererTlsRoots PEM bundle the orderers' TLS certificates chain to
 * @param remotePeers mspId to host:port of the other organisations' peers, asked for endorsements
 * @param remotePeersTlsRoots PEM bundle the remote peers' TLS certificates chain to
 * @param genesisBlocks one serialized {@code common.Block} file per channel to join
 */
public record PeerConfig(
    Path dataDir,
    String host,
    int port,
    int chaincodePort,
    Path mspDir,
    String mspId,
    Path tlsDir,
    List<String> ordererEndpoints,
    Path ordererTlsRoots,
    Map<String, String> remotePeers,
    Path remotePeersTlsRoots,
    List<Path> genesisBlocks) {
  public PeerConfig {
    if (dataDir == null || mspDir == null || tlsDir == null) {
      throw new IllegalArgumentException("peer data, MSP and TLS directories are required");
    }
    if (mspId == null || mspId.isBlank()) {
      throw new IllegalArgumentException("peer MSP id is required");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("peer listen host is required");
    }
    if (port < 0 || port > 65_535 || chaincodePort < 0 || chaincodePort > 65_535) {
      throw new IllegalArgumentException("peer ports must be within 0..65535");
    }
    ordererEndpoints = List.copyOf(ordererEndpoints);
    if (ordererEndpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one orderer endpoint is required");
    }
    remotePeers = Map.copyOf(remotePeers);
    genesisBlocks = List.copyOf(genesisBlocks);
    if (genesisBlocks.isEmpty()) {
      throw new IllegalArgumentException("peer needs at least one channel genesis block");
    }
  }
}
