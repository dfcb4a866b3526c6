package org.openbcs.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcStatTest {
  @Test
  void parsesUtimeAndStimeEvenWithParenthesesAndSpacesInTheName() {
    String line = "4242 (java (bcs) x) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 7 9 20 0 42 0 1000 0 0";
    ProcStat s = ProcStat.parse(line);
    assertThat(s.pid()).isEqualTo(4242);
    assertThat(s.utimeTicks()).isEqualTo(1500);
    assertThat(s.stimeTicks()).isEqualTo(250);
    assertThat(s.cpuMillis()).isEqualTo(17_500);
  }

  @Test
  void rejectsLinesThatAreNotStat() {
    assertThatThrownBy(() -> ProcStat.parse("hello")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcStat.parse("1 (x) S 1 2")).hasMessageContaining("need at least 15");
  }

  @Test
  void readsThisProcessAndSeesItsCpuGrow() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc only");
    long pid = ProcessHandle.current().pid();
    long before = ProcStat.read(pid).orElseThrow().cpuMillis();
    long end = System.nanoTime() + 300_000_000L;
    long spin = 0;
    while (System.nanoTime() < end) {
      spin += 1 + (System.nanoTime() & 1);
    }
    long after = ProcStat.read(pid).orElseThrow().cpuMillis();
    assertThat(spin).isPositive();
    assertThat(after - before).isGreaterThanOrEqualTo(100);
  }

  @Test
  void goneProcessReadsEmpty() {
    assertThat(ProcStat.read(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void deltaIsPerNameAndSkipsNamesMissingBefore() {
    Map<String, Long> d = CpuSampler.delta(Map.of("peer", 100L, "orderer", 50L), Map.of("peer", 350L, "orderer", 60L, "new", 5L));
    assertThat(d).containsExactlyInAnyOrderEntriesOf(Map.of("peer", 250L, "orderer", 10L));
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void samplerSplitsAProcessFromItsChildren() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc only");
    // A shell that burns CPU in a child process, then idles until killed.
    Process shell = new ProcessBuilder("sh", "-c", "sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 30'; sleep 30").start();
    try {
      CpuSampler sampler = new CpuSampler(Map.of("shell", shell.toHandle()), Map.of("me", ProcessHandle.current()));
      Map<String, Long> first = sampler.sample();
      assertThat(first).containsKeys("shell", "shell" + CpuSampler.CHILDREN, "me");
      long deadline = System.nanoTime() + 20_000_000_000L;
      long children = 0;
      while (System.nanoTime() < deadline && children < 100) {
        shell.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS); // poll the child's CPU with a deadline
        children = sampler.sample().get("shell" + CpuSampler.CHILDREN);
      }
      assertThat(children).as("CPU ms of the busy child").isGreaterThanOrEqualTo(100);
      assertThat(sampler.sample().get("shell")).as("CPU ms of the idle parent shell").isLessThan(children);
    } finally {
      shell.descendants().forEach(ProcessHandle::destroyForcibly);
      shell.destroyForcibly();
    }
  }
}
