package org.openbcs.node.bench;

import io.grpc.Status;
import java.util.List;
import org.hyperledger.fabric.client.CommitStatusException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.SubmitException;
import org.hyperledger.fabric.client.SubmittedTransaction;

/**
 * Runs one transaction of a workload through the unmodified Fabric Gateway client: endorse,
 * submit, then wait for the commit status (or a single evaluate for reads). Contracts are
 * used round-robin so load spreads over the organisations' gateway peers.
 */
final class WorkloadClient implements LoadDriver.Transaction {
  private final Workload workload;
  private final List<Contract> contracts;
  private final String keyPrefix;
  private final int keys;
  private final long seed;

  WorkloadClient(Workload workload, List<Contract> contracts, String keyPrefix, int keys, long seed) {
    if (contracts.isEmpty()) {
      throw new IllegalArgumentException("no contract to drive");
    }
    if (workload != Workload.CREATE && keys < 1) {
      throw new IllegalArgumentException("workload " + workload.label() + " needs at least one preloaded key");
    }
    this.workload = workload;
    this.contracts = List.copyOf(contracts);
    this.keyPrefix = keyPrefix;
    this.keys = keys;
    this.seed = seed;
  }

  static String preloadKey(String prefix, int i) {
    return prefix + "-k" + i;
  }

  /** The CreateAsset that preloads key {@code i}. */
  static LoadDriver.Transaction preload(List<Contract> contracts, String prefix) {
    return seq -> submit(contracts.get((int) (seq % contracts.size())), "CreateAsset",
        preloadKey(prefix, (int) seq), "blue", "5", "bench", "100");
  }

  @Override
  public Outcome run(long seq) {
    Contract contract = contracts.get((int) (seq % contracts.size()));
    return switch (workload) {
      case CREATE -> submit(contract, "CreateAsset", keyPrefix + "-c" + seq, "blue", "5", "bench", "100");
      case READ -> evaluate(contract, "ReadAsset", preloadKey(keyPrefix, Workload.keyIndex(seed, seq, keys)));
      case TRANSFER, HOTKEY ->
          submit(contract, "TransferAsset", preloadKey(keyPrefix, Workload.keyIndex(seed, seq, keys)), "owner" + seq);
    };
  }

  static Outcome submit(Contract contract, String function, String... args) {
    try {
      SubmittedTransaction tx = contract.newProposal(function).addArguments(args).build().endorse().submitAsync();
      var status = tx.getStatus();
      if (status.isSuccessful()) {
        return new Outcome.Committed(status.getBlockNumber());
      }
      return new Outcome.Invalid(status.getCode().name(), status.getBlockNumber());
    } catch (EndorseException e) {
      return failed("ENDORSE", e);
    } catch (SubmitException e) {
      return failed("SUBMIT", e);
    } catch (CommitStatusException e) {
      return failed("COMMIT_STATUS", e);
    } catch (RuntimeException e) {
      return new Outcome.Failed("CLIENT:" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
  }

  static Outcome evaluate(Contract contract, String function, String... args) {
    try {
      byte[] result = contract.evaluateTransaction(function, args);
      if (result.length == 0) {
        return new Outcome.Failed("EVALUATE:EMPTY", "empty result for " + function + " " + String.join(" ", args));
      }
      return new Outcome.Committed(-1);
    } catch (GatewayException e) {
      return failed("EVALUATE", e);
    } catch (RuntimeException e) {
      return new Outcome.Failed("CLIENT:" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
  }

  private static Outcome failed(String stage, GatewayException e) {
    Status s = e.getStatus();
    String detail = e.getDetails().isEmpty() ? "" : " " + e.getDetails().get(0).getMessage();
    return new Outcome.Failed(stage + ":" + s.getCode(), String.valueOf(s.getDescription()) + detail);
  }
}
