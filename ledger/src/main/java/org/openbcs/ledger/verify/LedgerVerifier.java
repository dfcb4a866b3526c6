package org.openbcs.ledger.verify;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hyperledger.fabric.protos.common.Block;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ledger.LedgerException;
import org.openbcs.ledger.Version;
import org.openbcs.ledger.blockstore.BlockChecks;
import org.openbcs.ledger.blockstore.BlockIndex;
import org.openbcs.ledger.blockstore.EnvelopeHeaders;
import org.openbcs.ledger.blockstore.FileBlockStore;
import org.openbcs.ledger.blockstore.IndexedBlock;
import org.openbcs.ledger.blockstore.ScanStep;
import org.openbcs.ledger.blockstore.SegmentFiles;
import org.openbcs.ledger.blockstore.TxLocation;
import org.openbcs.ledger.state.BlockUpdates;
import org.openbcs.ledger.state.CommittedBlocks;
import org.openbcs.ledger.state.StateCodec;
import org.openbcs.ledger.state.StateDb;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Tamper audit of a ledger directory, read-only (safe next to a running node): every record checksum,
 * block number, data hash and header-hash link; the block index against the files; and world state and
 * history against a replay of the valid transactions of all blocks up to the state savepoint. Stops at
 * the first inconsistency and names it.
 *
 * <p>The replayed state is held in memory, which bounds the ledger size this audit suits.
 */
public final class LedgerVerifier {
  private final Path dir;
  private final CryptoSuite suite;
  private final List<String> notes = new ArrayList<>();
  private final List<IndexedBlock> blocks = new ArrayList<>();
  private final Map<String, TxLocation> firstTx = new HashMap<>();
  private final TreeMap<byte[], byte[]> expectedState = new TreeMap<>(Arrays::compareUnsigned);
  private final TreeMap<byte[], byte[]> expectedHistory = new TreeMap<>(Arrays::compareUnsigned);
  private long transactions;
  private long keys;
  private long savepoint = -1;

  /** The first inconsistency; thrown to stop the audit there. */
  private static final class Found extends RuntimeException {
    Found(String message) {
      super(message, null, false, false);
    }
  }

  private LedgerVerifier(Path dir, CryptoSuite suite) {
    this.dir = dir;
    this.suite = suite;
  }

  /** Audits the ledger in {@code dir} (the directory given to {@code Ledgers.open*}). */
  public static VerifyReport verify(Path dir, CryptoSuite suite) {
    return new LedgerVerifier(dir, suite).run();
  }

  private VerifyReport run() {
    Optional<String> problem;
    try {
      Path stateDir = dir.resolve(StateDb.DIR);
      StateDb state = Files.isDirectory(stateDir) ? StateDb.open(stateDir, true) : null;
      try {
        if (state != null) {
          savepoint = state.savepoint().map(StateDb.Savepoint::blockNum).orElse(-1L);
        }
        verifyBlocks();
        verifyIndex();
        if (state != null) {
          verifyState(state);
        } else {
          notes.add("no state database: block store only");
        }
      } finally {
        if (state != null) {
          state.close();
        }
      }
      problem = Optional.empty();
    } catch (Found f) {
      problem = Optional.of(f.getMessage());
    } catch (LedgerException e) {
      problem = Optional.of(e.getMessage());
    }
    return new VerifyReport(blocks.size(), transactions, keys, problem, List.copyOf(notes));
  }

  private void verifyBlocks() {
    try (SegmentFiles files = SegmentFiles.openExisting(dir.resolve(FileBlockStore.BLOCKS_DIR))) {
      int segment = 0;
      long offset = 0;
      byte[] tipHash = new byte[0];
      while (true) {
        long n = blocks.size();
        ScanStep step = files.readAt(segment, offset);
        switch (step) {
          case ScanStep.EndOfSegment end -> {
            if (segment >= files.lastSegment()) {
              return;
            }
            segment++;
            offset = 0;
          }
          case ScanStep.Broken broken -> {
            String where = SegmentFiles.fileName(segment) + " offset " + offset;
            if (files.intactRecordAfter(segment, offset)) {
              throw new Found("block " + n + ": " + broken.reason() + " at " + where + ", followed by intact records");
            }
            notes.add("torn tail at " + where + " (" + broken.reason() + "); opening the ledger truncates it");
            return;
          }
          case ScanStep.Intact intact -> {
            if (intact.blockNumber() != n) {
              throw new Found("block " + n + ": record at " + files.describe(intact.location()) + " is labelled block "
                  + intact.blockNumber());
            }
            Block block;
            try {
              block = Block.parseFrom(intact.payload());
            } catch (InvalidProtocolBufferException e) {
              throw new Found("block " + n + ": stored record is not a valid common.Block: " + e.getMessage());
            }
            byte[] hash = BlockChecks.checkFollows(suite, block, n, tipHash);
            if (block.getMetadata().getMetadataCount() < BlockChecks.METADATA_SLOTS) {
              throw new Found("block " + n + ": " + block.getMetadata().getMetadataCount() + " metadata slots, expected "
                  + BlockChecks.METADATA_SLOTS);
            }
            blocks.add(new IndexedBlock(n, intact.location(), hash));
            List<String> ids = EnvelopeHeaders.txIds(block);
            for (int i = 0; i < ids.size(); i++) {
              if (!ids.get(i).isEmpty()) {
                firstTx.putIfAbsent(ids.get(i), new TxLocation(n, i));
              }
            }
            transactions += ids.size();
            if (n <= savepoint) {
              replay(CommittedBlocks.validWrites(block));
            }
            tipHash = hash;
            offset = intact.location().end();
          }
        }
      }
    }
  }

