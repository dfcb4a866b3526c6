package org.openbcs.peer.endorser;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.crypto.verify.SignatureVerifiers;
import org.openbcs.identity.Role;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.Ledgers;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.peer.channel.PeerChannel;

/**
 * A one-organisation channel for endorser-level tests: real MSP material from OrgCa, a real
 * ledger, a real verifier, no chaincode defined. Also builds signed proposals like the Gateway
 * clients do, with a hook to corrupt any header field.
 */
final class OneOrgChannel implements AutoCloseable {
  static final String CHANNEL = "ch1";
  static final String MSP = "Org1MSP";

  final CryptoSuite suite = CryptoSuites.defaultSuite();
  final PeerChannel channel;
  final SigningIdentity client;
  final SigningIdentity peer;
  final SigningIdentity stranger;
  private final PeerLedger ledger;
  private final SecureRandom random = new SecureRandom();

  OneOrgChannel(Path dir) {
    OrgCa ca = OrgCa.create(dir.resolve("org1"), MSP, "org1.example.com", suite, TimeSource.SYSTEM);
    ca.issue("User1@org1.example.com", Role.CLIENT, List.of(), dir.resolve("user"));
    ca.issue("peer0.org1.example.com", Role.PEER, List.of("peer0.org1.example.com"), dir.resolve("peer"));
    OrgCa other = OrgCa.create(dir.resolve("other"), "OtherMSP", "other.example.com", suite, TimeSource.SYSTEM);
    other.issue("User1@other.example.com", Role.CLIENT, List.of(), dir.resolve("stranger"));
    client = MspDirectory.loadSigningIdentity(dir.resolve("user").resolve("msp"), MSP, suite);
    peer = MspDirectory.loadSigningIdentity(dir.resolve("peer").resolve("msp"), MSP, suite);
    stranger = MspDirectory.loadSigningIdentity(dir.resolve("stranger").resolve("msp"), "OtherMSP", suite);
    var mspConfig = MspDirectory.load(ca.orgMspDir(), MSP);
    MspManager msps = MspManager.of(List.of(mspConfig), suite, TimeSource.SYSTEM);
    ledger = Ledgers.openPeerLedger(dir.resolve("ledger"), CHANNEL, suite);
    ChannelConfig config =
        new ChannelConfig(
            CHANNEL,
            List.of(new ChannelConfig.OrgSpec(MSP, mspConfig, List.of())),
            List.of(),
            "solo",
            new ChannelConfig.BatchSettings(10, 1 << 20, 1 << 19, Duration.ofSeconds(1)),
            List.of(),
            CryptoSuites.ECDSA_P256);
    channel =
        new PeerChannel(
            CHANNEL, config, msps, ledger, name -> Optional.empty(), suite, SignatureVerifiers.create(suite, 1, 1000));
  }

  PeerChannel lookup(String channelId) {
    return CHANNEL.equals(channelId) ? channel : null;
  }

  SignedProposal proposal(String chaincode, List<String> args) {
    return proposal(client, chaincode, args, UnaryOperator.identity());
  }

  SignedProposal proposal(
      SigningIdentity signer, String chaincode, List<String> args, UnaryOperator<ChannelHeader.Builder> tweak) {
    return TestProposals.signed(signer, CHANNEL, chaincode, args, tweak, random);
  }


  @Override
  public void close() {
    ledger.close();
  }
}
