package org.openbcs.ordering.channel;

import static org.openbcs.ordering.channel.ConfigKeys.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hyperledger.fabric.protos.common.BlockDataHashingStructure;
import org.hyperledger.fabric.protos.common.Capabilities;
import org.hyperledger.fabric.protos.common.Capability;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.HashingAlgorithm;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.MSPRole.MSPRoleType;
import org.hyperledger.fabric.protos.common.Consenter;
import org.hyperledger.fabric.protos.common.OrdererAddresses;
import org.hyperledger.fabric.protos.common.Orderers;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.orderer.ChannelRestrictions;
import org.hyperledger.fabric.protos.orderer.ConsensusType;
import org.hyperledger.fabric.protos.peer.AnchorPeer;
import org.hyperledger.fabric.protos.peer.AnchorPeers;
import org.openbcs.crypto.CryptoSuites;

/**
 * {@link ChannelConfig} to Fabric's {@code common.Config} tree with the group, value and policy
 * names configtxgen uses, so Fabric tools (configtxlator, peer channel fetch config) read it.
 */
final class ChannelConfigEncoder {
  /** Fabric's MSP type for X.509 MSPs ({@code msp.FABRIC}). */
  static final int FABRIC_MSP_TYPE = 0;

  private ChannelConfigEncoder() {}

  static Config encode(ChannelConfig c, long sequence) {
    ConfigGroup.Builder channel = group();
    channel.putValues(HASHING_ALGORITHM, value(HashingAlgorithm.newBuilder().setName(SHA256).build()));
    channel.putValues(
        BLOCK_DATA_HASHING_STRUCTURE,
        value(BlockDataHashingStructure.newBuilder().setWidth(HASHING_WIDTH).build()));
    channel.putValues(
        ORDERER_ADDRESSES,
        value(OrdererAddresses.newBuilder().addAllAddresses(c.ordererEndpoints()).build()));
    channel.putValues(CAPABILITIES, capabilitiesV2());
    // configtxlator refuses unknown Channel values ("unknown Channel ConfigValue name"), so the
    // default suite, the one Fabric tools can work with, is implied by the key's absence.
    if (!c.cryptoSuite().equals(CryptoSuites.ECDSA_P256)) {
      channel.putValues(
          CRYPTO_SUITE,
          ConfigValue.newBuilder()
              .setModPolicy(ADMINS)
              .setValue(ByteString.copyFrom(c.cryptoSuite(), StandardCharsets.UTF_8))
              .build());
    }
    putMetaPolicies(channel);
    channel.putGroups(APPLICATION_GROUP, application(c).build());
    channel.putGroups(ORDERER_GROUP, orderer(c).build());
    return Config.newBuilder().setSequence(sequence).setChannelGroup(channel).build();
  }

  private static ConfigGroup.Builder application(ChannelConfig c) {
    ConfigGroup.Builder app = group();
    for (ChannelConfig.OrgSpec org : c.applicationOrgs()) {
      ConfigGroup.Builder g = orgGroup(org);
      g.putPolicies(
          READERS,
          ConfigPolicies.anyOf(
              org.mspId(), List.of(MSPRoleType.ADMIN, MSPRoleType.PEER, MSPRoleType.CLIENT)));
      g.putPolicies(
          WRITERS,
          ConfigPolicies.anyOf(org.mspId(), List.of(MSPRoleType.ADMIN, MSPRoleType.CLIENT)));
      g.putPolicies(ADMINS, ConfigPolicies.anyOf(org.mspId(), List.of(MSPRoleType.ADMIN)));
      g.putPolicies(ENDORSEMENT, ConfigPolicies.anyOf(org.mspId(), List.of(MSPRoleType.PEER)));
      AnchorPeers.Builder anchors = AnchorPeers.newBuilder();
      for (String hostPort : org.anchorPeers()) {
        anchors.addAnchorPeers(anchorPeer(org.mspId(), hostPort));
      }
      g.putValues(ANCHOR_PEERS, value(anchors.build()));
      app.putGroups(org.mspId(), g.build());
    }
    putMetaPolicies(app);
    app.putPolicies(
        ENDORSEMENT, ConfigPolicies.implicitMeta(ImplicitMetaPolicy.Rule.MAJORITY, ENDORSEMENT));
    app.putPolicies(
        LIFECYCLE_ENDORSEMENT,
        ConfigPolicies.implicitMeta(ImplicitMetaPolicy.Rule.MAJORITY, ENDORSEMENT));
    app.putValues(CAPABILITIES, capabilitiesV2());
    return app;
  }

