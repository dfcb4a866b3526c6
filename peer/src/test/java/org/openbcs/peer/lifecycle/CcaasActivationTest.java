package org.openbcs.peer.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.function.UnaryOperator;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.net.LoopbackPorts;
import org.openbcs.chaincode.launcher.ChaincodeLauncher;
import org.openbcs.chaincode.launcher.ChaincodePackage;
import org.openbcs.chaincode.launcher.LauncherConfig;
import org.openbcs.chaincode.launcher.ServiceStatus;
import org.openbcs.chaincode.support.ChaincodeSupport;
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
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.cli.ChaincodeCommand;
import org.openbcs.peer.endorser.TestProposals;
import org.openbcs.peer.endorser.ChaincodeExecutor;
import org.openbcs.peer.endorser.Endorser;
import org.openbcs.peer.endorser.ProposalValidator;
import org.openbcs.peer.policy.EndorsementPolicies;
import picocli.CommandLine;

/**
 * Chaincode as a service on the peer's real path: {@code bcs chaincode package} writes the ccaas
 * package, it is installed as {@code bcs chaincode deploy --package} installs it, the activator
 * dials the sample contract running as a shim server, and the endorser endorses a proposal with it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CcaasActivationTest {
  private static final Path SAMPLE = Path.of("..", "samples", "asset-transfer", "target");
  private static final Duration SERVER_START = Duration.ofSeconds(180);
  private static final String CHANNEL = "ch1";
  private static final String MSP = "Org1MSP";

  @TempDir Path dir;
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  private final SecureRandom random = new SecureRandom();

  @Test
  void aDeployedCcaasPackageIsDialledAndEndorsesAProposal() throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(SAMPLE.resolve("asset-transfer.jar")),
        "sample package not built: run mvn -pl samples/asset-transfer package first");
    int port = freePort();
    Path packageFile = dir.resolve("basic-ccaas.tar.gz");
    int rc =
        new CommandLine(new ChaincodeCommand())
            .execute("package", "--label", "basic_1.0", "--ccaas-address", "127.0.0.1:" + port,
                "--ccaas-dial-timeout", "5s", "--output", packageFile.toString());
    assertThat(rc).isZero();
    Path peerData = dir.resolve("peer-data");
    String packageId = ChaincodeCommand.install(List.of(peerData), "basic", "1.0", packageFile);
    InstalledChaincodes installed = new InstalledChaincodes(peerData);
    assertThat(installed.forDefinition("basic", "1.0")).get()
        .satisfies(p -> assertThat(p.isCcaas()).isTrue())
        .extracting(InstalledChaincodes.InstalledPackage::packageId)
        .isEqualTo(packageId);

    OrgCa ca = OrgCa.create(dir.resolve("org1"), MSP, "org1.example.com", suite, TimeSource.SYSTEM);
    ca.issue("User1@org1.example.com", Role.CLIENT, List.of(), dir.resolve("user"));
    ca.issue("peer0.org1.example.com", Role.PEER, List.of("peer0.org1.example.com"), dir.resolve("peer"));
    SigningIdentity client = MspDirectory.loadSigningIdentity(dir.resolve("user").resolve("msp"), MSP, suite);
    SigningIdentity peer = MspDirectory.loadSigningIdentity(dir.resolve("peer").resolve("msp"), MSP, suite);
    var mspConfig = MspDirectory.load(ca.orgMspDir(), MSP);
    MspManager msps = MspManager.of(List.of(mspConfig), suite, TimeSource.SYSTEM);
    ChaincodeDefinition definition =
        new ChaincodeDefinition("basic", "1.0", 1, EndorsementPolicies.parse("OR('Org1MSP.peer')", msps));

    Process server = null;
    try (PeerLedger ledger = Ledgers.openPeerLedger(dir.resolve("ledger"), CHANNEL, suite);
        ChaincodeSupport support = new ChaincodeSupport();
        ChaincodeLauncher launcher =
            new ChaincodeLauncher(support, LauncherConfig.plaintext("127.0.0.1:1", MSP, peerData), TimeSource.SYSTEM)) {
      PeerChannel channel = channel(ledger, mspConfig, msps, definition);
      PackageActivator activator = new PackageActivator(installed, launcher);
      ChaincodeExecutor executor = new ChaincodeExecutor(Map.of(), support, activator, Duration.ofSeconds(30));
      Endorser endorser = new Endorser(new ProposalValidator(id -> CHANNEL.equals(id) ? channel : null), executor, peer);

      // Before the server runs, a proposal activates the package (the first dial fails) and fails
      // with the connection's state rather than a bare "not running"; the launcher keeps redialling.
      ProposalResponse early = endorser.processProposal(proposal(client, "CreateAsset", "asset9", "red", "3", "Bo", "7"));
      assertThat(early.getResponse().getStatus()).isEqualTo(500);
      assertThat(early.getResponse().getMessage())
          .contains("runs as a service at 127.0.0.1:" + port)
          .contains("not connected");
      assertThat(launcher.serviceStatus("basic").orElseThrow().connected()).isFalse();

      server = startServer(port, packageId);
      assertThat(launcher.awaitService("basic", ServiceStatus::connected, SERVER_START))
          .as("chaincode server connected; log:%n%s", Files.readString(dir.resolve("server.log")))
          .isTrue();

      ProposalResponse response =
          endorser.processProposal(proposal(client, "CreateAsset", "asset10", "red", "3", "Bo", "7"));
      assertThat(response.getResponse().getStatus()).as(response.getResponse().getMessage()).isEqualTo(200);
      assertThat(response.getEndorsement().getEndorser()).isEqualTo(ByteString.copyFrom(peer.serialized()));
      ChaincodeAction action =
          ChaincodeAction.parseFrom(ProposalResponsePayload.parseFrom(response.getPayload()).getExtension());
      assertThat(action.getChaincodeId().getName()).isEqualTo("basic");
      assertThat(action.getChaincodeId().getVersion()).isEqualTo("1.0");
      TxReadWriteSet rwset = TxReadWriteSet.parseFrom(action.getResults());
      KVRWSet kv =
          KVRWSet.parseFrom(
              rwset.getNsRwsetList().stream().filter(ns -> ns.getNamespace().equals("basic")).findFirst().orElseThrow().getRwset());
      assertThat(kv.getWritesList()).anySatisfy(w -> assertThat(w.getKey()).isEqualTo("asset10"));
    } finally {
      if (server != null) {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
    }
  }

  private PeerChannel channel(
      PeerLedger ledger, org.hyperledger.fabric.protos.msp.FabricMSPConfig mspConfig, MspManager msps, ChaincodeDefinition definition) {
    ChannelConfig config =
        new ChannelConfig(
            CHANNEL,
            List.of(new ChannelConfig.OrgSpec(MSP, mspConfig, List.of())),
            List.of(),
            "solo",
            new ChannelConfig.BatchSettings(10, 1 << 20, 1 << 19, Duration.ofSeconds(1)),
            List.of(),
            CryptoSuites.ECDSA_P256);
    return new PeerChannel(
        CHANNEL,
        config,
        msps,
        ledger,
        name -> name.equals(definition.name()) ? Optional.of(definition) : Optional.empty(),
        suite,
        SignatureVerifiers.create(suite, 1, 1000));
  }

  private SignedProposal proposal(SigningIdentity signer, String... args) {
    return TestProposals.signed(signer, CHANNEL, "basic", List.of(args), UnaryOperator.identity(), random);
  }


  private static int freePort() {
    return LoopbackPorts.reserve("127.0.0.1");
  }

  /** The sample package's own main in the shim's server mode (CHAINCODE_SERVER_ADDRESS). */
  private Process startServer(int port, String packageId) throws IOException {
    ChaincodePackage pkg = ChaincodePackage.load("sample", SAMPLE);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(LauncherConfig.FAST_START_JVM_OPTIONS);
    command.add("-cp");
    command.add(pkg.classpath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    command.add(pkg.mainClass());
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile());
    pb.environment().put("CHAINCODE_SERVER_ADDRESS", "127.0.0.1:" + port);
    pb.environment().put("CORE_CHAINCODE_ID_NAME", packageId);
    pb.environment().put("CORE_PEER_TLS_ENABLED", "false");
    pb.environment().put("CORE_PEER_LOCALMSPID", MSP);
    return pb.start();
  }
}
