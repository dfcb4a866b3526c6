package org.openbcs.ordering.channel;

/** Names Fabric gives to config groups, values and policies (configtx.yaml / channelconfig). */
final class ConfigKeys {
  private ConfigKeys() {}

  static final String APPLICATION_GROUP = "Application";
  static final String ORDERER_GROUP = "Orderer";

  static final String HASHING_ALGORITHM = "HashingAlgorithm";
  static final String BLOCK_DATA_HASHING_STRUCTURE = "BlockDataHashingStructure";
  static final String ORDERER_ADDRESSES = "OrdererAddresses";
  static final String CAPABILITIES = "Capabilities";
  static final String CONSENSUS_TYPE = "ConsensusType";
  /** The consenter set of a BFT channel (Fabric 3): {@code common.Orderers}. */
  static final String ORDERERS = "Orderers";
  static final String BATCH_SIZE = "BatchSize";
  static final String BATCH_TIMEOUT = "BatchTimeout";
  static final String CHANNEL_RESTRICTIONS = "ChannelRestrictions";
  static final String MSP = "MSP";
  static final String ANCHOR_PEERS = "AnchorPeers";
  static final String ENDPOINTS = "Endpoints";
  /**
   * Ours: the channel's crypto suite name, UTF-8; written only for suites other than ecdsa-p256
   * because configtxlator rejects unknown channel values.
   */
  static final String CRYPTO_SUITE = "OpenBCSCryptoSuite";

  static final String READERS = "Readers";
  static final String WRITERS = "Writers";
  static final String ADMINS = "Admins";
  static final String ENDORSEMENT = "Endorsement";
  static final String LIFECYCLE_ENDORSEMENT = "LifecycleEndorsement";
  static final String BLOCK_VALIDATION = "BlockValidation";

  static final String CAPABILITY_V2_0 = "V2_0";
  static final String SHA256 = "SHA256";
  /** Fabric requires the maximum uint32: the block data is hashed as one flat sequence. */
  static final int HASHING_WIDTH = 0xFFFFFFFF;
}
