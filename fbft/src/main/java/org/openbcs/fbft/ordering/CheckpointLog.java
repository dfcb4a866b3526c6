package org.openbcs.fbft.ordering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.openbcs.fbft.message.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger positions an orderer vouches for (R3.8), kept across restarts: an append-only file
 * of fixed-size records {@code fbftHeight, ledgerHeight, tipHash, crc32c}, one per FBFT height at
 * which the ledger changed, and gap markers ({@code ledgerHeight = -1}) where knowledge was lost.
 *
 * <p>Appends are not fsynced: every record is a true statement when written, so a crash can only
 * lose the tail, and {@link CheckpointExchange#startAt} marks what the tail would have said as
 * unknown. Reading stops at the first record whose checksum fails (a torn or zero-filled tail),
 * and the file is cut there so later appends follow valid records.
 */
final class CheckpointLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckpointLog.class);
  static final int RECORD_BYTES = 8 + 8 + Digest.LENGTH + 4;

  /** One record: the ledger after {@code fbftHeight}; {@code ledgerHeight < 0} marks a gap. */
  record Entry(long fbftHeight, long ledgerHeight, Digest tipHash) {
    static final Digest NO_HASH = Digest.of(new byte[Digest.LENGTH]);

    static Entry gap(long fbftHeight) {
      return new Entry(fbftHeight, -1, NO_HASH);
    }

    boolean isGap() {
      return ledgerHeight < 0;
    }
  }

  private final Path file;
  private final int keep;
  private FileChannel out;
  private long records;

  private CheckpointLog(Path file, int keep, FileChannel out, long records) {
    this.file = file;
    this.keep = keep;
    this.out = out;
    this.records = records;
  }

  /**
   * Opens (or creates) the log at {@code file}, returning it with the valid records it holds, oldest
   * first. Files grow to {@code 2 * keep} records before they are compacted to the newest {@code keep}.
   */
  static Opened open(Path file, int keep) {
    try {
      Files.createDirectories(file.getParent());
      List<Entry> entries = new ArrayList<>();
      long validBytes = 0;
      if (Files.exists(file)) {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(all);
        while (buf.remaining() >= RECORD_BYTES) {
          int start = buf.position();
          long fbftHeight = buf.getLong();
          long ledgerHeight = buf.getLong();
          byte[] hash = new byte[Digest.LENGTH];
          buf.get(hash);
          int crc = buf.getInt();
          if (crc != crc(all, start, RECORD_BYTES - 4)) {
            break;
          }
          entries.add(new Entry(fbftHeight, ledgerHeight, Digest.of(hash)));
          validBytes = buf.position();
        }
        if (validBytes < all.length) {
          log.warn("checkpoint log {}: {} bytes after the last valid record cut off", file, all.length - validBytes);
        }
      }
      FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      out.truncate(validBytes);
      out.position(validBytes);
      return new Opened(new CheckpointLog(file, keep, out, entries.size()), entries);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the checkpoint log " + file, e);
    }
  }

  record Opened(CheckpointLog log, List<Entry> entries) {}

  /** Appends {@code e}; first compacts the file to {@code newest} when it holds 2 x keep records. */
  synchronized void append(Entry e, java.util.function.Supplier<List<Entry>> newest) {
    try {
      if (records >= 2L * keep) {
        compact(newest.get());
      }
      out.write(encode(e));
      records++;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot append to the checkpoint log " + file, ex);
    }
  }

  /** Replaces the log's records with {@code entries} (atomically). */
  synchronized void rewrite(List<Entry> entries) {
    try {
      compact(entries);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot rewrite the checkpoint log " + file, ex);
    }
  }

  /**
   * Rewrites the log as the last {@code keep} of {@code entries} (atomically: a crash leaves the old
   * file or the new one).
   */
  private void compact(List<Entry> entries) throws IOException {
    List<Entry> newest = entries.subList(Math.max(0, entries.size() - keep), entries.size());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Entry e : newest) {
        c.write(encode(e));
      }
      c.force(true);
    }
    out.close();
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    out = FileChannel.open(file, StandardOpenOption.WRITE);
    out.position(out.size());
    records = newest.size();
  }

  private static ByteBuffer encode(Entry e) {
    ByteBuffer b = ByteBuffer.allocate(RECORD_BYTES);
    b.putLong(e.fbftHeight()).putLong(e.ledgerHeight()).put(e.tipHash().toBytes());
    b.putInt(crc(b.array(), 0, RECORD_BYTES - 4));
    return b.flip();
  }

  private static int crc(byte[] bytes, int offset, int length) {
    CRC32C c = new CRC32C();
    c.update(bytes, offset, length);
    return (int) c.getValue();
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      log.warn("closing checkpoint log {}: {}", file, e.toString());
    }
  }
}
