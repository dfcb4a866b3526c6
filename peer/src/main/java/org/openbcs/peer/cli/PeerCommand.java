package org.openbcs.peer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openbcs.peer.gateway.Endpoint;
import org.openbcs.peer.server.PeerConfig;
import org.openbcs.peer.server.PeerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bcs peer}: run a peer. */
@Command(
    name = "peer",
    mixinStandardHelpOptions = true,
    description = "Run a peer.",
    subcommands = {PeerCommand.Start.class})
public final class PeerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("bcs peer: missing subcommand; try 'bcs peer start --help'");
    return 2;
  }

  /** {@code bcs peer start}: serve Gateway, Endorser and Deliver until SIGTERM. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description =
          "Start a peer: join the channels of the given genesis blocks, pull blocks from the"
              + " orderer, serve Gateway/Endorser/Deliver until SIGTERM. Prints 'peer <mspId>"
              + " listening on <host>:<port>' when ready.")
  static final class Start implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Data directory (ledgers, installed chaincodes, logs).")
    Path data;

    @Option(names = "--listen", defaultValue = "127.0.0.1:7051", description = "host:port of Gateway/Endorser/Deliver (port 0 = any free port). Default: ${DEFAULT-VALUE}")
    String listen;

    @Option(names = "--chaincode-listen", defaultValue = "127.0.0.1:7052", description = "host:port of the chaincode listener. Default: ${DEFAULT-VALUE}")
    String chaincodeListen;

    @Option(names = "--msp", required = true, description = "The peer's local MSP directory.")
    Path msp;

    @Option(names = "--msp-id", required = true, description = "The peer organisation's MSP id.")
    String mspId;

    @Option(names = "--tls", required = true, description = "TLS directory (server.crt, server.key, ca.crt).")
    Path tls;

    @Option(names = "--orderer", required = true, description = "Orderer host:port; repeat for several.")
    List<String> orderers;

    @Option(names = "--orderer-tls-ca", required = true, description = "PEM file of the orderers' TLS CA certificates.")
    Path ordererTlsCa;

    @Option(names = "--remote-peer", description = "MSPID=host:port of another organisation's peer, asked for endorsements; repeat.")
    List<String> remotePeers = new ArrayList<>();

    @Option(names = "--remote-peer-tls-ca", description = "PEM file of the remote peers' TLS CA certificates.")
    Path remotePeerTlsCa;

    @Option(names = "--genesis", required = true, description = "Genesis block file of a channel to join; repeat per channel.")
    List<Path> genesis;

    @Override
    public Integer call() throws InterruptedException {
      Endpoint endpoint = Endpoint.parse(listen);
      Endpoint chaincode = Endpoint.parse(chaincodeListen);
      Map<String, String> remotes = new LinkedHashMap<>();
      for (String remote : remotePeers) {
        int eq = remote.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--remote-peer must be MSPID=host:port, got '" + remote + "'");
        }
        remotes.put(remote.substring(0, eq), Endpoint.parse(remote.substring(eq + 1)).toString());
      }
      PeerConfig config =
          new PeerConfig(
              data,
              endpoint.host(),
              endpoint.port(),
              chaincode.port(),
              msp,
              mspId,
              tls,
              orderers,
              ordererTlsCa,
              remotes,
              remotePeerTlsCa == null ? ordererTlsCa : remotePeerTlsCa,
              genesis);
      PeerServer server = PeerServer.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "peer-shutdown"));
      System.out.println("peer " + mspId + " listening on " + endpoint.host() + ":" + server.port());
      System.out.flush();
      server.awaitTermination();
      return 0;
    }
  }
}
