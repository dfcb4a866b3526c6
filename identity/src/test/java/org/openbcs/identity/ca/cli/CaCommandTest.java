package org.openbcs.identity.ca.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.identity.msp.MspManager;
import picocli.CommandLine;

class CaCommandTest {
  @TempDir Path tmp;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  /** Runs {@code bcs ca ...} with the same error handling as the top-level {@code bcs} command. */
  int run(String... args) {
    CommandLine cl = new CommandLine(new CaCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("bcs: " + ex.getMessage());
          return 1;
        });
    return cl.execute(args);
  }

  @Test
  void initIssueRevoke() throws Exception {
    Path org = tmp.resolve("org1.example.com");
    assertThat(
            run(
                "init",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--domain",
                "org1.example.com"))
        .isZero();
    assertThat(out.toString()).contains("created CA of Org1MSP");
    Path user = tmp.resolve("users/User1@org1.example.com");
    assertThat(
            run(
                "issue",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--name",
                "User1",
                "--role",
                "client",
                "--out",
                user.toString()))
        .isZero();
    Path peer = tmp.resolve("peers/peer0.org1.example.com");
    assertThat(
            run(
                "issue",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--name",
                "peer0",
                "--role",
                "PEER",
                "--host",
                "peer0.org1.example.com",
                "--host",
                "10.1.2.3",
                "--out",
                peer.toString()))
        .isZero();
    assertThat(peer.resolve("tls/server.key")).isRegularFile();

    byte[] serialized =
        MspDirectory.loadSigningIdentity(
                user.resolve("msp"), "Org1MSP", CryptoSuites.defaultSuite())
            .serialized();
    assertThat(manager(org).deserialize(serialized).mspId()).isEqualTo("Org1MSP");

    Path cert = user.resolve("msp/signcerts/User1@org1.example.com-cert.pem");
    assertThat(
            run(
                "revoke",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--cert",
                cert.toString()))
        .isZero();
    assertThat(org.resolve("msp/crls/crl.pem")).isRegularFile();
    assertThatThrownBy(() -> manager(org).deserialize(serialized))
        .hasMessageContaining("revoked by Org1MSP");
  }

  private static MspManager manager(Path org) {
    return MspManager.of(
        List.of(MspDirectory.load(org.resolve("msp"), "Org1MSP")),
        CryptoSuites.defaultSuite(),
        TimeSource.SYSTEM);
  }

  @Test
  void errorsAreOneLineAndNonZero() throws Exception {
    Path org = tmp.resolve("org1");
    assertThat(
            run(
                "init",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--domain",
                "org1.example.com"))
        .isZero();
    assertThat(
            run(
                "init",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--domain",
                "org1.example.com"))
        .isEqualTo(1);
    assertThat(err.toString())
        .startsWith("bcs: organisation CA already exists at")
        .doesNotContain("\tat ");

    err.getBuffer().setLength(0);
    assertThat(
            run(
                "issue",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--name",
                "x",
                "--role",
                "boss",
                "--out",
                tmp.resolve("x").toString()))
        .isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("bcs: unknown role 'boss': expected client, peer, admin or orderer");

    err.getBuffer().setLength(0);
    Files.writeString(tmp.resolve("bad.pem"), "not a cert");
    assertThat(
            run(
                "revoke",
                "--dir",
                org.toString(),
                "--msp-id",
                "Org1MSP",
                "--cert",
                tmp.resolve("bad.pem").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).startsWith("bcs: malformed certificate");

    assertThat(run("issue", "--dir", org.toString())).isEqualTo(2);
  }

  @Test
  void helpOnEverySubcommand() {
    for (String sub : List.of("init", "issue", "revoke")) {
      out.getBuffer().setLength(0);
      assertThat(run(sub, "--help")).isZero();
      assertThat(out.toString()).contains("--msp-id").contains("--dir");
    }
    out.getBuffer().setLength(0);
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("init", "issue", "revoke");
  }
}
