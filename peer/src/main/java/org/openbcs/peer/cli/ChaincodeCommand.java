package org.openbcs.peer.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openbcs.chaincode.launcher.CcaasConnection;
import org.openbcs.chaincode.launcher.CcaasPackage;
import org.openbcs.chaincode.launcher.ChaincodePackage;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.peer.gateway.Endpoint;
import org.openbcs.peer.lifecycle.InstalledChaincodes;
import org.openbcs.peer.lifecycle.LifecycleChaincode;
import org.openbcs.peer.lifecycle.LifecycleNamespace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bcs chaincode}: install packages and define chaincodes on a channel. */
@Command(
    name = "chaincode",
    mixinStandardHelpOptions = true,
    description = "Deploy and inspect chaincode definitions.",
    subcommands = {ChaincodeCommand.Deploy.class, ChaincodeCommand.Package.class})
public final class ChaincodeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs chaincode: missing subcommand; try 'bcs chaincode deploy --help'");
    return 2;
  }

  /**
   * Where a chaincode-as-a-service runs and how to reach it: the content of a ccaas package's
   * connection.json. TLS when a root certificate is given; mutual TLS when a client pair is too.
   */
  static final class CcaasOptions {
    @Option(names = "--ccaas-address", description = "host:port of a chaincode running as a service (the peer dials it); packages a Fabric-style \"ccaas\" package instead of jars.")
    String address;

    @Option(names = "--ccaas-dial-timeout", defaultValue = "10s", description = "Dial and registration timeout, Go syntax as in connection.json. Default: ${DEFAULT-VALUE}")
    String dialTimeout;

    @Option(names = "--ccaas-tls-root-cert", description = "PEM of the CA that issued the chaincode server's TLS certificate; enables TLS.")
    Path rootCert;

    @Option(names = "--ccaas-tls-client-cert", description = "PEM client certificate the peer presents to the chaincode server (with --ccaas-tls-client-key: mutual TLS).")
    Path clientCert;

    @Option(names = "--ccaas-tls-client-key", description = "PEM private key of --ccaas-tls-client-cert.")
    Path clientKey;

    boolean isSet() {
      return address != null;
    }

    byte[] build(String label) {
      if ((clientCert == null) != (clientKey == null)) {
        throw new IllegalArgumentException("--ccaas-tls-client-cert and --ccaas-tls-client-key go together");
      }
      if (clientCert != null && rootCert == null) {
        throw new IllegalArgumentException("a TLS client pair needs --ccaas-tls-root-cert (mutual TLS is TLS)");
      }
      CcaasConnection.HostPort hp = CcaasConnection.HostPort.parse(address);
      CcaasConnection connection =
          new CcaasConnection(
              hp.host(),
              hp.port(),
              CcaasConnection.parseGoDuration(dialTimeout),
              rootCert != null,
              clientCert != null,
              read(rootCert),
              read(clientCert),
              read(clientKey));
      return CcaasPackage.build(label, connection);
    }

    private static String read(Path file) {
      if (file == null) {
        return "";
      }
      try {
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }

  /**
   * Writes a chaincode-as-a-service package and prints its id: the chaincode server must register
   * with that id (CORE_CHAINCODE_ID_NAME), so it can be started before or after the deploy.
   */
  @Command(
      name = "package",
      mixinStandardHelpOptions = true,
      description = "Create a Fabric-style chaincode-as-a-service (\"ccaas\") package and print its package id.")
  static final class Package implements Callable<Integer> {
    @Option(names = "--label", required = true, description = "Package label; 'bcs chaincode deploy' binds <name>_<version> (or <name>).")
    String label;

    @Option(names = "--output", required = true, description = "Package file to write (.tar.gz).")
    Path output;

    @Mixin CcaasOptions ccaas = new CcaasOptions();

    @Override
    public Integer call() throws IOException {
      if (!ccaas.isSet()) {
        throw new IllegalArgumentException("--ccaas-address is required (only ccaas packages are created here)");
      }
      byte[] pkg = ccaas.build(label);
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(output, pkg);
      System.out.println(CcaasPackage.idOf(label, pkg));
      return 0;
    }
  }

  /**
   * Installs by copying the package into each given peer data directory (the peers pick it up
   * when the definition is first used: no admin RPC needed, works with stopped peers), then
   * submits {@code _lifecycle DeployChaincode} through one peer's Gateway and waits for commit.
   */
  @Command(
      name = "deploy",
      mixinStandardHelpOptions = true,
      description =
          "Install a chaincode package on peers (by data directory) and commit its definition"
              + " (name, version, sequence, endorsement policy) through a peer's Gateway.")
  static final class Deploy implements Callable<Integer> {
    @Option(names = "--peer", required = true, description = "Gateway host:port to submit through.")
    String peer;

    @Option(names = "--tls-ca", required = true, description = "PEM file of the peer's TLS CA.")
    Path tlsCa;

    @Option(names = "--msp", required = true, description = "MSP directory of the submitting identity (an admin or client of the peer's org).")
    Path msp;

    @Option(names = "--msp-id", required = true, description = "MSP id of the submitting identity.")
    String mspId;

    @Option(names = "--channel", required = true, description = "Channel id.")
    String channel;

    @Option(names = "--name", required = true, description = "Chaincode name.")
    String name;

    @Option(names = "--version", required = true, description = "Chaincode version.")
    String version;

    @Option(names = "--sequence", required = true, description = "Definition sequence: 1 for a new chaincode, previous + 1 for an upgrade.")
    long sequence;

    @Option(names = "--policy", defaultValue = "MAJORITY Endorsement", description = "Endorsement policy, e.g. \"AND('Org1MSP.peer','Org2MSP.peer')\". Default: ${DEFAULT-VALUE}")
    String policy;

    @Option(names = "--package", description = "Package to install: a directory (a jar with Main-Class plus lib/*.jar), or a ccaas package file from 'bcs chaincode package'.")
    Path packageDir;

    @Mixin CcaasOptions ccaas = new CcaasOptions();

    @Option(names = "--peer-data", description = "Data directory of a peer to install the package on; repeat per peer.")
    List<Path> peerData = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "PT2M", description = "Deadline per Gateway call (ISO-8601). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Override
    public Integer call() {
      if (packageDir != null && ccaas.isSet()) {
        throw new IllegalArgumentException("--package and --ccaas-address exclude each other");
      }
      if (packageDir != null || ccaas.isSet()) {
        if (peerData.isEmpty()) {
          throw new IllegalArgumentException("installing a package needs at least one --peer-data to install into");
        }
        install(peerData, name, version, packageDir, ccaas);
      }
      SigningIdentity identity =
          MspDirectory.loadSigningIdentity(msp, mspId, CryptoSuites.defaultSuite());
      try (LifecycleClient client = new LifecycleClient(Endpoint.parse(peer), tlsCa, identity)) {
        String txId =
            client.submit(
                channel,
                LifecycleNamespace.NAME,
                List.of(LifecycleChaincode.DEPLOY, name, version, Long.toString(sequence), policy),
                timeout);
        System.out.println(
            "chaincode " + name + " version " + version + " sequence " + sequence
                + " committed on channel " + channel + " (tx " + txId + ")");
        return 0;
      } catch (StatusRuntimeException e) {
        throw new IllegalStateException("deploy failed: " + e.getStatus(), e);
      }
    }
  }

  /**
   * Installs {@code packagePath} on each peer data directory exactly as {@code bcs chaincode deploy
   * --package} does (a package directory or a ccaas package file) and returns the package id.
   */
  public static String install(List<Path> peerData, String name, String version, Path packagePath) {
    return install(peerData, name, version, packagePath, null);
  }

  /**
   * Installs as {@code bcs chaincode deploy} does: a package directory under label {@code
   * <name>_<version>}; a ccaas package (built from {@code ccaas} or read from {@code packagePath})
   * under its own label, which must bind to the definition. Returns the package id.
   */
  static String install(
      List<Path> peerData, String name, String version, Path packagePath, CcaasOptions ccaas) {
    String label = name + "_" + version;
    byte[] ccaasPackage = null;
    if (ccaas != null && ccaas.isSet()) {
      ccaasPackage = ccaas.build(label);
    } else if (ChaincodePackage.isCcaas(packagePath)) {
      try {
        ccaasPackage = Files.readAllBytes(packagePath);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + packagePath, e);
      }
      String own = CcaasPackage.parse(ccaasPackage, packagePath.toString()).label();
      if (!own.equals(label) && !own.equals(name)) {
        throw new IllegalArgumentException(
            "ccaas package " + packagePath + " is labelled '" + own + "': it must be '" + label
                + "' or '" + name + "' to serve chaincode " + name + " version " + version);
      }
    }
    String id = null;
    for (Path dir : peerData) {
      InstalledChaincodes installed = new InstalledChaincodes(dir);
      id = ccaasPackage != null ? installed.installCcaas(ccaasPackage) : installed.install(label, packagePath);
      System.out.println("installed " + id + " in " + dir);
    }
    if (ccaasPackage != null) {
      System.out.println(
          "chaincode-as-a-service: start the chaincode server with CORE_CHAINCODE_ID_NAME=" + id);
    }
    return id;
  }
}
