package org.openbcs.ordering.channel;

import static org.openbcs.ordering.channel.ConfigKeys.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.Consenter;
import org.hyperledger.fabric.protos.common.OrdererAddresses;
import org.hyperledger.fabric.protos.common.Orderers;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.orderer.ConsensusType;
import org.hyperledger.fabric.protos.peer.AnchorPeer;
import org.hyperledger.fabric.protos.peer.AnchorPeers;

/** Fabric's {@code common.Config} tree back to a {@link ChannelConfig}; strict about what it needs. */
final class ChannelConfigDecoder {
  private ChannelConfigDecoder() {}

  /** Parses one value's bytes; names the path on failure. */
  @FunctionalInterface
  private interface Parser<T> {
    T parse(ByteString bytes) throws InvalidProtocolBufferException;
  }

  static ChannelConfig decode(String channelId, Config config) {
    if (!config.hasChannelGroup()) {
      throw new IllegalArgumentException("config of channel '" + channelId + "' has no channel group");
    }
    ConfigGroup channel = config.getChannelGroup();
    ConfigGroup app = subGroup(channel, APPLICATION_GROUP, "Channel");
    ConfigGroup ord = subGroup(channel, ORDERER_GROUP, "Channel");

    List<String> endpoints =
        channel.containsValues(ORDERER_ADDRESSES)
            ? value(channel, ORDERER_ADDRESSES, "Channel", OrdererAddresses::parseFrom)
                .getAddressesList()
            : List.of();
    String suite =
        channel.containsValues(CRYPTO_SUITE)
            ? channel.getValuesOrThrow(CRYPTO_SUITE).getValue().toString(StandardCharsets.UTF_8)
            : org.openbcs.crypto.CryptoSuites.ECDSA_P256; // absent = default, see the encoder

    List<ChannelConfig.OrgSpec> appOrgs = new ArrayList<>();
    for (Map.Entry<String, ConfigGroup> e : app.getGroupsMap().entrySet()) {
      String path = "Channel/Application/" + e.getKey();
      FabricMSPConfig msp = msp(e.getKey(), e.getValue(), path);
      List<String> anchors = new ArrayList<>();
      if (e.getValue().containsValues(ANCHOR_PEERS)) {
        for (AnchorPeer p :
            value(e.getValue(), ANCHOR_PEERS, path, AnchorPeers::parseFrom).getAnchorPeersList()) {
          anchors.add(p.getHost() + ":" + p.getPort());
        }
      }
      appOrgs.add(new ChannelConfig.OrgSpec(e.getKey(), msp, List.copyOf(anchors)));
    }
    List<ChannelConfig.OrgSpec> ordOrgs = new ArrayList<>();
    for (Map.Entry<String, ConfigGroup> e : ord.getGroupsMap().entrySet()) {
      String path = "Channel/Orderer/" + e.getKey();
      ordOrgs.add(new ChannelConfig.OrgSpec(e.getKey(), msp(e.getKey(), e.getValue(), path), List.of()));
    }

    String ordPath = "Channel/Orderer";
    ConsensusType consensus = value(ord, CONSENSUS_TYPE, ordPath, ConsensusType::parseFrom);
    if (consensus.getType().isEmpty()) {
      throw new IllegalArgumentException("config value " + ordPath + "/" + CONSENSUS_TYPE + " has an empty type");
    }
    BatchSize size = value(ord, BATCH_SIZE, ordPath, BatchSize::parseFrom);
    BatchTimeout timeout = value(ord, BATCH_TIMEOUT, ordPath, BatchTimeout::parseFrom);
    java.time.Duration batchTimeout;
    try {
      batchTimeout = GoDuration.parse(timeout.getTimeout());
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(
          "config value " + ordPath + "/" + BATCH_TIMEOUT + ": " + ex.getMessage(), ex);
    }
    ChannelConfig.BatchSettings batch =
        new ChannelConfig.BatchSettings(
            size.getMaxMessageCount(),
            size.getAbsoluteMaxBytes(),
            size.getPreferredMaxBytes(),
            batchTimeout);
    List<ChannelConfig.ConsenterSpec> consenters = new ArrayList<>();
    if (ord.containsValues(ORDERERS)) {
      for (Consenter c : value(ord, ORDERERS, ordPath, Orderers::parseFrom).getConsenterMappingList()) {
        if (c.getHost().isEmpty() || c.getPort() <= 0 || c.getPort() > 65535 || c.getIdentity().isEmpty()) {
          throw new IllegalArgumentException("config value " + ordPath + "/" + ORDERERS + ": consenter " + c.getId()
              + " needs a host, a port in 1..65535 and an identity");
        }
        consenters.add(new ChannelConfig.ConsenterSpec(c.getId(), c.getHost(), c.getPort(), c.getMspId(),
            c.getIdentity(), c.getClientTlsCert(), c.getServerTlsCert()));
      }
    }
    return new ChannelConfig(
        channelId,
        List.copyOf(appOrgs),
        List.copyOf(ordOrgs),
        consensus.getType(),
        batch,
        List.copyOf(endpoints),
        suite,
        consenters);
  }

  private static FabricMSPConfig msp(String groupName, ConfigGroup org, String path) {
    MSPConfig msp = value(org, MSP, path, MSPConfig::parseFrom);
    if (msp.getType() != ChannelConfigEncoder.FABRIC_MSP_TYPE) {
      throw new IllegalArgumentException(
          "config value " + path + "/" + MSP + " has MSP type " + msp.getType() + ", only FABRIC (0) is supported");
    }
    FabricMSPConfig fabric;
    try {
      fabric = FabricMSPConfig.parseFrom(msp.getConfig());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "config value " + path + "/" + MSP + " does not hold a FabricMSPConfig: " + e.getMessage(), e);
    }
    if (!fabric.getName().equals(groupName)) {
      throw new IllegalArgumentException(
          "config group " + path + " holds MSP '" + fabric.getName() + "', expected '" + groupName + "'");
    }
    return fabric;
  }

  private static ConfigGroup subGroup(ConfigGroup parent, String name, String path) {
    if (!parent.containsGroups(name)) {
      throw new IllegalArgumentException("config group " + path + " has no sub-group '" + name + "'");
    }
    return parent.getGroupsOrThrow(name);
  }

  private static <T> T value(ConfigGroup g, String key, String path, Parser<T> parser) {
    if (!g.containsValues(key)) {
      throw new IllegalArgumentException("config group " + path + " has no value '" + key + "'");
    }
    ConfigValue v = g.getValuesOrThrow(key);
    try {
      return parser.parse(v.getValue());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "config value " + path + "/" + key + " is malformed: " + e.getMessage(), e);
    }
  }
}
