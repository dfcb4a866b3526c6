package org.openbcs.peer.committer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.crypto.verify.ParallelSignatureVerifier;
import org.openbcs.crypto.verify.SignatureVerifiers;
import org.openbcs.identity.Role;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.openbcs.peer.channel.ChaincodeDefinitions;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.policy.EndorsementPolicies;

/**
 * Real test material for one channel: OrgCa-issued identities of N application orgs and one
 * orderer org, the channel config and genesis block, the channel's MspManager, a real verifier and
 * a real peer ledger. Shared by the committer, deliver and puller tests.
 */
public final class TestNetwork implements AutoCloseable {
  public static final String CHANNEL = "mychannel";

  public final Path root;
  public final CryptoSuite suite = CryptoSuites.defaultSuite();
  public final Map<String, OrgCa> orgs = new LinkedHashMap<>();
  public final Map<String, SigningIdentity> peers = new LinkedHashMap<>();
  public final Map<String, SigningIdentity> clients = new LinkedHashMap<>();
  public final Map<String, Path> identityDirs = new LinkedHashMap<>();
  public final OrgCa ordererOrg;
  public final SigningIdentity orderer;
  public final ChannelConfig config;
  public final MspManager msps;
  public final ParallelSignatureVerifier verifier;
  public final Definitions chaincodes = new Definitions();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Chaincode definitions set directly by a test. */
  public static final class Definitions implements ChaincodeDefinitions {
    private final Map<String, ChaincodeDefinition> defs = new ConcurrentHashMap<>();

    public void define(String name, org.openbcs.peer.policy.EndorsementPolicy policy) {
      defs.put(name, new ChaincodeDefinition(name, "1.0", 1, policy));
    }

    @Override
    public Optional<ChaincodeDefinition> get(String name) {
      return Optional.ofNullable(defs.get(name));
    }
  }

  public TestNetwork(Path root, String... mspIds) {
    this.root = root;
    TimeSource time = TimeSource.SYSTEM;
    List<ChannelConfig.OrgSpec> appOrgs = new ArrayList<>();
    for (String mspId : mspIds) {
      String domain = mspId.toLowerCase().replace("msp", "") + ".example.com";
      OrgCa ca = OrgCa.create(root.resolve(mspId), mspId, domain, suite, time);
      orgs.put(mspId, ca);
      peers.put(mspId, identity(ca, "peer0", Role.PEER));
      clients.put(mspId, identity(ca, "user1", Role.CLIENT));
      appOrgs.add(new ChannelConfig.OrgSpec(mspId, MspDirectory.load(ca.orgMspDir(), mspId), List.of()));
    }
    ordererOrg = OrgCa.create(root.resolve("OrdererMSP"), "OrdererMSP", "orderer.example.com", suite, time);
    orderer = identity(ordererOrg, "orderer0", Role.ORDERER);
    config =
        new ChannelConfig(
            CHANNEL,
            appOrgs,
            List.of(
                new ChannelConfig.OrgSpec(
                    "OrdererMSP", MspDirectory.load(ordererOrg.orgMspDir(), "OrdererMSP"), List.of())),
            "solo",
            new ChannelConfig.BatchSettings(10, 10 * 1024 * 1024, 2 * 1024 * 1024, Duration.ofMillis(100)),
            List.of("127.0.0.1:7050"),
            suite.name());
    msps = MspManager.of(config.allMsps(), suite, time);
    verifier = SignatureVerifiers.create(suite, 2, 100_000);
    closeables.add(verifier);
  }

  private SigningIdentity identity(OrgCa ca, String name, Role role) {
    Path dir = root.resolve(ca.mspId() + "-" + name);
    ca.issue(name, role, List.of("localhost"), dir);
    identityDirs.put(ca.mspId() + "/" + name, dir);
    return MspDirectory.loadSigningIdentity(dir.resolve("msp"), ca.mspId(), suite);
  }

  /** A peer channel over a fresh ledger in {@code dir}, with the genesis block NOT yet committed. */
  public PeerChannel openChannel(Path dir, SignatureVerifier verifierToUse) {
    PeerLedger ledger = Ledgers.openPeerLedger(dir, CHANNEL, suite);
    closeables.add(ledger);
    return new PeerChannel(CHANNEL, config, msps, ledger, chaincodes, suite, verifierToUse);
  }

  public PeerChannel openChannel(Path dir) {
    return openChannel(dir, verifier);
  }

  public void define(String chaincode, String policy) {
    chaincodes.define(chaincode, EndorsementPolicies.parse(policy, msps));
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // best effort in tests
      }
    }
  }
}