  private static ConfigGroup.Builder orderer(ChannelConfig c) {
    ConfigGroup.Builder ord = group();
    for (ChannelConfig.OrgSpec org : c.ordererOrgs()) {
      ConfigGroup.Builder g = orgGroup(org);
      g.putPolicies(READERS, ConfigPolicies.anyOf(org.mspId(), List.of(MSPRoleType.MEMBER)));
      g.putPolicies(WRITERS, ConfigPolicies.anyOf(org.mspId(), List.of(MSPRoleType.MEMBER)));
      g.putPolicies(ADMINS, ConfigPolicies.anyOf(org.mspId(), List.of(MSPRoleType.ADMIN)));
      ord.putGroups(org.mspId(), g.build());
    }
    putMetaPolicies(ord);
    ord.putPolicies(
        BLOCK_VALIDATION, ConfigPolicies.implicitMeta(ImplicitMetaPolicy.Rule.ANY, WRITERS));
    ord.putValues(
        CONSENSUS_TYPE,
        value(
            ConsensusType.newBuilder()
                .setType(c.consensusType())
                .setState(ConsensusType.State.STATE_NORMAL)
                .build()));
    ChannelConfig.BatchSettings b = c.batch();
    ord.putValues(
        BATCH_SIZE,
        value(
            BatchSize.newBuilder()
                .setMaxMessageCount(b.maxMessageCount())
                .setAbsoluteMaxBytes(b.absoluteMaxBytes())
                .setPreferredMaxBytes(b.preferredMaxBytes())
                .build()));
    ord.putValues(
        BATCH_TIMEOUT,
        value(BatchTimeout.newBuilder().setTimeout(GoDuration.format(b.batchTimeout())).build()));
    ord.putValues(CHANNEL_RESTRICTIONS, value(ChannelRestrictions.newBuilder().build()));
    if (!c.consenters().isEmpty()) {
      Orderers.Builder orderers = Orderers.newBuilder();
      for (ChannelConfig.ConsenterSpec spec : c.consenters()) {
        orderers.addConsenterMapping(
            Consenter.newBuilder()
                .setId(spec.id())
                .setHost(spec.host())
                .setPort(spec.port())
                .setMspId(spec.mspId())
                .setIdentity(spec.identity())
                .setClientTlsCert(spec.clientTlsCert())
                .setServerTlsCert(spec.serverTlsCert()));
      }
      ord.putValues(ORDERERS, value(orderers.build()));
    }
    ord.putValues(CAPABILITIES, capabilitiesV2());
    return ord;
  }

  private static ConfigGroup.Builder orgGroup(ChannelConfig.OrgSpec org) {
    ConfigGroup.Builder g = group();
    g.putValues(
        MSP,
        value(
            MSPConfig.newBuilder()
                .setType(FABRIC_MSP_TYPE)
                .setConfig(org.msp().toByteString())
                .build()));
    return g;
  }

  private static AnchorPeer anchorPeer(String mspId, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException(
          "anchor peer '" + hostPort + "' of " + mspId + " is not host:port");
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "anchor peer '" + hostPort + "' of " + mspId + " has a non-numeric port");
    }
    return AnchorPeer.newBuilder().setHost(hostPort.substring(0, colon)).setPort(port).build();
  }

  private static void putMetaPolicies(ConfigGroup.Builder g) {
    g.putPolicies(READERS, ConfigPolicies.implicitMeta(ImplicitMetaPolicy.Rule.ANY, READERS));
    g.putPolicies(WRITERS, ConfigPolicies.implicitMeta(ImplicitMetaPolicy.Rule.ANY, WRITERS));
    g.putPolicies(ADMINS, ConfigPolicies.implicitMeta(ImplicitMetaPolicy.Rule.MAJORITY, ADMINS));
  }

  private static ConfigGroup.Builder group() {
    return ConfigGroup.newBuilder().setModPolicy(ADMINS);
  }

  private static ConfigValue capabilitiesV2() {
    return value(
        Capabilities.newBuilder()
            .putCapabilities(CAPABILITY_V2_0, Capability.getDefaultInstance())
            .build());
  }

  private static ConfigValue value(Message m) {
    return ConfigValue.newBuilder().setModPolicy(ADMINS).setValue(m.toByteString()).build();
  }
}
