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
    String cryptoSuite) {

  /** An organisation: its MSP and, for peer orgs, anchor peers as host:port. */
  public record OrgSpec(String mspId, FabricMSPConfig msp, List<String> anchorPeers) {}

  /** Block cutting: Fabric's BatchSize and BatchTimeout. */
  public record BatchSettings(
      int maxMessageCount, int absoluteMaxBytes, int preferredMaxBytes, Duration batchTimeout) {}

  /** API placeholder: the ordering module replaces this with the real implementation. */
  public static ChannelConfig fromBlock(Block configBlock) {
    throw new UnsupportedOperationException("ChannelConfig.fromBlock not implemented yet");
  }

  /** API placeholder: block 0 carrying this configuration as a CONFIG envelope. */
  public Block genesisBlock(CryptoSuite suite) {
    throw new UnsupportedOperationException("ChannelConfig.genesisBlock not implemented yet");
  }

  /** Application and orderer MSPs together, for the channel's MspManager. */
  public List<FabricMSPConfig> allMsps() {
    return java.util.stream.Stream.concat(applicationOrgs.stream(), ordererOrgs.stream())
        .map(OrgSpec::msp)
        .toList();
  }
}
