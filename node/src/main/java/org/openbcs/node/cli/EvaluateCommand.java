package org.openbcs.node.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Evaluates (queries) a transaction function on one peer without ordering it. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a transaction function (a query).")
public final class EvaluateCommand implements Callable<Integer> {
  @Mixin ClientOptions client = new ClientOptions();

  @Parameters(index = "0", description = "Chaincode name, e.g. basic.")
  String chaincode;

  @Parameters(index = "1", description = "Transaction function, e.g. ReadAsset.")
  String function;

  @Parameters(index = "2..*", description = "Arguments.")
  List<String> args = List.of();

  @Override
  public Integer call() throws Exception {
    try (ClientOptions.Connection c = client.connect()) {
      byte[] result =
          c.gateway().getNetwork(c.channel()).getContract(chaincode).evaluateTransaction(function, args.toArray(String[]::new));
      System.out.println(new String(result, StandardCharsets.UTF_8));
      return 0;
    }
  }
}
