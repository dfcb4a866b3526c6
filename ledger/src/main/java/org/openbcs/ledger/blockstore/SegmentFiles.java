package org.openbcs.ledger.blockstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openbcs.ledger.LedgerException;

/**
 * The append-only segment files {@code blockfile_000000, blockfile_000001, ...} of one block store.
 * Appends go to the last segment and are fsynced; a segment rolls when the next record would take it
 * past the roll size. Positional reads are thread-safe; appends are single-threaded by contract.
 */
public final class SegmentFiles implements AutoCloseable {
  /** Segment size at which the writer starts a new file (Fabric's default block file size). */
  public static final long DEFAULT_ROLL_BYTES = 64L * 1024 * 1024;

  private static final Pattern NAME = Pattern.compile("blockfile_(\\d{6})");
  private static final int SEARCH_CHUNK_BYTES = 1 << 20;

  private final Path dir;
  private final long rollBytes;
  private final Map<Integer, FileChannel> readers = new ConcurrentHashMap<>();
  private int lastSegment;
  /** Read-back buffer of the appending thread; one typical block's worth is kept between appends. */
  private ByteBuffer verifyBuffer = ByteBuffer.allocate(0);
  private static final int KEEP_VERIFY_BUFFER_BYTES = 8 << 20;
  private FileChannel writer;
  private long writerSize;

  private SegmentFiles(Path dir, long rollBytes, int lastSegment) {
    this.dir = dir;
    this.rollBytes = rollBytes;
    this.lastSegment = lastSegment;
  }

  /** Opens (creating if needed) the segment directory; segment numbers must be contiguous from 0. */
  public static SegmentFiles open(Path dir, long rollBytes) {
    try {
      Files.createDirectories(dir);
      List<Integer> numbers = segmentNumbers(dir);
      for (int i = 0; i < numbers.size(); i++) {
        if (numbers.get(i) != i) {
          throw new LedgerException(
              "block files in " + dir + " are not contiguous: " + fileName(i) + " is missing");
        }
      }
      SegmentFiles files = new SegmentFiles(dir, rollBytes, Math.max(0, numbers.size() - 1));
      if (numbers.isEmpty()) {
        Files.createFile(dir.resolve(fileName(0)));
        fsyncDirectory(dir);
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open block files in " + dir, e);
    }
  }

  /** Opens existing segment files for reading only (the verifier); creates and changes nothing. */
  public static SegmentFiles openExisting(Path dir) {
    try {
      List<Integer> numbers = segmentNumbers(dir);
      if (numbers.isEmpty()) {
        throw new LedgerException("no block files in " + dir);
      }
      for (int i = 0; i < numbers.size(); i++) {
        if (numbers.get(i) != i) {
          throw new LedgerException(
              "block files in " + dir + " are not contiguous: " + fileName(i) + " is missing");
        }
      }
      return new SegmentFiles(dir, DEFAULT_ROLL_BYTES, numbers.size() - 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list block files in " + dir, e);
    }
  }

  /** Existing segment numbers, sorted; used read-only by the verifier too. */
  public static List<Integer> segmentNumbers(Path dir) throws IOException {
    List<Integer> numbers = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return numbers;
    }
    try (Stream<Path> list = Files.list(dir)) {
      list.forEach(
          p -> {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (m.matches()) {
              numbers.add(Integer.parseInt(m.group(1)));
            }
          });
    }
    numbers.sort(Integer::compare);
    return numbers;
  }

  public static String fileName(int segment) {
    return String.format("blockfile_%06d", segment);
  }

  public Path directory() {
    return dir;
  }

  public int lastSegment() {
    return lastSegment;
  }

  public long size(int segment) {
    try {
      return reader(segment).size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + fileName(segment), e);
    }
  }

