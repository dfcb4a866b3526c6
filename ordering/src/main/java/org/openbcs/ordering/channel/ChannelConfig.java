package org.openbcs.ordering.channel;

import java.time.Duration;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.openbcs.crypto.CryptoSuite;

/**
 * A channel's configuration as OpenBCS reads and writes it; on the wire it is Fabric's {@code
 * ConfigEnvelope} in a CONFIG envelope (genesis and config blocks), so configtxlator decodes it.
 */
public record ChannelConfig(
    String channelId,
    List<OrgSpec> applicationOrgs,
    List<OrgSpec> ordererOrgs,
    String consensusType,
    BatchSettings batch,
    List<String> ordererEndpoints,
    String cryptoSuite,
    List<ConsenterSpec> consenters) {

  public ChannelConfig {
    consenters = List.copyOf(consenters);
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    for (ConsenterSpec c : consenters) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException("channel '" + channelId + "': consenter id " + c.id() + " appears twice");
      }
    }
  }

  /** A configuration without a consenter set (single-node consensus, tests). */
  public ChannelConfig(
      String channelId,
      List<OrgSpec> applicationOrgs,
      List<OrgSpec> ordererOrgs,
      String consensusType,
      BatchSettings batch,
      List<String> ordererEndpoints,
      String cryptoSuite) {
    this(channelId, applicationOrgs, ordererOrgs, consensusType, batch, ordererEndpoints, cryptoSuite, List.of());
  }

  /**
   * One ordering node of the consenter set, as Fabric's {@code common.Consenter} in the Orderer
   * group's {@code Orderers} value (Fabric 3 BFT): its id, endpoint, organisation, signing
   * certificate (PEM) and TLS certificates (PEM). A BFT consensus takes its replica set from here,
   * so every node agrees on it through the channel's own configuration.
   */
  public record ConsenterSpec(
      int id,
      String host,
      int port,
      String mspId,
      com.google.protobuf.ByteString identity,
      com.google.protobuf.ByteString clientTlsCert,
      com.google.protobuf.ByteString serverTlsCert) {}

  /** An organisation: its MSP and, for peer orgs, anchor peers as host:port. */
  public record OrgSpec(String mspId, FabricMSPConfig msp, List<String> anchorPeers) {}

  /** Block cutting: Fabric's BatchSize and BatchTimeout. */
  public record BatchSettings(
      int maxMessageCount, int absoluteMaxBytes, int preferredMaxBytes, Duration batchTimeout) {}

  /**
   * The configuration carried by a config block (genesis or later): its single CONFIG envelope's
   * {@code ConfigEnvelope}.
   *
   * @throws IllegalArgumentException naming the field when the block is not a well-formed config
   *     block
   */
  public static ChannelConfig fromBlock(Block configBlock) {
    return GenesisBlocks.parse(configBlock);
  }

  /**
   * Block 0 carrying this configuration as a CONFIG envelope (Fabric {@code ConfigEnvelope} with
   * the configtxgen group structure). Deterministic: the same config gives the same block bytes.
   */
  public Block genesisBlock(CryptoSuite suite) {
    return GenesisBlocks.genesis(this, suite);
  }

  /** This configuration with {@code consenters} as its consenter set. */
  public ChannelConfig withConsenters(List<ConsenterSpec> consenters) {
    return new ChannelConfig(
        channelId, applicationOrgs, ordererOrgs, consensusType, batch, ordererEndpoints, cryptoSuite, consenters);
  }

  /** Application and orderer MSPs together, for the channel's MspManager. */
  public List<FabricMSPConfig> allMsps() {
    return java.util.stream.Stream.concat(applicationOrgs.stream(), ordererOrgs.stream())
        .map(OrgSpec::msp)
        .toList();
  }
}
