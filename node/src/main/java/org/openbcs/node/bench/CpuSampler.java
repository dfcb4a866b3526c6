package org.openbcs.node.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU milliseconds used by named process trees (a peer's chaincode JVMs are its children) and by
 * single processes. A descendant that exits between two samples loses its share; chaincode
 * processes live as long as the peer, so this does not bias a steady run.
 */
final class CpuSampler {
  /** Suffix of the entry holding a tree's descendants (a peer's chaincode processes). */
  static final String CHILDREN = " +children";

  private final Map<String, ProcessHandle> trees;
  private final Map<String, ProcessHandle> singles;

  /**
   * {@code singles} count without their descendants: the benchmark process itself is the parent
   * of the nodes it started, which must not be counted twice.
   */
  CpuSampler(Map<String, ProcessHandle> trees, Map<String, ProcessHandle> singles) {
    this.trees = new LinkedHashMap<>(trees);
    this.singles = new LinkedHashMap<>(singles);
  }

  Map<String, Long> sample() {
    Map<String, Long> out = new LinkedHashMap<>();
    trees.forEach((name, handle) -> {
      out.put(name, ProcStat.read(handle.pid()).map(ProcStat::cpuMillis).orElse(0L));
      // Always present, so a delta exists even when the children start after the first sample.
      out.put(name + CHILDREN, handle.descendants().mapToLong(h -> ProcStat.read(h.pid()).map(ProcStat::cpuMillis).orElse(0L)).sum());
    });
    singles.forEach((name, handle) -> out.put(name, ProcStat.read(handle.pid()).map(ProcStat::cpuMillis).orElse(0L)));
    return out;
  }

  /** {@code after - before} per name, for names present in both samples. */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new LinkedHashMap<>();
    after.forEach((name, ms) -> {
      Long b = before.get(name);
      if (b != null) {
        out.put(name, ms - b);
      }
    });
    return out;
  }
}
