package org.openbcs.node.bench;

import java.util.Map;

/**
 * Everything one `bcs bench` run measured; written as JSON so runs can be compared.
 *
 * @param mode "closed-loop" (clients in flight, no pacing) or "open-loop" (paced at targetRate)
 * @param committedTps transactions committed VALID (or evaluated, for read) per second of the window
 * @param failures count per cause: a validation code (MVCC_READ_CONFLICT ...) or STAGE:grpc-status
 * @param conflictRate share of submitted transactions invalidated by MVCC or phantom read conflicts
 * @param cpuMs CPU milliseconds per process tree during the window ("bench-client" is this process)
 * @param cpuMsPerTx all nodes' CPU ms (client excluded) per committed transaction
 * @param percentOfCeiling committedTps as a percentage of the signature ceiling
 */
public record BenchResult(
    String workload,
    String mode,
    int clients,
    double targetRate,
    String startedAt,
    double measuredSeconds,
    long submitted,
    long committed,
    long failed,
    double submittedTps,
    double committedTps,
    LatencyStats latency,
    Map<String, Long> failures,
    double conflictRate,
    double txPerBlock,
    Map<String, Long> cpuMs,
    double cpuMsPerTx,
    Ceiling ceiling,
    double percentOfCeiling) {

  /** The machine's signature ceiling measured in the same run. */
  public record Ceiling(
      String provider,
      int cores,
      double signsPerSecondPerCore,
      double verifiesPerSecondPerCore,
      double signsPerTx,
      double verifiesPerTx,
      double ceilingTps,
      String derivation) {

    static Ceiling of(SignatureRates rates, int cores, SignatureBudget budget) {
      return new Ceiling(
          rates.provider(),
          cores,
          round(rates.signsPerSecond()),
          round(rates.verifiesPerSecond()),
          round(budget.signsPerTx()),
          round(budget.verifiesPerTx()),
          round(budget.ceilingTps(cores, rates.signsPerSecond(), rates.verifiesPerSecond())),
          budget.derivation());
    }
  }

  static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