  /** Writes one framed record at the end and fsyncs it before returning its location. */
  public RecordLocation append(long blockNumber, byte[] payload) {
    try {
      ensureWriter();
      long recordBytes = (long) SegmentRecord.HEADER_BYTES + payload.length;
      if (writerSize > 0 && writerSize + recordBytes > rollBytes) {
        roll();
      }
      long offset = writerSize;
      // Header and payload in one gathering write, without copying the payload into a frame.
      ByteBuffer[] parts = {SegmentRecord.header(blockNumber, payload), ByteBuffer.wrap(payload)};
      writer.position(offset);
      while (parts[1].hasRemaining()) {
        writer.write(parts);
      }
      // Data only: the file length change is covered too, metadata like mtime is not needed.
      writer.force(false);
      writerSize = offset + recordBytes;
      return new RecordLocation(lastSegment, offset, payload.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append block " + blockNumber + " to " + fileName(lastSegment), e);
    }
  }

  private void ensureWriter() throws IOException {
    if (writer == null) {
      writer = FileChannel.open(dir.resolve(fileName(lastSegment)), StandardOpenOption.WRITE);
      writerSize = writer.size();
    }
  }

  private void roll() throws IOException {
    writer.close();
    lastSegment++;
    Path next = dir.resolve(fileName(lastSegment));
    writer = FileChannel.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    writerSize = 0;
    fsyncDirectory(dir);
  }

  /**
   * Reads the record at {@code location}, checking magic, length, block number and checksum.
   *
   * @throws LedgerException naming the block if anything does not match
   */
  public byte[] read(RecordLocation location, long expectedNumber) {
    ScanStep step = readAt(location.segment(), location.offset());
    return switch (step) {
      case ScanStep.Intact intact -> {
        if (intact.blockNumber() != expectedNumber) {
          throw new LedgerException(
              "block " + expectedNumber + ": record at " + describe(location) + " holds block " + intact.blockNumber());
        }
        if (intact.location().payloadLength() != location.payloadLength()) {
          throw new LedgerException(
              "block " + expectedNumber + ": record length " + intact.location().payloadLength()
                  + " differs from the indexed length " + location.payloadLength());
        }
        yield intact.payload();
      }
      case ScanStep.Broken broken ->
          throw new LedgerException("block " + expectedNumber + ": " + broken.reason() + " at " + describe(location));
      case ScanStep.EndOfSegment end ->
          throw new LedgerException("block " + expectedNumber + ": no record at " + describe(location) + " (end of file)");
    };
  }

  /**
   * Re-reads the record just appended at {@code location} and checks it is exactly the frame of
   * {@code payload}: magic, length, block number, a checksum recomputed over the bytes read, and the
   * bytes themselves. Called by the appending thread only; reuses one buffer instead of allocating a
   * block-sized array per append.
   */
  public boolean readsBackAs(RecordLocation location, long blockNumber, byte[] payload) {
    int total = SegmentRecord.HEADER_BYTES + payload.length;
    try {
      if (verifyBuffer.capacity() < total) {
        verifyBuffer = ByteBuffer.allocate(total);
      }
      ByteBuffer buf = verifyBuffer;
      buf.clear().limit(total);
      FileChannel ch = reader(location.segment());
      if (ch.size() < location.offset() + total) {
        return false;
      }
      readFully(ch, buf, location.offset());
      buf.flip();
      int magic = buf.getInt();
      int length = buf.getInt();
      long number = buf.getLong();
      int crc = buf.getInt();
      byte[] a = buf.array();
      return magic == SegmentRecord.MAGIC
          && length == payload.length
          && number == blockNumber
          && crc == SegmentRecord.checksum(length, number, a, SegmentRecord.HEADER_BYTES, length)
          && Arrays.equals(a, SegmentRecord.HEADER_BYTES, total, payload, 0, payload.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot re-read block " + blockNumber + " at " + describe(location), e);
    } finally {
      if (verifyBuffer.capacity() > KEEP_VERIFY_BUFFER_BYTES) {
        verifyBuffer = ByteBuffer.allocate(0);
      }
    }
  }

  /** Reads whatever is at {@code offset} of {@code segment} without trusting any index. */
  public ScanStep readAt(int segment, long offset) {
    try {
      return readAtOnce(segment, offset);
    } catch (java.nio.channels.ClosedChannelException closedByOtherThread) {
      if (Thread.currentThread().isInterrupted()) {
        throw new LedgerException("interrupted while reading " + fileName(segment) + " at offset " + offset);
      }
      // Another thread's interrupt closed the shared channel under us; one retry on a fresh one.
      try {
        return readAtOnce(segment, offset);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + fileName(segment) + " at offset " + offset, e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + fileName(segment) + " at offset " + offset, e);
    }
  }

  private ScanStep readAtOnce(int segment, long offset) throws IOException {
    {
      FileChannel ch = reader(segment);
      long size = ch.size();
      if (offset == size) {
        return new ScanStep.EndOfSegment(segment, offset);
      }
      if (size - offset < SegmentRecord.HEADER_BYTES) {
        return new ScanStep.Broken(segment, offset, "partial record header (" + (size - offset) + " bytes)");
      }
      ByteBuffer head = ByteBuffer.allocate(SegmentRecord.HEADER_BYTES);
      readFully(ch, head, offset);
      head.flip();
      int magic = head.getInt();
      int length = head.getInt();
      long number = head.getLong();
      int crc = head.getInt();
      if (magic != SegmentRecord.MAGIC) {
        return new ScanStep.Broken(segment, offset, String.format("bad record magic %08x", magic));
      }
      if (length < 0 || length > SegmentRecord.MAX_BLOCK_BYTES) {
        return new ScanStep.Broken(segment, offset, "implausible record length " + length);
      }
      long available = size - offset - SegmentRecord.HEADER_BYTES;
      if (available < length) {
        return new ScanStep.Broken(
            segment, offset, "partial record: " + available + " of " + length + " payload bytes");
      }
      byte[] payload = new byte[length];
      readFully(ch, ByteBuffer.wrap(payload), offset + SegmentRecord.HEADER_BYTES);
      int computed = SegmentRecord.checksum(length, number, payload, 0, length);
      if (computed != crc) {
        return new ScanStep.Broken(
            segment, offset, String.format("record checksum mismatch (stored %08x, computed %08x)", crc, computed));
      }
      return new ScanStep.Intact(new RecordLocation(segment, offset, length), number, payload);
    }
  }

  /**
   * Whether an intact record starts anywhere after {@code offset} in this or a later segment. A broken
   * record followed by an intact one is corruption, not a torn tail.
   */
  public boolean intactRecordAfter(int segment, long offset) {
    for (int s = segment; s <= lastSegment; s++) {
      long from = s == segment ? offset + 1 : 0;
      if (findIntact(s, from) >= 0) {
        return true;
      }
    }
    return false;
  }

  private long findIntact(int segment, long from) {
    try {
      FileChannel ch = reader(segment);
      long size = ch.size();
      ByteBuffer chunk = ByteBuffer.allocate(SEARCH_CHUNK_BYTES);
      for (long base = from; base + SegmentRecord.HEADER_BYTES <= size; base += SEARCH_CHUNK_BYTES - 3) {
        chunk.clear();
        int n = ch.read(chunk, base);
        if (n < 4) {
          break;
        }
        for (int i = 0; i + 4 <= n; i++) {
          if (chunk.getInt(i) == SegmentRecord.MAGIC && readAt(segment, base + i) instanceof ScanStep.Intact) {
            return base + i;
          }
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot search " + fileName(segment), e);
    }
  }

  /** Cuts a torn tail off the last segments: {@code segment} ends at {@code offset}, later ones go. */
  public void truncate(int segment, long offset) {
    try {
      closeWriter();
      for (int s = lastSegment; s > segment; s--) {
        FileChannel r = readers.remove(s);
        if (r != null) {
          r.close();
        }
        Files.delete(dir.resolve(fileName(s)));
      }
      lastSegment = segment;
      try (FileChannel ch = FileChannel.open(dir.resolve(fileName(segment)), StandardOpenOption.WRITE)) {
        ch.truncate(offset);
        ch.force(true);
      }
      fsyncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot truncate " + fileName(segment) + " to " + offset, e);
    }
  }

  public String describe(RecordLocation location) {
    return fileName(location.segment()) + " offset " + location.offset();
  }

  private FileChannel reader(int segment) throws IOException {
    FileChannel ch = readers.get(segment);
    if (ch != null && !ch.isOpen()) {
      // A FileChannel is closed for every thread when one reader thread is interrupted mid-read
      // (ClosedByInterruptException): replace it rather than failing all later reads.
      readers.remove(segment, ch);
      ch = null;
    }
    if (ch == null) {
      Path p = dir.resolve(fileName(segment));
      if (!Files.exists(p)) {
        throw new LedgerException("block file " + p + " does not exist");
      }
      ch = FileChannel.open(p, StandardOpenOption.READ);
      FileChannel prev = readers.putIfAbsent(segment, ch);
      if (prev != null) {
        ch.close();
        ch = prev;
      }
    }
    return ch;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + buf.position());
      if (n < 0) {
        throw new IOException("unexpected end of file at " + (position + buf.position()));
      }
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    // Makes a created or deleted file name durable; Linux allows fsync on a directory opened read-only.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private void closeWriter() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }

  @Override
  public void close() {
    try {
      closeWriter();
      for (FileChannel ch : readers.values()) {
        ch.close();
      }
      readers.clear();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close block files in " + dir, e);
    }
  }
}
