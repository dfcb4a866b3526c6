package org.openbcs.node.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openbcs.node.network.LocalNetwork;
import org.openbcs.node.network.NetworkLayout;
import org.openbcs.node.network.NetworkLayout.PeerOrg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts (or restarts on the same ledger) a local two-organisation network. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start a local network: one orderer (solo), one peer for each of Org1MSP and Org2MSP,",
      "channel 'mychannel' and the asset-transfer chaincode 'basic'. Creates crypto material and",
      "the channel on first use; afterwards restarts the same network on the same ledger."
    })
public final class UpCommand implements Callable<Integer> {
  @Option(names = "--data", description = "Data directory (default: ${DEFAULT-VALUE}).", defaultValue = ".bcs")
  Path data;

  @Option(names = "--host", description = "Address every node listens on (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
  String host;

  @Option(
      names = "--base-port",
      description = "Orderer port; peers use base+1 and base+2001 (default: ${DEFAULT-VALUE}; 0 = ephemeral).",
      defaultValue = "7050")
  int basePort;

  @Option(names = "--consensus", description = "Ordering consensus for a new network: solo or fbft, optionally with options for its orderers, e.g. fbft:batches=off (default: ${DEFAULT-VALUE}).", defaultValue = "solo")
  String consensus;

  @Option(names = "--orderers", description = "Number of orderers for a new network (solo: 1; fbft: >= 4, default 4).")
  Integer orderers;

  @Option(names = "--no-chaincode", description = "Do not deploy the sample chaincode.")
  boolean noChaincode;

  @Override
  public Integer call() throws Exception {
    long startNanos = System.nanoTime();
    String type = org.openbcs.node.network.ConsensusChoice.parse(consensus).type();
    NetworkLayout layout =
        java.nio.file.Files.isRegularFile(data.resolve("network.properties"))
            ? NetworkLayout.load(data)
            : NetworkLayout.defaults(data, host, basePort, consensus, orderers != null ? orderers : type.equals("fbft") ? 4 : 1);
    if (!layout.consensus().equals(type) && java.nio.file.Files.isRegularFile(data.resolve("network.properties"))
        && (orderers != null || !type.equals("solo"))) {
      throw new IllegalStateException(
          "the network in " + data + " runs " + layout.consensus() + " with " + layout.ordererPorts().size()
              + " orderer(s); use another --data directory for a different consensus");
    }
    LocalNetwork network = new LocalNetwork(layout, classpath(), msg -> System.out.println("bcs up: " + msg));
    if (!network.initialised()) {
      network.init();
    }
    network.start();
    if (!noChaincode) {
      SampleChaincode.ensureDeployed(layout, msg -> System.out.println("bcs up: " + msg));
    }
    printSummary(layout, data, (System.nanoTime() - startNanos) / 1_000_000);
    return 0;
  }

  static String classpath() {
    String home = System.getProperty("bcs.home");
    if (home != null) {
      return LocalNetwork.classpathOf(Path.of(home));
    }
    return System.getProperty("java.class.path");
  }

  private static void printSummary(NetworkLayout layout, Path data, long millis) {
    String dataOpt = data.normalize().toString().equals(".bcs") ? "" : " --data " + data;
    PeerOrg org1 = layout.peerOrgs().get(0);
    System.out.printf("%nOpenBCS network is up (%d ms).%n", millis);
    System.out.printf("  channel:   %s (consensus %s, crypto %s)%n", layout.channelId(), layout.consensusChoice().label(), layout.cryptoSuite());
    for (String orderer : layout.ordererEndpoints()) {
      System.out.printf("  orderer:   %s (TLS)%n", orderer);
    }
    for (PeerOrg org : layout.peerOrgs()) {
      System.out.printf("  peer:      %s %s:%d (TLS, gateway)%n", org.mspId(), layout.host(), org.peerPort());
    }
    System.out.printf("  TLS roots: %s%n", layout.tlsRootsBundle());
    System.out.printf("  client:    %s (msp %s)%n", layout.userDir(org1, "User1").resolve("msp"), org1.mspId());
    System.out.printf("  logs:      %s%n", layout.dataDir().resolve("logs"));
    System.out.printf("%nSubmit a transaction:%n  ./bcs submit%s basic CreateAsset asset1 blue 5 Tom 300%n", dataOpt);
    System.out.printf("Read it back:%n  ./bcs evaluate%s basic ReadAsset asset1%n", dataOpt);
    System.out.printf("Stop:%n  ./bcs down%s%n", dataOpt);
  }
}
