package org.openbcs.ordering.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.ordering.server.OrdererConfig;
import org.openbcs.ordering.server.OrdererServer;
import org.openbcs.ordering.spi.ConsenterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bcs orderer}: run an ordering node. */
@Command(
    name = "orderer",
    mixinStandardHelpOptions = true,
    description = "Run an ordering node.",
    subcommands = {OrdererCommand.Start.class})
public final class OrdererCommand implements Callable<Integer> {
  /**
   * Builds the consenters of {@code bcs orderer start} from the node's config and its
   * {@code --consensus-opt key=value} options. Consensus modules that ordering must not depend on
   * (fbft) are added by the process entry point through {@link #useConsenters}: explicit wiring,
   * no service loading.
   */
  @FunctionalInterface
  public interface ConsenterWiring {
    ConsenterRegistry consenters(OrdererConfig config, Map<String, String> options);
  }

  private static volatile ConsenterWiring wiring = (config, options) -> OrdererServer.defaultConsenters();

  /** Called once by the entry point (node's {@code Bcs.main}) before the command line runs. */
  public static void useConsenters(ConsenterWiring w) {
    wiring = java.util.Objects.requireNonNull(w, "consenter wiring");
  }

  @Override
  public Integer call() {
    System.err.println("bcs orderer: missing subcommand; try 'bcs orderer start --help'");
    return 2;
  }

  /** {@code bcs orderer start}: serve Broadcast/Deliver until SIGTERM. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start an orderer and serve its channels until SIGTERM.")
  static final class Start implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Data directory (block stores).")
    Path data;

    @Option(names = "--listen", defaultValue = "127.0.0.1:7050", description = "host:port to bind (port 0 = any free port). Default: ${DEFAULT-VALUE}")
    String listen;

    @Option(names = "--msp", required = true, description = "The orderer's local MSP directory.")
    Path msp;

    @Option(names = "--msp-id", required = true, description = "The orderer organisation's MSP id.")
    String mspId;

    @Option(names = "--tls", description = "TLS directory (server.crt, server.key, ca.crt). Omit only for plaintext tests.")
    Path tls;

    @Option(
        names = "--tls-client-auth",
        defaultValue = "require",
        paramLabel = "require|optional",
        description = "Whether TLS clients must present a certificate from a trusted TLS CA. 'optional' lets tools without one connect server-auth only. Default: ${DEFAULT-VALUE}")
    String tlsClientAuth;

    @Option(names = "--genesis", required = true, description = "Genesis block file of a channel; repeat per channel.")
    List<Path> genesis;

    @Option(names = "--crypto-suite", defaultValue = CryptoSuites.ECDSA_P256, description = "Crypto suite. Default: ${DEFAULT-VALUE}")
    String cryptoSuite;

    @Option(names = "--consensus-opt", paramLabel = "KEY=VALUE", description = "Option for the consenters, repeatable (e.g. fbft.peer-certs=a.pem,b.pem; see docs/spec/fbft.md section 10).")
    Map<String, String> consensusOptions = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
      int colon = listen.lastIndexOf(':');
      if (colon <= 0) {
        System.err.println("bcs orderer start: --listen must be host:port, got '" + listen + "'");
        return 2;
      }
      int port;
      try {
        port = Integer.parseInt(listen.substring(colon + 1));
      } catch (NumberFormatException e) {
        System.err.println("bcs orderer start: --listen port is not a number: '" + listen + "'");
        return 2;
      }
      OrdererConfig.TlsClientAuth clientAuth;
      try {
        clientAuth = OrdererConfig.TlsClientAuth.parse(tlsClientAuth);
      } catch (IllegalArgumentException e) {
        System.err.println("bcs orderer start: --tls-client-auth: " + e.getMessage());
        return 2;
      }
      OrdererConfig config =
          new OrdererConfig(
              data, listen.substring(0, colon), port, msp, mspId, tls, genesis, cryptoSuite, clientAuth);
      OrdererServer server =
          OrdererServer.start(
              config, org.openbcs.common.time.TimeSource.SYSTEM, wiring.consenters(config, Map.copyOf(consensusOptions)));
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "orderer-shutdown"));
      System.out.println("orderer listening on " + config.host() + ":" + server.port());
      System.out.flush();
      server.awaitTermination();
      return 0;
    }
  }
}
