package org.openbcs.peer.lifecycle;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ledger.VersionedValue;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.openbcs.peer.channel.ChaincodeDefinitions;

/**
 * Committed chaincode definitions read from the ledger's {@code _lifecycle} namespace. Lookups
 * sit on every endorsement and every validated transaction, so decoded definitions are cached;
 * any commit clears the cache (definitions change rarely, blocks are cheap to re-read after).
 */
public final class LedgerChaincodeDefinitions implements ChaincodeDefinitions {
  /** Names of unknown chaincodes are cached too (clients choose them), so the cache is capped. */
  static final int MAX_CACHED_DEFINITIONS = 1024;

  private final PeerLedger ledger;
  private final ChannelConfig config;
  private final MspManager msps;
  private final ConcurrentHashMap<String, Optional<ChaincodeDefinition>> cache =
      new ConcurrentHashMap<>();
  /** Bumped on every commit so a lookup racing a commit does not cache a stale answer. */
  private final AtomicLong generation = new AtomicLong();

  public LedgerChaincodeDefinitions(PeerLedger ledger, ChannelConfig config, MspManager msps) {
    this.ledger = ledger;
    this.config = config;
    this.msps = msps;
    ledger.addCommitListener(
        result -> {
          generation.incrementAndGet();
          cache.clear();
        });
  }

  @Override
  public Optional<ChaincodeDefinition> get(String chaincodeName) {
    Optional<ChaincodeDefinition> cached = cache.get(chaincodeName);
    if (cached != null) {
      return cached;
    }
    long before = generation.get();
    Optional<ChaincodeDefinition> loaded =
        ledger
            .getState(LifecycleNamespace.NAME, chaincodeName)
            .map(VersionedValue::value)
            .map(v -> LifecycleNamespace.decode(chaincodeName, v, config, msps));
    if (generation.get() == before && cache.size() < MAX_CACHED_DEFINITIONS) {
      cache.put(chaincodeName, loaded);
    }
    return loaded;
  }
}
