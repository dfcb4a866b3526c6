package org.openbcs.chaincode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.net.LoopbackPorts;
import org.openbcs.chaincode.launcher.ChaincodeLauncher;
import org.openbcs.chaincode.launcher.ChaincodePackage;
import org.openbcs.chaincode.launcher.ChaincodeTls;
import org.openbcs.chaincode.launcher.LauncherConfig;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.chaincode.testing.FakeTxSimulator;
import org.openbcs.chaincode.testing.FakeWorldState;
import org.openbcs.chaincode.testing.TestCerts;
import org.openbcs.chaincode.testing.TestProposals;
import org.openbcs.common.time.TimeSource;
import org.openbcs.transport.GrpcTransport;

/**
 * The real shim in its two other set-ups: dialling a mutual-TLS chaincode listener with the
 * launcher's TLS files (base64 quirk included), and as a server the peer dials (chaincode as a
 * service).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ChaincodeConnectionModesTest {
  private final TestProposals proposals = new TestProposals();
  private final FakeWorldState world = new FakeWorldState();

  @BeforeEach
  void requirePackage() {
    Assumptions.assumeTrue(
        Files.isRegularFile(AssetTransferChaincodeTest.PACKAGE_DIR.resolve("asset-transfer.jar")),
        "sample package not built: run mvn -pl samples/asset-transfer package first");
  }

  private ChaincodeResult create(ChaincodeSupport support, String chaincode, String id) {
    ChaincodeInvocation inv = proposals.invocation(chaincode, "CreateAsset", id, "blue", "1", "Ann", "5");
    return support.execute(inv, new FakeTxSimulator(world, inv.txId()), Duration.ofSeconds(30));
  }

  @Test
  void launchedChaincodeDialsMutualTlsListener(@TempDir Path dir) {
    TestCerts.Issued ca = TestCerts.selfSigned("tlsca.org1", true);
    TestCerts.issue(ca, "peer0.org1").write(dir.resolve("server.crt"), dir.resolve("server.key"));
    TestCerts.issue(ca, "peer0.org1-chaincode").write(dir.resolve("client.crt"), dir.resolve("client.key"));
    ca.write(dir.resolve("ca.crt"), dir.resolve("ca.key"));

    try (ChaincodeSupport support = new ChaincodeSupport()) {
      InetSocketAddress addr = support.listen("127.0.0.1", 0, GrpcTransport.TlsFiles.fabricLayout(dir));
      LauncherConfig config =
          LauncherConfig.plaintext("127.0.0.1:" + addr.getPort(), TestProposals.MSP_ID, dir.resolve("data"))
              .withTls(new ChaincodeTls(dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key")))
              .withJvmOptions(LauncherConfig.FAST_START_JVM_OPTIONS)
              .withRegistrationTimeout(AssetTransferChaincodeTest.REGISTRATION);
      try (ChaincodeLauncher launcher = new ChaincodeLauncher(support, config, TimeSource.SYSTEM)) {
        String packageId = launcher.launch("basic", "basic", AssetTransferChaincodeTest.PACKAGE_DIR);
        assertThat(support.isRegistered(packageId)).isTrue();
        ChaincodeResult r = create(support, "basic", "tls1");
        assertThat(r.response().getStatus()).isEqualTo(200);
        assertThat(r.event().getChaincodeId()).isEqualTo("basic");
      }
    }
  }

  @Test
  void chaincodeExitsWhenThePeerGoesAwayAndIsNotRestarted(@TempDir Path dir) throws Exception {
    ChaincodeSupport support = new ChaincodeSupport();
    InetSocketAddress addr = support.listen("127.0.0.1", 0, null);
    LauncherConfig config =
        LauncherConfig.plaintext("127.0.0.1:" + addr.getPort(), TestProposals.MSP_ID, dir)
            .withJvmOptions(LauncherConfig.FAST_START_JVM_OPTIONS)
            .withRegistrationTimeout(AssetTransferChaincodeTest.REGISTRATION);
    try (ChaincodeLauncher launcher = new ChaincodeLauncher(support, config, TimeSource.SYSTEM)) {
      launcher.launch("basic", "basic", AssetTransferChaincodeTest.PACKAGE_DIR);
      ProcessHandle process = launcher.process("basic").orElseThrow();
      support.close(); // the peer's end of every stream goes away, as when the peer dies
      // The shim shuts down on a lost stream, so no orphan JVM outlives its peer.
      process.onExit().get(60, TimeUnit.SECONDS);
      assertThat(process.isAlive()).isFalse();
      assertThat(launcher.restarts("basic")).isZero();
    }
  }

  @Test
  void peerDialsChaincodeRunningAsServer(@TempDir Path dir) throws Exception {
    int port = LoopbackPorts.reserve("127.0.0.1");
    ChaincodePackage pkg = ChaincodePackage.load("ccaas", AssetTransferChaincodeTest.PACKAGE_DIR);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(LauncherConfig.FAST_START_JVM_OPTIONS);
    command.add("-cp");
    command.add(pkg.classpath().stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
    command.add(pkg.mainClass());
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("ccaas.log").toFile());
    pb.environment().put("CHAINCODE_SERVER_ADDRESS", "127.0.0.1:" + port);
    pb.environment().put("CORE_CHAINCODE_ID_NAME", pkg.packageId());
    pb.environment().put("CORE_PEER_TLS_ENABLED", "false");
    pb.environment().put("CORE_PEER_LOCALMSPID", TestProposals.MSP_ID);
    Process process = pb.start();
    try (ChaincodeSupport support = new ChaincodeSupport()) {
      String registered = connectWhenUp(support, port, process, dir.resolve("ccaas.log"));
      assertThat(registered).isEqualTo(pkg.packageId());
      ChaincodeResult r = create(support, "ccaas", "s1");
      assertThat(r.response().getStatus()).isEqualTo(200);
      assertThat(r.event().getChaincodeId()).isEqualTo("ccaas");
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The chaincode's server comes up after its classpath scan; dial until it answers. */
  private static String connectWhenUp(ChaincodeSupport support, int port, Process process, Path log)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + AssetTransferChaincodeTest.REGISTRATION.toNanos();
    ChaincodeException last = null;
    while (System.nanoTime() - deadline < 0) {
      assertThat(process.isAlive()).as("chaincode server alive; log:%n%s", Files.readString(log)).isTrue();
      try {
        return support.connect("ccaas", "127.0.0.1", port, null, null, null, Duration.ofSeconds(10));
      } catch (ChaincodeException e) {
        last = e;
        TimeUnit.MILLISECONDS.sleep(500); // retry pacing, not synchronisation
      }
    }
    throw new AssertionError("chaincode server never accepted the connection", last);
  }
}
