package org.openbcs.ordering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OrdererCommandTest {
  private static int run(StringWriter err, String... args) {
    CommandLine cli = new CommandLine(new OrdererCommand());
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void startRequiresItsOptions() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "start", "--data", "/tmp/x")).isEqualTo(2);
    assertThat(err.toString()).contains("--msp").contains("--genesis");
  }

  @Test
  void startBuildsItsConsentersThroughTheWiringWithTheConsensusOptions() {
    java.util.concurrent.atomic.AtomicReference<java.util.Map<String, String>> seen =
        new java.util.concurrent.atomic.AtomicReference<>();
    OrdererCommand.useConsenters(
        (config, options) -> {
          seen.set(options);
          assertThat(config.mspId()).isEqualTo("OrdererMSP");
          throw new IllegalStateException("wiring reached");
        });
    try {
      CommandLine cli = new CommandLine(new OrdererCommand());
      StringWriter err = new StringWriter();
      cli.setErr(new PrintWriter(err));
      int code =
          cli.execute(
              "start", "--data", "/tmp/x", "--msp", "/tmp/msp", "--msp-id", "OrdererMSP",
              "--genesis", "/tmp/g.block",
              "--consensus-opt", "fbft.peer-certs=a.pem,b.pem",
              "--consensus-opt", "fbft.endpoint=localhost:7050");
      assertThat(code).isNotZero();
      assertThat(err.toString()).contains("wiring reached");
      assertThat(seen.get())
          .containsEntry("fbft.peer-certs", "a.pem,b.pem")
          .containsEntry("fbft.endpoint", "localhost:7050");
    } finally {
      OrdererCommand.useConsenters(
          (config, options) -> org.openbcs.ordering.server.OrdererServer.defaultConsenters());
    }
  }

  @Test
  void tlsClientAuthIsRequiredUnlessTheOperatorOptsOut() {
    java.util.List<org.openbcs.ordering.server.OrdererConfig.TlsClientAuth> seen = new java.util.ArrayList<>();
    OrdererCommand.useConsenters(
        (config, options) -> {
          seen.add(config.clientAuth());
          throw new IllegalStateException("wiring reached");
        });
    try {
      String[] base = {"start", "--data", "/tmp/x", "--msp", "/tmp/msp", "--msp-id", "OrdererMSP", "--genesis", "/tmp/g.block"};
      assertThat(run(new StringWriter(), base)).isNotZero();
      String[] optional = java.util.Arrays.copyOf(base, base.length + 2);
      optional[base.length] = "--tls-client-auth";
      optional[base.length + 1] = "optional";
      assertThat(run(new StringWriter(), optional)).isNotZero();
      assertThat(seen)
          .containsExactly(
              org.openbcs.ordering.server.OrdererConfig.TlsClientAuth.REQUIRE,
              org.openbcs.ordering.server.OrdererConfig.TlsClientAuth.OPTIONAL);

      optional[base.length + 1] = "none";
      assertThat(run(new StringWriter(), optional)).isEqualTo(2);
      assertThat(seen).hasSize(2);
    } finally {
      OrdererCommand.useConsenters(
          (config, options) -> org.openbcs.ordering.server.OrdererServer.defaultConsenters());
    }
  }

  @Test
  void helpListsTheStartSubcommand() {
    CommandLine cli = new CommandLine(new OrdererCommand());
    assertThat(cli.getSubcommands()).containsKey("start");
    assertThat(cli.getCommandName()).isEqualTo("orderer");
  }
}
