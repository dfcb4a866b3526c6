package org.openbcs.ledger;

import java.nio.file.Path;
import org.openbcs.crypto.CryptoSuite;

/** Opens ledgers. Recovers a torn block-file tail and replays state that lags the block store. */
public final class Ledgers {
  private Ledgers() {}

  /** API placeholder: the ledger module replaces this with the real implementation. */
  public static BlockStore openBlockStore(Path directory, CryptoSuite suite) {
    throw new UnsupportedOperationException("block store not implemented yet");
  }

  /** API placeholder: the ledger module replaces this with the real implementation. */
  public static PeerLedger openPeerLedger(Path directory, String channelId, CryptoSuite suite) {
    throw new UnsupportedOperationException("peer ledger not implemented yet");
  }
}
