package org.openbcs.fbft.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openbcs.fbft.protocol.FbftConfig;

/**
 * One simulation run. Network faults (drops, duplicates, partitions) and crash/restarts happen only
 * before {@code gstMillis} (global stabilisation time); Byzantine replicas and crashed-forever ones
 * stay faulty throughout, at most f of them together.
 */
public record SimConfig(
    long seed,
    FbftConfig fbft,
    long gstMillis,
    long livenessBoundMillis,
    long minDelayMillis,
    long maxDelayMillis,
    double dropRate,
    double duplicateRate,
    List<Partition> partitions,
    List<Crash> crashes,
    Map<Integer, Byzantine> byzantine,
    long clientIntervalMillis,
    boolean checkLiveness,
    boolean stopWhenLive,
    boolean realCrypto,
    boolean lyingDisks,
    boolean crashLosesInFlight,
    int envelopeBytes,
    int clientFanout,
    int clientNode) {

  /** Messages between {@code side} and the rest are lost during [startMillis, endMillis). */
  public record Partition(long startMillis, long endMillis, Set<Integer> side) {}

  /** {@code node} crashes at {@code atMillis}; restarts at {@code restartAtMillis} unless it is negative. */
  public record Crash(int node, long atMillis, long restartAtMillis, boolean loseUnsyncedTail) {
    public boolean forever() {
      return restartAtMillis < 0;
    }
  }

  public int n() {
    return fbft.n();
  }

  public long endMillis() {
    return gstMillis + livenessBoundMillis + 50;
  }

  public static Builder builder(long seed, int n) {
    return new Builder(seed, n);
  }

  /** Faulty replicas (Byzantine or crashed forever) must stay within f. */
  public int faultyCount() {
    Set<Integer> s = new java.util.HashSet<>(byzantine.keySet());
    for (Crash c : crashes) {
      if (c.forever()) {
        s.add(c.node());
      }
    }
    return s.size();
  }

  public String describe() {
    StringBuilder sb = new StringBuilder("n=" + n() + " gst=" + gstMillis + "ms");
    if (dropRate > 0) {
      sb.append(" drop=").append(String.format("%.2f", dropRate));
    }
    if (duplicateRate > 0) {
      sb.append(" dup=").append(String.format("%.2f", duplicateRate));
    }
    sb.append(" delay=").append(minDelayMillis).append("..").append(maxDelayMillis).append("ms");
    partitions.forEach(p -> sb.append(" partition").append(p.side()).append("@").append(p.startMillis()).append("-").append(p.endMillis()));
    crashes.forEach(c -> sb.append(" crash(").append(c.node()).append("@").append(c.atMillis())
        .append(c.forever() ? ",forever" : ",restart@" + c.restartAtMillis()).append(c.loseUnsyncedTail() ? ",lose-tail" : "").append(")"));
    byzantine.forEach((node, b) -> sb.append(" byz(").append(node).append("=").append(b).append(")"));
    if (crashLosesInFlight) {
      sb.append(" crash-loses-in-flight");
    }
    if (fbft.batches()) {
      sb.append(" batches");
    }
    return sb.toString();
  }

  public static final class Builder {
    private final long seed;
    private FbftConfig fbft;
    private long gst = 1000;
    private long livenessBound = -1;
    private long minDelay = 1;
    private long maxDelay = 5;
    private double drop;
    private double dup;
    private final List<Partition> partitions = new ArrayList<>();
    private final List<Crash> crashes = new ArrayList<>();
    private final Map<Integer, Byzantine> byzantine = new LinkedHashMap<>();
    private long clientInterval = 10;
    private boolean checkLiveness = true;
    private boolean stopWhenLive;
    private boolean realCrypto;
    private boolean lyingDisks;
    private boolean crashLosesInFlight;
    private int envelopeBytes;
    private int clientFanout = 2;
    private int clientNode = -1;

    Builder(long seed, int n) {
      this.seed = seed;
      FbftConfig d = FbftConfig.defaults(n);
      this.fbft = new FbftConfig(n, 50, 3, d.reputationRounds(), d.maxRoundsAhead(), d.maxBufferedMessages(),
          d.maxBlockEnvelopes(), d.maxMempoolEnvelopes(), d.retainBlocks(), d.codecLimits());
    }

    public Builder fbft(FbftConfig c) {
      this.fbft = c;
      return this;
    }

    public Builder gst(long millis) {
      this.gst = millis;
      return this;
    }

    public Builder livenessBound(long millis) {
      this.livenessBound = millis;
      return this;
    }

    public Builder delay(long min, long max) {
      this.minDelay = min;
      this.maxDelay = max;
      return this;
    }

    public Builder drop(double rate) {
      this.drop = rate;
      return this;
    }

    public Builder duplicate(double rate) {
      this.dup = rate;
      return this;
    }

    public Builder partition(long start, long end, Set<Integer> side) {
      partitions.add(new Partition(start, end, Set.copyOf(side)));
      return this;
    }

    public Builder crash(int node, long at, long restartAt, boolean loseTail) {
      crashes.add(new Crash(node, at, restartAt, loseTail));
      return this;
    }

    public Builder byzantine(int node, Byzantine b) {
      byzantine.put(node, b);
      return this;
    }

    public Builder clientInterval(long millis) {
      this.clientInterval = millis;
      return this;
    }

    public Builder checkLiveness(boolean check) {
      this.checkLiveness = check;
      return this;
    }

    /** End the run shortly after every honest replica made progress past GST (seed sweeps). */
    public Builder stopWhenLive(boolean stop) {
      this.stopWhenLive = stop;
      return this;
    }

    /** ECDSA P-256 signatures (CryptoAuthenticator) instead of the cheap simulated MACs. */
    public Builder realCrypto(boolean real) {
      this.realCrypto = real;
      return this;
    }

    /** Negative control: every WAL acknowledges fsync without doing it (see MemoryWal#lieAboutSync). */
    public Builder lyingDisks(boolean lie) {
      this.lyingDisks = lie;
      return this;
    }

    /**
     * A crash also loses the crashed replica's messages still in flight, as a process that dies with
     * unflushed outbound queues does: a broadcast cut short reaches only some replicas.
     */
    public Builder crashLosesInFlight(boolean lose) {
      this.crashLosesInFlight = lose;
      return this;
    }

    /** Payload dissemination (spec section 9) on or off. */
    public Builder batches(boolean on) {
      this.fbft = fbft.withBatches(on);
      return this;
    }

    /** Pads every client envelope to at least this many bytes (payload-size measurements). */
    public Builder envelopeBytes(int bytes) {
      this.envelopeBytes = bytes;
      return this;
    }

    /** Replicas each client envelope is submitted to: 2 (default) or 1, as a Fabric gateway does. */
    public Builder clientFanout(int replicas) {
      if (replicas < 1 || replicas > 2) {
        throw new IllegalArgumentException("client fan-out must be 1 or 2, got " + replicas);
      }
      this.clientFanout = replicas;
      return this;
    }

    /** Every client envelope goes to {@code node} only (its clients), instead of random replicas. */
    public Builder clientsOf(int node) {
      this.clientNode = node;
      this.clientFanout = 1;
      return this;
    }

    public SimConfig build() {
      // Default bound (spec R2.7): the capped timeout three times (replicas left at the cap re-sync
      // through timeouts and forwarded certificates, and one more capped round can fail on a faulty
      // aggregator), plus a few base timeouts per possibly faulty leader that must be skipped.
      long bound = livenessBound > 0 ? livenessBound
          : 3 * fbft.maxTimeoutMillis() + (long) (fbft.f() + 2) * 4 * fbft.baseTimeoutMillis() + 20 * maxDelay;
      SimConfig c = new SimConfig(seed, fbft, gst, bound, minDelay, maxDelay, drop, dup, List.copyOf(partitions),
          List.copyOf(crashes), Map.copyOf(byzantine), clientInterval, checkLiveness, stopWhenLive, realCrypto, lyingDisks,
          crashLosesInFlight, envelopeBytes, clientFanout, clientNode);
      if (c.faultyCount() > fbft.f()) {
        throw new IllegalArgumentException("more than f = " + fbft.f() + " faulty replicas: " + c.describe());
      }
      return c;
    }
  }
}
