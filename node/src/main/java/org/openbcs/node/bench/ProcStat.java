package org.openbcs.node.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** CPU time of one process from Linux's {@code /proc/<pid>/stat}. */
record ProcStat(long pid, long utimeTicks, long stimeTicks) {
  /**
   * Clock ticks per second of the utime/stime fields (USER_HZ). It is 100 on every mainstream
   * Linux build; the kernel exposes no file for it and calling getconf per sample is not worth it.
   */
  static final long TICKS_PER_SECOND = 100;

  long cpuMillis() {
    return (utimeTicks + stimeTicks) * 1000 / TICKS_PER_SECOND;
  }

  /**
   * Parses one stat line. The command name (field 2) is in parentheses and may itself contain
   * spaces and parentheses, so fields are counted from the last ')'.
   */
  static ProcStat parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
    }
    long pid = Long.parseLong(line.substring(0, open).trim());
    String[] rest = line.substring(close + 1).trim().split("\\s+");
    // rest[0] is field 3 (state); utime is field 14 and stime field 15.
    if (rest.length < 13) {
      throw new IllegalArgumentException("/proc/" + pid + "/stat has " + (rest.length + 2) + " fields, need at least 15");
    }
    return new ProcStat(pid, Long.parseLong(rest[11]), Long.parseLong(rest[12]));
  }

  /** The process's CPU time now, or empty if it has exited (or this is not Linux). */
  static Optional<ProcStat> read(long pid) {
    try {
      return Optional.of(parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
    } catch (IOException | IllegalArgumentException gone) {
      return Optional.empty();
    }
  }
}
