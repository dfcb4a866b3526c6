package org.openbcs.chaincode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.net.LoopbackPorts;
import org.openbcs.chaincode.launcher.CcaasConnection;
import org.openbcs.chaincode.launcher.CcaasPackage;
import org.openbcs.chaincode.launcher.ChaincodeLauncher;
import org.openbcs.chaincode.launcher.ChaincodePackage;
import org.openbcs.chaincode.launcher.LauncherConfig;
import org.openbcs.chaincode.launcher.ServiceStatus;
import org.openbcs.chaincode.support.ChaincodeSupport;
import org.openbcs.chaincode.testing.FakeTxSimulator;
import org.openbcs.chaincode.testing.FakeWorldState;
import org.openbcs.chaincode.testing.TestCerts;
import org.openbcs.chaincode.testing.TestProposals;
import org.openbcs.common.time.TimeSource;

/**
 * Chaincode as a service end to end: the real shim runs the sample contract as a TLS server, the
 * launcher dials it from a ccaas package, and when the server goes away and comes back on the same
 * port the launcher redials it on its own.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class ChaincodeAsAServiceTest {
  private final TestProposals proposals = new TestProposals();
  private final FakeWorldState world = new FakeWorldState();

  @BeforeEach
  void requirePackage() {
    Assumptions.assumeTrue(
        Files.isRegularFile(AssetTransferChaincodeTest.PACKAGE_DIR.resolve("asset-transfer.jar")),
        "sample package not built: run mvn -pl samples/asset-transfer package first");
  }

  @Test
  void launcherDialsTlsServerAndRedialsAfterItRestarts(@TempDir Path dir) throws Exception {
    TestCerts.Issued ca = TestCerts.selfSigned("tlsca.cc", true);
    TestCerts.issue(ca, "basic.chaincode").write(dir.resolve("server.crt"), dir.resolve("server.key"));
    ca.write(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    int port = freePort();
    CcaasConnection connection =
        new CcaasConnection("127.0.0.1", port, Duration.ofSeconds(10), true, false, ca.certPem(), "", "");
    Path packageFile = dir.resolve("basic-ccaas.tar.gz");
    Files.write(packageFile, CcaasPackage.build("basic_1.0", connection));
    assertThat(ChaincodePackage.isCcaas(packageFile)).isTrue();
    String packageId = CcaasPackage.read(packageFile).packageId();

    LauncherConfig config = LauncherConfig.plaintext("127.0.0.1:1", TestProposals.MSP_ID, dir.resolve("data"));
    Process server = startServer(dir, port, packageId, "first");
    try (ChaincodeSupport support = new ChaincodeSupport();
        ChaincodeLauncher launcher = new ChaincodeLauncher(support, config, TimeSource.SYSTEM)) {
      // The server may still be scanning its classpath: the first dial may fail, redials follow.
      assertThat(launcher.connectService("basic", packageFile)).isEqualTo(packageId);
      assertThat(launcher.awaitService("basic", ServiceStatus::connected, AssetTransferChaincodeTest.REGISTRATION))
          .as("connected; server log:%n%s", log(dir, "first"))
          .isTrue();
      assertThat(create(support, "a1").response().getStatus()).isEqualTo(200);

      stop(server);
      assertThat(launcher.awaitService("basic", s -> !s.connected(), Duration.ofSeconds(60))).isTrue();
      assertThatThrownBy(() -> create(support, "a2"))
          .isInstanceOf(ChaincodeException.class)
          .hasMessageContaining("not running");
      assertThat(launcher.serviceStatus("basic").orElseThrow().lastError()).isNotEmpty();

      server = startServer(dir, port, packageId, "second");
      assertThat(
              launcher.awaitService(
                  "basic", s -> s.connected() && s.redials() > 0, AssetTransferChaincodeTest.REGISTRATION))
          .as("redialled; server log:%n%s", log(dir, "second"))
          .isTrue();
      ChaincodeResult again = create(support, "a3");
      assertThat(again.response().getStatus()).isEqualTo(200);
      assertThat(again.event().getChaincodeId()).isEqualTo("basic");

      launcher.stop("basic");
      assertThat(launcher.serviceStatus("basic")).isEmpty();
      assertThat(support.isRegistered(packageId)).isFalse();
    } finally {
      stop(server);
    }
  }

  @Test
  void aServerRegisteringWithAnotherPackageIdIsRefused(@TempDir Path dir) throws Exception {
    int port = freePort();
    Path packageFile = dir.resolve("p.tar.gz");
    Files.write(packageFile, CcaasPackage.build("basic_1.0", CcaasConnection.plaintext("127.0.0.1:" + port)));
    Process server = startPlaintextServer(dir, port, "someone-else:1234");
    LauncherConfig config = LauncherConfig.plaintext("127.0.0.1:1", TestProposals.MSP_ID, dir.resolve("data"));
    try (ChaincodeSupport support = new ChaincodeSupport();
        ChaincodeLauncher launcher = new ChaincodeLauncher(support, config, TimeSource.SYSTEM)) {
      launcher.connectService("basic", packageFile);
      assertThat(
              launcher.awaitService(
                  "basic", s -> s.lastError().contains("registered as"), AssetTransferChaincodeTest.REGISTRATION))
          .as("refused; server log:%n%s", log(dir, "plain"))
          .isTrue();
      assertThat(launcher.serviceStatus("basic").orElseThrow().lastError())
          .contains("someone-else:1234")
          .contains("CORE_CHAINCODE_ID_NAME=" + CcaasPackage.read(packageFile).packageId());
      assertThat(launcher.serviceStatus("basic").orElseThrow().connected()).isFalse();
    } finally {
      stop(server);
    }
  }

  private ChaincodeResult create(ChaincodeSupport support, String id) {
    ChaincodeInvocation inv = proposals.invocation("basic", "CreateAsset", id, "blue", "1", "Ann", "5");
    return support.execute(inv, new FakeTxSimulator(world, inv.txId()), Duration.ofSeconds(30));
  }

  private static int freePort() {
    return LoopbackPorts.reserve("127.0.0.1");
  }

  /** The sample package's own main (ContractRouter) in the shim's server mode, with server TLS. */
  private static Process startServer(Path dir, int port, String packageId, String name) throws IOException {
    // In server mode the shim still builds its (unused) client TLS context on every connection,
    // from base64-encoded *_PATH files: give it the server pair in that form too.
    Path certB64 = Files.write(dir.resolve("server.crt.b64"), Base64.getEncoder().encode(Files.readAllBytes(dir.resolve("server.crt"))));
    Path keyB64 = Files.write(dir.resolve("server.key.b64"), Base64.getEncoder().encode(Files.readAllBytes(dir.resolve("server.key"))));
    List<String> env = List.of(
        "CORE_PEER_TLS_ENABLED=true",
        "CORE_TLS_CLIENT_CERT_FILE=" + dir.resolve("server.crt"),
        "CORE_TLS_CLIENT_KEY_FILE=" + dir.resolve("server.key"),
        "CORE_TLS_CLIENT_CERT_PATH=" + certB64,
        "CORE_TLS_CLIENT_KEY_PATH=" + keyB64,
        "CORE_PEER_TLS_ROOTCERT_FILE=" + dir.resolve("ca.crt"));
    return start(dir, port, packageId, name, env);
  }

  private static Process startPlaintextServer(Path dir, int port, String packageId) throws IOException {
    return start(dir, port, packageId, "plain", List.of("CORE_PEER_TLS_ENABLED=false"));
  }

  private static Process start(Path dir, int port, String packageId, String name, List<String> env)
      throws IOException {
    ChaincodePackage pkg = ChaincodePackage.load("sample", AssetTransferChaincodeTest.PACKAGE_DIR);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(LauncherConfig.FAST_START_JVM_OPTIONS);
    command.add("-cp");
    command.add(pkg.classpath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    command.add(pkg.mainClass());
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()));
    pb.environment().put("CHAINCODE_SERVER_ADDRESS", "127.0.0.1:" + port);
    pb.environment().put("CORE_CHAINCODE_ID_NAME", packageId);
    pb.environment().put("CORE_PEER_LOCALMSPID", TestProposals.MSP_ID);
    for (String e : env) {
      int eq = e.indexOf('=');
      pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
    }
    return pb.start();
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static String log(Path dir, String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