  private void replay(BlockUpdates updates) {
    updates.latest().forEach((key, w) -> {
      if (w.isDelete()) {
        expectedState.remove(key);
      } else {
        expectedState.put(key, StateCodec.encodeValue(w.version(), w.value()));
      }
    });
    for (BlockUpdates.HistoryWrite h : updates.history()) {
      expectedHistory.put(StateCodec.historyKey(h.stateKey(), h.version()),
          StateCodec.encodeHistory(h.txId(), h.timestampMillis(), h.isDelete(), h.value()));
    }
  }

  private void verifyIndex() {
    Path indexDir = dir.resolve(FileBlockStore.INDEX_DIR);
    if (!Files.isDirectory(indexDir)) {
      notes.add("no block index: opening the ledger rebuilds it");
      return;
    }
    try (Options options = new Options(); RocksDB db = RocksDB.openReadOnly(options, indexDir.toString());
        RocksIterator it = db.newIterator()) {
      byte[] h = db.get(new byte[] {'m', 'h'});
      long height = h == null ? 0 : ByteBuffer.wrap(h).getLong();
      if (height > blocks.size()) {
        throw new Found("index: height " + height + " but the block files hold " + blocks.size() + " blocks");
      }
      if (height < blocks.size()) {
        notes.add("index lags the block files (" + height + " of " + blocks.size() + " blocks); opening catches it up");
      }
      long blockEntries = 0;
      long hashEntries = 0;
      long txEntries = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        byte[] v = it.value();
        switch (k[0]) {
          case 'b' -> {
            blockEntries++;
            checkBlockEntry(k, v, height);
          }
          case 'h' -> {
            hashEntries++;
            checkHashEntry(k, v, height);
          }
          case 't' -> {
            txEntries++;
            checkTxEntry(k, v, height);
          }
          case 'm' -> { }
          default -> throw new Found("index: unexpected entry with key prefix " + (char) k[0]);
        }
      }
      it.status();
      long expectedTx = firstTx.values().stream().filter(t -> t.blockNum() < height).count();
      if (blockEntries != height || hashEntries != height || txEntries != expectedTx) {
        throw new Found("index: " + blockEntries + " block, " + hashEntries + " hash and " + txEntries
            + " tx entries for " + height + " indexed blocks with " + expectedTx + " distinct tx ids");
      }
    } catch (RocksDBException e) {
      throw new Found("index: cannot be read: " + e.getMessage());
    }
  }

  private void checkBlockEntry(byte[] k, byte[] v, long height) {
    long n = ByteBuffer.wrap(k, 1, 8).getLong();
    if (k.length != 9 || n < 0 || n >= height) {
      throw new Found("index: entry for block " + n + " beyond the indexed height " + height);
    }
    IndexedBlock stored = BlockIndex.decodeBlock(n, v);
    IndexedBlock actual = blocks.get((int) n);
    if (!stored.location().equals(actual.location()) || !Arrays.equals(stored.headerHash(), actual.headerHash())) {
      throw new Found("block " + n + ": index entry " + describe(stored) + " differs from the block file " + describe(actual));
    }
  }

  private void checkHashEntry(byte[] k, byte[] v, long height) {
    byte[] hash = Arrays.copyOfRange(k, 1, k.length);
    long n = v.length == 8 ? ByteBuffer.wrap(v).getLong() : -1;
    if (n < 0 || n >= height || !Arrays.equals(blocks.get((int) n).headerHash(), hash)) {
      throw new Found("index: header hash " + BlockChecks.abbrev(hash) + " maps to block " + n
          + ", which has a different header hash");
    }
  }

  private void checkTxEntry(byte[] k, byte[] v, long height) {
    String txId = new String(k, 1, k.length - 1, StandardCharsets.UTF_8);
    TxLocation expected = firstTx.get(txId);
    TxLocation stored = v.length == 12 ? new TxLocation(ByteBuffer.wrap(v).getLong(), ByteBuffer.wrap(v, 8, 4).getInt()) : null;
    if (expected == null || expected.blockNum() >= height) {
      throw new Found("index: entry for tx " + txId + " which no indexed block holds");
    }
    if (!expected.equals(stored)) {
      throw new Found("block " + expected.blockNum() + ": index entry of tx " + txId + " points to " + stored
          + ", the block files say tx " + expected.txIndex() + " of block " + expected.blockNum());
    }
  }

  private static String describe(IndexedBlock b) {
    return "(" + SegmentFiles.fileName(b.location().segment()) + " offset " + b.location().offset() + ", "
        + b.location().payloadLength() + " bytes, hash " + BlockChecks.abbrev(b.headerHash()) + ")";
  }

  private void verifyState(StateDb state) {
    long tip = blocks.size() - 1;
    if (savepoint > tip) {
      throw new Found("state: savepoint at block " + savepoint + " is ahead of the block files (tip " + tip + ")");
    }
    if (savepoint < tip) {
      notes.add("state lags the block store (savepoint " + savepoint + ", tip " + tip + "); opening replays it");
    }
    if (savepoint >= 0) {
      byte[] hash = state.savepoint().orElseThrow().headerHash();
      if (!Arrays.equals(hash, blocks.get((int) savepoint).headerHash())) {
        throw new Found("state: savepoint hash " + BlockChecks.abbrev(hash) + " is not the header hash of block " + savepoint);
      }
    }
    keys = compare("state", state.stateIterator(null), expectedState, false);
    compare("history", state.historyIterator(null), expectedHistory, true);
  }

  /** Walks the column family and the expected map together; returns the entry count. */
  private long compare(String what, RocksIterator it, TreeMap<byte[], byte[]> expected, boolean history) {
    long count = 0;
    try (it) {
      Iterator<Map.Entry<byte[], byte[]>> exp = expected.entrySet().iterator();
      Map.Entry<byte[], byte[]> e = exp.hasNext() ? exp.next() : null;
      it.seekToFirst();
      while (it.isValid() || e != null) {
        byte[] k = it.isValid() ? it.key() : null;
        int c = k == null ? 1 : e == null ? -1 : Arrays.compareUnsigned(k, e.getKey());
        if (c < 0) {
          throw new Found(what + ": " + name(k, history) + " is stored but no valid transaction wrote it");
        }
        if (c > 0) {
          throw new Found(what + ": " + name(e.getKey(), history) + " is missing (written by "
              + version(e.getKey(), e.getValue(), history) + ")");
        }
        if (!Arrays.equals(it.value(), e.getValue())) {
          throw new Found(what + ": " + name(k, history) + " differs from the replay of the blocks (stored "
              + version(k, it.value(), history) + ", expected " + version(k, e.getValue(), history) + ")");
        }
        count++;
        it.next();
        e = exp.hasNext() ? exp.next() : null;
      }
      it.status();
    } catch (RocksDBException ex) {
      throw new Found(what + ": cannot be read: " + ex.getMessage());
    }
    return count;
  }

  private static String name(byte[] key, boolean history) {
    byte[] stateKey = history ? Arrays.copyOf(key, Math.max(0, key.length - 1 - StateCodec.VERSION_BYTES)) : key;
    String[] parts;
    try {
      parts = StateCodec.split(stateKey);
    } catch (LedgerException e) {
      return "undecodable key " + BlockChecks.abbrev(key);
    }
    String base = "key " + printable(parts[0]) + "/" + printable(parts[1]);
    return history ? base + " at " + StateCodec.historyVersion(key) : base;
  }

  private static String version(byte[] key, byte[] value, boolean history) {
    if (history) {
      StateCodec.HistoryValue h = StateCodec.decodeHistory(value);
      return "tx " + h.txId() + (h.isDelete() ? " delete" : " value " + BlockChecks.abbrev(h.value()));
    }
    if (value.length < StateCodec.VERSION_BYTES) {
      return "a " + value.length + "-byte value without a version";
    }
    Version v = StateCodec.decodeVersion(value);
    return "version (" + v.blockNum() + "," + v.txNum() + ") value " + BlockChecks.abbrev(StateCodec.decodeValue(value));
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        b.append(String.format("\\u%04x", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.toString();
  }
}
