package org.openbcs.node.bench;

import java.util.Map;

/** Turns what a run measured into a {@link BenchResult} and its human-readable report. */
final class BenchResults {
  /** Name of this process's row in the CPU table. */
  static final String CLIENT = "bench-client";

  private BenchResults() {}

  static BenchResult of(
      Workload workload,
      LoadDriver.Plan plan,
      String startedAt,
      LoadDriver.Window w,
      Map<String, Long> cpuMs,
      SignatureRates rates,
      int cores,
      int orgs) {
    long failed = w.failures().values().stream().mapToLong(Long::longValue).sum();
    long invalid = w.failures().entrySet().stream().filter(e -> isValidationCode(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    long conflicts = w.failures().getOrDefault("MVCC_READ_CONFLICT", 0L) + w.failures().getOrDefault("PHANTOM_READ_CONFLICT", 0L);
    double txPerBlock = w.blocks() > 0 ? (double) (w.committed() + invalid) / w.blocks() : 1;
    SignatureBudget budget = workload.evaluate()
        ? SignatureBudget.evaluate()
        : SignatureBudget.submit(majority(orgs), orgs, Math.max(1, txPerBlock));
    BenchResult.Ceiling ceiling = BenchResult.Ceiling.of(rates, cores, budget);
    long nodeCpu = cpuMs.entrySet().stream().filter(e -> !e.getKey().equals(CLIENT)).mapToLong(Map.Entry::getValue).sum();
    double committedInWindow = w.committedTps() * w.seconds();
    return new BenchResult(
        workload.label(),
        plan.openLoop() ? "open-loop" : "closed-loop",
        plan.clients(),
        plan.rate(),
        startedAt,
        BenchResult.round(w.seconds()),
        w.submitted(),
        w.committed(),
        failed,
        BenchResult.round(w.seconds() > 0 ? w.submitted() / w.seconds() : 0),
        BenchResult.round(w.committedTps()),
        w.latency(),
        w.failures(),
        w.submitted() > 0 ? BenchResult.round((double) conflicts / w.submitted()) : 0,
        BenchResult.round(txPerBlock),
        cpuMs,
        committedInWindow > 0 ? BenchResult.round(nodeCpu / committedInWindow) : 0,
        ceiling,
        ceiling.ceilingTps() > 0 ? BenchResult.round(100 * w.committedTps() / ceiling.ceilingTps()) : 0);
  }

  /** MAJORITY of n organisations. */
  static int majority(int orgs) {
    return orgs / 2 + 1;
  }

  /** Failures are either a validation code (the transaction reached a block) or STAGE:status. */
  static boolean isValidationCode(String cause) {
    return cause.indexOf(':') < 0;
  }

  static String report(BenchResult r, Map<String, String> failureSamples) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%n== bcs bench: %s, %s, %d in flight%s ==%n", r.workload(), r.mode(), r.clients(),
        r.targetRate() > 0 ? String.format(", target %.0f TPS", r.targetRate()) : ""));
    sb.append(String.format("window            %.1f s%n", r.measuredSeconds()));
    sb.append(String.format("submitted         %d (%.1f TPS)%n", r.submitted(), r.submittedTps()));
    sb.append(String.format("committed         %d (%.1f TPS)%n", r.committed(), r.committedTps()));
    LatencyStats l = r.latency();
    sb.append(String.format("latency ms        p50 %.1f  p95 %.1f  p99 %.1f  max %.1f  mean %.1f%n", l.p50Ms(), l.p95Ms(), l.p99Ms(), l.maxMs(), l.meanMs()));
    if (r.failed() == 0) {
      sb.append("failures          none\n");
    } else {
      sb.append(String.format("failures          %d%n", r.failed()));
      r.failures().forEach((k, v) -> sb.append(String.format("  %-28s %8d  e.g. %s%n", k, v, failureSamples.getOrDefault(k, ""))));
    }
    if (!r.workload().equals("read")) {
      sb.append(String.format("conflict rate     %.2f %%   (tx per block %.1f)%n", 100 * r.conflictRate(), r.txPerBlock()));
    }
    sb.append("CPU ms in window\n");
    r.cpuMs().forEach((k, v) -> sb.append(String.format("  %-28s %8d  (%.2f cores)%n", k, v, r.measuredSeconds() > 0 ? v / 1000.0 / r.measuredSeconds() : 0)));
    sb.append(String.format("node CPU per tx   %.2f ms%n", r.cpuMsPerTx()));
    BenchResult.Ceiling c = r.ceiling();
    sb.append(String.format("signature ceiling %.0f TPS  (%s: %.0f sign/s, %.0f verify/s per core x %d cores; %.2f signs + %.2f verifies per tx)%n",
        c.ceilingTps(), c.provider(), c.signsPerSecondPerCore(), c.verifiesPerSecondPerCore(), c.cores(), c.signsPerTx(), c.verifiesPerTx()));
    sb.append(String.format("                  %s%n", c.derivation()));
    sb.append(String.format("end-to-end        %.1f %% of the signature ceiling%n", r.percentOfCeiling()));
    return sb.toString();
  }
}
