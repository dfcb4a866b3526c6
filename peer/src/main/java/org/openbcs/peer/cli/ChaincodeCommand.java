package org.openbcs.peer.cli;

import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.peer.gateway.Endpoint;
import org.openbcs.peer.lifecycle.InstalledChaincodes;
import org.openbcs.peer.lifecycle.LifecycleChaincode;
import org.openbcs.peer.lifecycle.LifecycleNamespace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bcs chaincode}: install packages and define chaincodes on a channel. */
@Command(
    name = "chaincode",
    mixinStandardHelpOptions = true,
    description = "Deploy and inspect chaincode definitions.",
    subcommands = {ChaincodeCommand.Deploy.class})
public final class ChaincodeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs chaincode: missing subcommand; try 'bcs chaincode deploy --help'");
    return 2;
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

    @Option(names = "--package", description = "Package directory (a jar with Main-Class plus lib/*.jar) to install.")
    Path packageDir;

    @Option(names = "--peer-data", description = "Data directory of a peer to install the package on; repeat per peer.")
    List<Path> peerData = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "PT2M", description = "Deadline per Gateway call (ISO-8601). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Override
    public Integer call() {
      if (packageDir != null) {
        if (peerData.isEmpty()) {
          throw new IllegalArgumentException("--package needs at least one --peer-data to install into");
        }
        for (Path dir : peerData) {
          String id = new InstalledChaincodes(dir).install(name + "_" + version, packageDir);
          System.out.println("installed " + id + " in " + dir);
        }
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
}
