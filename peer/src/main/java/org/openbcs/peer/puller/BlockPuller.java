package org.openbcs.peer.puller;

import java.nio.file.Files;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.openbcs.common.Verdict;
import org.openbcs.common.time.TimeSource;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.committer.BlockCommitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a channel's blocks from the ordering service and hands them to the committer, on one
 * thread per channel (the committer's contract). It seeks from the committer's tip, verifies each
 * block (number, previous hash, data hash, orderer signature), hands it to the committer's pipeline
 * ({@link BlockCommitter#commitAsync}: validated here, written and fsynced while the next block
 * arrives), and when the orderer
 * goes away or misbehaves reconnects to the next endpoint with bounded exponential backoff,
 * resuming from whatever height the ledger then has.
 */
public final class BlockPuller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BlockPuller.class);

  /** First reconnect delay; doubled after each failed attempt up to {@link #MAX_BACKOFF}. */
  static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** How often the puller re-checks for close() while the orderer is silent. */
  static final long POLL_MILLIS = 500;

  private final PeerChannel channel;
  private final List<String> endpoints;
  private final Path tlsRoots;
  private final Path clientCert;
  private final Path clientKey;
  private final SigningIdentity signer;
  private final BlockCommitter committer;
  private final TimeSource time;
  private final RandomGenerator random;
  private final OrdererBlockVerifier verifier;
  private final byte[] tlsCertHash;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile OrdererConnection current;
  private Thread thread;

  public BlockPuller(
      PeerChannel channel,
      List<String> ordererEndpoints,
      Path ordererTlsRoots,
      Path clientCert,
      Path clientKey,
      SigningIdentity signer,
      BlockCommitter committer) {
    this(
        channel, ordererEndpoints, ordererTlsRoots, clientCert, clientKey, signer, committer,
        TimeSource.SYSTEM, new SecureRandom());
  }

  public BlockPuller(
      PeerChannel channel,
      List<String> ordererEndpoints,
      Path ordererTlsRoots,
      Path clientCert,
      Path clientKey,
      SigningIdentity signer,
      BlockCommitter committer,
      TimeSource time,
      RandomGenerator random) {
    if (ordererEndpoints.isEmpty()) {
      throw new IllegalArgumentException("channel " + channel.channelId() + ": no orderer endpoints");
    }
    for (String endpoint : ordererEndpoints) {
      int colon = endpoint.lastIndexOf(':');
      if (colon <= 0 || !endpoint.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException("orderer endpoint '" + endpoint + "' is not host:port");
      }
    }
    this.channel = channel;
    this.endpoints = List.copyOf(ordererEndpoints);
    this.tlsRoots = ordererTlsRoots;
    this.clientCert = clientCert;
    this.clientKey = clientKey;
    this.signer = signer;
    this.committer = committer;
    this.time = time;
    this.random = random;
    this.verifier = new OrdererBlockVerifier(channel);
    this.tlsCertHash = clientCert == null ? null : tlsCertHash(channel, clientCert);
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("block puller of channel " + channel.channelId() + " already started");
    }
    thread = Thread.ofPlatform().name("puller-" + channel.channelId()).daemon().start(this::run);
  }

  /** Stops pulling and waits for the puller thread (a commit in progress finishes first). */
  @Override
  public void close() {
    closed.countDown();
    OrdererConnection c = current;
    if (c != null) {
      c.close();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    // Never interrupt: the thread may be inside a ledger commit, and an interrupt during
    // FileChannel I/O closes the block store's channel. It notices the latch within POLL_MILLIS.
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean isClosed() {
    return closed.getCount() == 0;
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    int attempt = 0;
    while (!isClosed()) {
      String endpoint = endpoints.get(attempt++ % endpoints.size());
      boolean progressed = false;
      try {
        progressed = pullFrom(endpoint);
      } catch (InterruptedException e) {
        if (isClosed()) {
          break;
        }
      } catch (RuntimeException e) {
        if (!isClosed()) {
          log.warn("[{}] pulling from orderer {} failed: {}", channel.channelId(), endpoint, e.toString());
        }
      }
      if (progressed) {
        backoff = MIN_BACKOFF;
      }
      try {
        if (closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        if (isClosed()) {
          break;
        }
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
    log.info("[{}] block puller stopped at height {}", channel.channelId(), channel.ledger().blocks().height());
  }

  /** One connection's life; returns whether at least one block was committed. */
  private boolean pullFrom(String endpoint) throws InterruptedException {
    // The committer's tip, not the ledger's: blocks it accepted may still be in the commit pipeline.
    long height = committer.tip().height();
    Envelope seek =
        SeekEnvelopes.fromBlock(channel.channelId(), height, signer, tlsCertHash, time.wallMillis(), random);
    boolean progressed = false;
    try (OrdererConnection conn = OrdererConnection.open(endpoint, tlsRoots, clientCert, clientKey, seek)) {
      current = conn;
      if (isClosed()) {
        return false;
      }
      log.info("[{}] pulling blocks from orderer {} starting at {}", channel.channelId(), endpoint, height);
      while (!isClosed()) {
        Object item = conn.next(POLL_MILLIS);
        if (item == null) {
          continue;
        }
        if (item instanceof OrdererConnection.Ended ended) {
          log.info(
              "[{}] deliver stream from {} ended{}",
              channel.channelId(),
              endpoint,
              ended.cause() == null ? "" : ": " + ended.cause());
          return progressed;
        }
        DeliverResponse response = (DeliverResponse) item;
        if (response.hasStatus() || !response.hasBlock()) {
          log.warn("[{}] orderer {} answered status {}", channel.channelId(), endpoint, response.getStatus());
          return progressed;
        }
        if (!accept(response.getBlock(), endpoint)) {
          return progressed;
        }
        progressed = true;
      }
      return progressed;
    } finally {
      current = null;
    }
  }

  private boolean accept(Block block, String endpoint) {
    PeerLedger.Tip tip = committer.tip();
    Verdict verdict = verifier.verify(block, tip.height(), tip.currentBlockHash());
    if (!verdict.accepted()) {
      log.warn("[{}] rejecting block from orderer {}: {}", channel.channelId(), endpoint, verdict.reason());
      return false;
    }
    try {
      // Pipelined: this block's write and fsync overlap the next block's receipt and validation.
      long number = block.getHeader().getNumber();
      committer.commitAsync(block).whenComplete((result, failure) -> {
        if (failure != null) {
          log.error("[{}] block {} failed to commit after it was accepted: {}; the ledger refuses further"
              + " commits until the peer restarts", channel.channelId(), number, failure.toString());
        }
      });
      return true;
    } catch (LedgerException e) {
      log.warn(
          "[{}] block {} from {} not committed: {}",
          channel.channelId(),
          block.getHeader().getNumber(),
          endpoint,
          e.getMessage());
      return false;
    }
  }

  /** Fabric binds a deliver request to the mutual-TLS session with the client cert's hash. */
  private static byte[] tlsCertHash(PeerChannel channel, Path clientCert) {
    try {
      byte[] der = channel.suite().parseCertificate(Files.readAllBytes(clientCert)).getEncoded();
      return channel.suite().hash(der);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read client TLS certificate " + clientCert, e);
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("client TLS certificate " + clientCert + " cannot be encoded", e);
    }
  }
}
