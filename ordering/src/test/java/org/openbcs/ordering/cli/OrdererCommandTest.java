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
  void helpListsTheStartSubcommand() {
    CommandLine cli = new CommandLine(new OrdererCommand());
    assertThat(cli.getSubcommands()).containsKey("start");
    assertThat(cli.getCommandName()).isEqualTo("orderer");
  }
}
