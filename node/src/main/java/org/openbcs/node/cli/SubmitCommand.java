package org.openbcs.node.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.SubmittedTransaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Submits a transaction through the Fabric Gateway client and waits for it to commit. */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a transaction and wait for its commit.")
public final class SubmitCommand implements Callable<Integer> {
  @Mixin ClientOptions client = new ClientOptions();

  @Parameters(index = "0", description = "Chaincode name, e.g. basic.")
  String chaincode;

  @Parameters(index = "1", description = "Transaction function, e.g. CreateAsset.")
  String function;

  @Parameters(index = "2..*", description = "Arguments.")
  List<String> args = List.of();

  @Override
  public Integer call() throws Exception {
    try (ClientOptions.Connection c = client.connect()) {
      Contract contract = c.gateway().getNetwork(c.channel()).getContract(chaincode);
      SubmittedTransaction tx =
          contract.newProposal(function).addArguments(args.toArray(String[]::new)).build().endorse().submitAsync();
      var status = tx.getStatus();
      if (!status.isSuccessful()) {
        System.err.printf("bcs: transaction %s committed as %s in block %d%n", tx.getTransactionId(), status.getCode(), status.getBlockNumber());
        return 1;
      }
      System.out.printf("transaction %s committed in block %d%n", tx.getTransactionId(), status.getBlockNumber());
      byte[] result = tx.getResult();
      if (result.length > 0) {
        System.out.println(new String(result, StandardCharsets.UTF_8));
      }
      return 0;
    }
  }
}
