package org.openbcs.node.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU milliseconds used by named processes and all their descendants (a peer's chaincode JVMs are
 * its children). A descendant that exits between two samples loses its share; chaincode processes
 * live as long as the peer, so this does not bias a steady run.
 */
final class CpuSampler {
  private final Map<String, ProcessHandle> processes;

  CpuSampler(Map<String, ProcessHandle> processes) {
    this.processes = new LinkedHashMap<>(processes);
  }

  Map<String, Long> sample() {
    Map<String, Long> out = new LinkedHashMap<>();
    processes.forEach((name, handle) -> out.put(name, treeCpuMillis(handle)));
    return out;
  }

  static long treeCpuMillis(ProcessHandle root) {
    return Stream.concat(Stream.of(root), root.descendants())
        .mapToLong(h -> ProcStat.read(h.pid()).map(ProcStat::cpuMillis).orElse(0L))
        .sum();
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
