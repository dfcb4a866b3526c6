package org.openbcs.ledger;

import java.nio.file.Path;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ledger.blockstore.FileBlockStore;
import org.openbcs.ledger.state.RocksPeerLedger;

/**
 * Opens ledgers. Recovers a torn block-file tail and replays state that lags the block store.
 *
 * <p>{@code directory} is one channel's ledger directory; it holds {@code blocks/} (segment files),
 * {@code index/} (block index) and, for peers, {@code state/} (world state and history).
 */
public final class Ledgers {
  private Ledgers() {}

  /** A block store alone, as orderers use it. */
  public static BlockStore openBlockStore(Path directory, CryptoSuite suite) {
    return FileBlockStore.open(directory, suite);
  }

  /** A peer's ledger for {@code channelId}; fails if the directory belongs to another channel. */
  public static PeerLedger openPeerLedger(Path directory, String channelId, CryptoSuite suite) {
    return RocksPeerLedger.open(directory, channelId, suite);
  }
}
