package org.openbcs.ordering.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigEnvelope;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.ImplicitMetaPolicy;
import org.hyperledger.fabric.protos.common.LastConfig;
import org.hyperledger.fabric.protos.common.Metadata;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.Policy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.orderer.ConsensusType;
import org.junit.jupiter.api.Test;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ledger.BlockHashing;

class ChannelConfigTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();

  static FabricMSPConfig msp(String id) {
    return FabricMSPConfig.newBuilder()
        .setName(id)
        .addRootCerts(ByteString.copyFromUtf8("-----BEGIN CERTIFICATE-----\n" + id + "\n-----END CERTIFICATE-----\n"))
        .build();
  }

  static ChannelConfig sample() {
    return new ChannelConfig(
        "mychannel",
        List.of(
            new ChannelConfig.OrgSpec("Org2MSP", msp("Org2MSP"), List.of("peer0.org2.example.com:9051")),
            new ChannelConfig.OrgSpec("Org1MSP", msp("Org1MSP"), List.of("peer0.org1.example.com:7051", "127.0.0.1:7151"))),
        List.of(new ChannelConfig.OrgSpec("OrdererMSP", msp("OrdererMSP"), List.of())),
        "solo",
        new ChannelConfig.BatchSettings(500, 10 * 1024 * 1024, 2 * 1024 * 1024, Duration.ofMillis(250)),
        List.of("orderer.example.com:7050"),
        CryptoSuites.ECDSA_P256);
  }

  @Test
  void roundTripsThroughTheGenesisBlock() {
    ChannelConfig config = sample();
    Block genesis = config.genesisBlock(suite);
    assertThat(ChannelConfig.fromBlock(genesis)).isEqualTo(config);
  }

  @Test
  void nonDefaultCryptoSuiteTravelsInItsOwnValue() throws Exception {
    ChannelConfig base = sample();
    ChannelConfig sm =
        new ChannelConfig(
            base.channelId(), base.applicationOrgs(), base.ordererOrgs(), base.consensusType(),
            base.batch(), base.ordererEndpoints(), "sm");
    Block genesis = sm.genesisBlock(suite);
    assertThat(configOf(genesis).getChannelGroup().getValuesOrThrow("OpenBCSCryptoSuite").getValue().toStringUtf8())
        .isEqualTo("sm");
    assertThat(ChannelConfig.fromBlock(genesis)).isEqualTo(sm);
  }

  @Test
  void consenterSetTravelsAsFabricOrderersValue() throws Exception {
    ChannelConfig base = sample();
    ChannelConfig bft =
        base.withConsenters(
            List.of(
                new ChannelConfig.ConsenterSpec(1, "127.0.0.1", 7050, "OrdererMSP", ByteString.copyFromUtf8("id1"),
                    ByteString.copyFromUtf8("ctls1"), ByteString.copyFromUtf8("stls1")),
                new ChannelConfig.ConsenterSpec(2, "127.0.0.1", 7051, "OrdererMSP", ByteString.copyFromUtf8("id2"),
                    ByteString.copyFromUtf8("ctls2"), ByteString.copyFromUtf8("stls2"))));
    Block genesis = bft.genesisBlock(suite);
    org.hyperledger.fabric.protos.common.Orderers orderers =
        org.hyperledger.fabric.protos.common.Orderers.parseFrom(
            configOf(genesis).getChannelGroup().getGroupsOrThrow("Orderer").getValuesOrThrow("Orderers").getValue());
    assertThat(orderers.getConsenterMappingList()).extracting(c -> c.getId(), c -> c.getPort())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 7050), org.assertj.core.groups.Tuple.tuple(2, 7051));
    assertThat(ChannelConfig.fromBlock(genesis)).isEqualTo(bft);
    assertThat(ChannelConfig.fromBlock(base.genesisBlock(suite)).consenters()).isEmpty();
  }

  @Test
  void duplicateConsenterIdsAreRefused() {
    ChannelConfig.ConsenterSpec one = new ChannelConfig.ConsenterSpec(1, "h", 1, "M", ByteString.copyFromUtf8("a"),
        ByteString.EMPTY, ByteString.EMPTY);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sample().withConsenters(List.of(one, one)))
        .hasMessageContaining("consenter id 1 appears twice");
  }

  @Test
  void roundTripsAfterSerialization() throws Exception {
    ChannelConfig config = sample();
    Block reparsed = Block.parseFrom(config.genesisBlock(suite).toByteArray());
    assertThat(ChannelConfig.fromBlock(reparsed)).isEqualTo(config);
  }

  @Test
  void genesisBlockIsWellFormedAndDeterministic() throws Exception {
    Block genesis = sample().genesisBlock(suite);
    assertThat(genesis.getHeader().getNumber()).isZero();
    assertThat(genesis.getHeader().getPreviousHash().isEmpty()).isTrue();
    assertThat(genesis.getHeader().getDataHash().toByteArray())
        .isEqualTo(BlockHashing.dataHash(suite, genesis.getData()));
    assertThat(genesis.getMetadata().getMetadataCount()).isEqualTo(5);
    Metadata lastConfig =
        Metadata.parseFrom(genesis.getMetadata().getMetadata(BlockMetadataIndex.LAST_CONFIG_VALUE));
    assertThat(LastConfig.parseFrom(lastConfig.getValue()).getIndex()).isZero();
    assertThat(sample().genesisBlock(suite)).isEqualTo(genesis);

    Envelope env = Envelope.parseFrom(genesis.getData().getData(0));
    Payload payload = Payload.parseFrom(env.getPayload());
    ChannelHeader ch = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    assertThat(ch.getType()).isEqualTo(HeaderType.CONFIG_VALUE);
    assertThat(ch.getChannelId()).isEqualTo("mychannel");
    assertThat(ch.getTxId()).hasSize(64);
  }

  @Test
  void configTreeHasFabricGroupStructure() throws Exception {
    Config config = configOf(sample().genesisBlock(suite));
    ConfigGroup channel = config.getChannelGroup();
    assertThat(channel.getValuesMap())
        .containsOnlyKeys("HashingAlgorithm", "BlockDataHashingStructure", "OrdererAddresses", "Capabilities");
    assertThat(channel.getPoliciesMap()).containsKeys("Readers", "Writers", "Admins");
    ConfigGroup app = channel.getGroupsOrThrow("Application");
    assertThat(app.getGroupsMap()).containsOnlyKeys("Org1MSP", "Org2MSP");
    assertThat(app.getPoliciesMap()).containsKeys("Readers", "Writers", "Admins", "Endorsement", "LifecycleEndorsement");
    ImplicitMetaPolicy endorsement =
        ImplicitMetaPolicy.parseFrom(app.getPoliciesOrThrow("Endorsement").getPolicy().getValue());
    assertThat(endorsement.getRule()).isEqualTo(ImplicitMetaPolicy.Rule.MAJORITY);
    ConfigGroup org1 = app.getGroupsOrThrow("Org1MSP");
    assertThat(org1.getValuesMap()).containsKeys("MSP", "AnchorPeers");
    assertThat(org1.getPoliciesMap()).containsKeys("Readers", "Writers", "Admins", "Endorsement");
    Policy orgEndorsement = org1.getPoliciesOrThrow("Endorsement").getPolicy();
    assertThat(orgEndorsement.getType()).isEqualTo(Policy.PolicyType.SIGNATURE_VALUE);
    assertThat(SignaturePolicyEnvelope.parseFrom(orgEndorsement.getValue()).getIdentitiesCount()).isEqualTo(1);
    MSPConfig mspValue = MSPConfig.parseFrom(org1.getValuesOrThrow("MSP").getValue());
    assertThat(mspValue.getType()).isZero();
    assertThat(FabricMSPConfig.parseFrom(mspValue.getConfig()).getName()).isEqualTo("Org1MSP");
    ConfigGroup ord = channel.getGroupsOrThrow("Orderer");
    assertThat(ConsensusType.parseFrom(ord.getValuesOrThrow("ConsensusType").getValue()).getType()).isEqualTo("solo");
    assertThat(BatchSize.parseFrom(ord.getValuesOrThrow("BatchSize").getValue()).getMaxMessageCount()).isEqualTo(500);
    assertThat(BatchTimeout.parseFrom(ord.getValuesOrThrow("BatchTimeout").getValue()).getTimeout()).isEqualTo("250ms");
    assertThat(ord.getValuesMap()).containsKey("ChannelRestrictions");
    assertThat(ord.getGroupsMap()).containsOnlyKeys("OrdererMSP");
  }

  @Test
  void rejectsABlockWithoutExactlyOneEnvelope() {
    Block genesis = sample().genesisBlock(suite);
    Block two = genesis.toBuilder().setData(genesis.getData().toBuilder().addData(genesis.getData().getData(0))).build();
    assertThatThrownBy(() -> ChannelConfig.fromBlock(two))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds 2 envelopes, expected exactly 1");
  }

  @Test
  void rejectsGarbageEnvelope() {
    Block genesis = sample().genesisBlock(suite);
    Block bad =
        genesis.toBuilder()
            .setData(genesis.getData().toBuilder().setData(0, ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01})))
            .build();
    assertThatThrownBy(() -> ChannelConfig.fromBlock(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed envelope 0");
  }

  @Test
  void rejectsNonConfigHeaderType() throws Exception {
    Block genesis = sample().genesisBlock(suite);
    Envelope env = Envelope.parseFrom(genesis.getData().getData(0));
    Payload payload = Payload.parseFrom(env.getPayload());
    ChannelHeader ch =
        ChannelHeader.parseFrom(payload.getHeader().getChannelHeader()).toBuilder()
            .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
            .build();
    Block bad = withPayload(genesis, payload.toBuilder().setHeader(payload.getHeader().toBuilder().setChannelHeader(ch.toByteString())).build());
    assertThatThrownBy(() -> ChannelConfig.fromBlock(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected CONFIG (1)");
  }

  @Test
  void rejectsMissingOrdererValues() throws Exception {
    Block genesis = sample().genesisBlock(suite);
    Config config = configOf(genesis);
    ConfigGroup.Builder channel = config.getChannelGroup().toBuilder();
    channel.putGroups("Orderer", channel.getGroupsOrThrow("Orderer").toBuilder().removeValues("BatchSize").build());
    Block bad = withConfig(genesis, config.toBuilder().setChannelGroup(channel).build());
    assertThatThrownBy(() -> ChannelConfig.fromBlock(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config group Channel/Orderer has no value 'BatchSize'");
  }

  @Test
  void rejectsMspNameNotMatchingItsGroup() throws Exception {
    Block genesis = sample().genesisBlock(suite);
    Config config = configOf(genesis);
    ConfigGroup.Builder channel = config.getChannelGroup().toBuilder();
    ConfigGroup app = channel.getGroupsOrThrow("Application");
    ConfigGroup org1 = app.getGroupsOrThrow("Org1MSP");
    ConfigGroup.Builder app2 = app.toBuilder().removeGroups("Org1MSP").putGroups("EvilMSP", org1);
    channel.putGroups("Application", app2.build());
    Block bad = withConfig(genesis, config.toBuilder().setChannelGroup(channel).build());
    assertThatThrownBy(() -> ChannelConfig.fromBlock(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds MSP 'Org1MSP', expected 'EvilMSP'");
  }

  @Test
  void rejectsBadBatchTimeout() throws Exception {
    Block genesis = sample().genesisBlock(suite);
    Config config = configOf(genesis);
    ConfigGroup.Builder channel = config.getChannelGroup().toBuilder();
    ConfigGroup ord = channel.getGroupsOrThrow("Orderer");
    ConfigGroup.Builder ord2 = ord.toBuilder();
    ord2.putValues(
        "BatchTimeout",
        ord.getValuesOrThrow("BatchTimeout").toBuilder()
            .setValue(BatchTimeout.newBuilder().setTimeout("soon").build().toByteString())
            .build());
    channel.putGroups("Orderer", ord2.build());
    Block bad = withConfig(genesis, config.toBuilder().setChannelGroup(channel).build());
    assertThatThrownBy(() -> ChannelConfig.fromBlock(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BatchTimeout: invalid duration 'soon'");
  }

  @Test
  void goDurationsRoundTrip() {
    assertThat(GoDuration.parse("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(GoDuration.parse(GoDuration.format(Duration.ofNanos(1234)))).isEqualTo(Duration.ofNanos(1234));
  }

  private static Config configOf(Block block) throws Exception {
    Envelope env = Envelope.parseFrom(block.getData().getData(0));
    Payload payload = Payload.parseFrom(env.getPayload());
    return ConfigEnvelope.parseFrom(payload.getData()).getConfig();
  }

  private static Block withConfig(Block block, Config config) throws Exception {
    Envelope env = Envelope.parseFrom(block.getData().getData(0));
    Payload payload = Payload.parseFrom(env.getPayload());
    return withPayload(
        block, payload.toBuilder().setData(ConfigEnvelope.newBuilder().setConfig(config).build().toByteString()).build());
  }

  private static Block withPayload(Block block, Payload payload) {
    Envelope env = Envelope.newBuilder().setPayload(payload.toByteString()).build();
    return block.toBuilder().setData(block.getData().toBuilder().setData(0, env.toByteString())).build();
  }
}
