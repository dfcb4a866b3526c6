package org.openbcs.fbft.wal;

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
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.openbcs.fbft.message.CodecLimits;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.FbftMessage;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.message.QuorumCert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File WAL: frames of [length u32][crc32c u32][type u8][body]. Appends go to the page cache and
 * {@link #sync()} forces them to disk. On open the log is read up to the first torn or corrupt
 * frame (a crash mid-append), then rewritten as a compact checkpoint so the file stays small.
 */
public final class FileWal implements Wal {
  private static final Logger LOG = LoggerFactory.getLogger(FileWal.class);
  /** A frame larger than this is corruption, not a record (QCs of up to 1024 signers fit). */
  /** A sanity bound on one record: a voted block by value and the batches it references (R3.9). */
  static final int MAX_FRAME_BYTES = 256 << 20;

  private static final byte VOTED = 1;
  private static final byte TIMED_OUT = 2;
  private static final byte HIGH_QC = 3;
  private static final byte COMMITTED = 4;
  private static final byte REPUTATION = 5;
  private static final byte VOTED_BLOCK = 6;
  private static final byte COMMITTED_REFS = 7;

  private final Path path;
  private final MessageCodec qcCodec;
  private final WalState recovered;
  private FileChannel channel;
  private boolean dirty;

  public FileWal(Path path, UnaryOperator<byte[]> hash) {
    this.path = path;
    this.qcCodec = new MessageCodec(CodecLimits.defaults(), hash);
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      List<WalRecord> records = Files.exists(path) ? readAll() : List.of();
      this.recovered = WalState.replay(records);
      rewriteCheckpoint();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open FBFT WAL " + path, e);
    }
  }

  private List<WalRecord> readAll() throws IOException {
    byte[] all = Files.readAllBytes(path);
    ByteBuffer in = ByteBuffer.wrap(all);
    List<WalRecord> out = new ArrayList<>();
    while (in.remaining() >= 8) {
      int len = in.getInt();
      int crc = in.getInt();
      if (len <= 0 || len > MAX_FRAME_BYTES || len > in.remaining()) {
        LOG.warn("FBFT WAL {}: torn frame at offset {}, ignoring the tail", path, in.position() - 8);
        break;
      }
      byte[] frame = new byte[len];
      in.get(frame);
      CRC32C c = new CRC32C();
      c.update(frame);
      if ((int) c.getValue() != crc) {
        LOG.warn("FBFT WAL {}: bad checksum at offset {}, ignoring the tail", path, in.position() - len - 8);
        break;
      }
      Optional<WalRecord> r = decode(ByteBuffer.wrap(frame));
      if (r.isEmpty()) {
        break;
      }
      out.add(r.get());
    }
    return out;
  }

  private void rewriteCheckpoint() throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      for (WalRecord r : WalCheckpoint.records(recovered)) {
        ch.write(frame(r));
      }
      ch.force(true);
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public void append(WalRecord record) {
    try {
      ByteBuffer f = frame(record);
      while (f.hasRemaining()) {
        channel.write(f);
      }
      dirty = true;
    } catch (IOException e) {
      throw new UncheckedIOException("FBFT WAL append failed on " + path, e);
    }
  }

  @Override
  public void sync() {
    if (!dirty) {
      return;
    }
    try {
      channel.force(false);
      dirty = false;
    } catch (IOException e) {
      throw new UncheckedIOException("FBFT WAL fsync failed on " + path, e);
    }
  }

  @Override
  public WalState recover() {
    return recovered;
  }

  @Override
  public void close() {
    try {
      sync();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("FBFT WAL close failed on " + path, e);
    }
  }

  private ByteBuffer frame(WalRecord r) {
    byte[] body = encode(r);
    CRC32C c = new CRC32C();
    c.update(body);
    ByteBuffer f = ByteBuffer.allocate(8 + body.length);
    f.putInt(body.length).putInt((int) c.getValue()).put(body).flip();
    return f;
  }

  private byte[] encode(WalRecord r) {
    return switch (r) {
      case WalRecord.Voted v -> ByteBuffer.allocate(1 + 8 + Digest.LENGTH).put(VOTED).putLong(v.round()).put(v.blockId().toBytes()).array();
      case WalRecord.TimedOut t -> ByteBuffer.allocate(9).put(TIMED_OUT).putLong(t.round()).array();
      case WalRecord.HighQc h -> {
        byte[] qc = qcCodec.encode(new FbftMessage.CertForward(h.qc(), Optional.empty()));
        yield ByteBuffer.allocate(1 + qc.length).put(HIGH_QC).put(qc).array();
      }
      case WalRecord.Reputation rep -> {
        int n = rep.streak().length;
        ByteBuffer b = ByteBuffer.allocate(1 + Digest.LENGTH + 4 + n * 20);
        b.put(REPUTATION).put(rep.blockId().toBytes()).putInt(n);
        for (int i = 0; i < n; i++) {
          b.putLong(rep.primary()[i]).putLong(rep.secondary()[i]).putInt(rep.streak()[i]);
        }
        yield b.array();
      }
      case WalRecord.Committed c ->
          ByteBuffer.allocate(1 + 16 + Digest.LENGTH).put(COMMITTED).putLong(c.height()).putLong(c.round()).put(c.blockId().toBytes()).array();
      case WalRecord.CommittedRefs cr -> {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 1 + 4 + cr.digests().size() * Digest.LENGTH);
        b.put(COMMITTED_REFS).putLong(cr.height()).put((byte) (cr.historyBelowUnknown() ? 1 : 0))
            .putInt(cr.digests().size());
        cr.digests().forEach(d -> b.put(d.toBytes()));
        yield b.array();
      }
      case WalRecord.VotedBlock vb -> {
        byte[] block = qcCodec.encode(new FbftMessage.SyncResponse(List.of(vb.block())));
        List<byte[]> batches = vb.batches().stream().map(qcCodec::encode).toList();
        int size = 1 + 4 + block.length + 4 + batches.stream().mapToInt(b -> 4 + b.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).put(VOTED_BLOCK).putInt(block.length).put(block).putInt(batches.size());
        batches.forEach(x -> b.putInt(x.length).put(x));
        yield b.array();
      }
    };
  }

  private Optional<WalRecord> decode(ByteBuffer in) {
    byte type = in.get();
    return switch (type) {
      case VOTED -> {
        long round = in.getLong();
        byte[] id = new byte[Digest.LENGTH];
        in.get(id);
        yield Optional.of(new WalRecord.Voted(round, Digest.of(id)));
      }
      case TIMED_OUT -> Optional.of(new WalRecord.TimedOut(in.getLong()));
      case HIGH_QC -> {
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        if (qcCodec.decode(rest) instanceof MessageCodec.Decoded.Ok(FbftMessage.CertForward cf)) {
          QuorumCert qc = cf.highQc();
          yield Optional.of(new WalRecord.HighQc(qc));
        }
        yield Optional.empty();
      }
      case COMMITTED -> {
        long height = in.getLong();
        long round = in.getLong();
        byte[] id = new byte[Digest.LENGTH];
        in.get(id);
        yield Optional.of(new WalRecord.Committed(height, round, Digest.of(id)));
      }
      case REPUTATION -> {
        byte[] id = new byte[Digest.LENGTH];
        in.get(id);
        int n = in.getInt();
        if (n < 0 || (long) n * 20 != in.remaining()) {
          yield Optional.empty();
        }
        long[] p = new long[n];
        long[] s = new long[n];
        int[] st = new int[n];
        for (int i = 0; i < n; i++) {
          p[i] = in.getLong();
          s[i] = in.getLong();
          st[i] = in.getInt();
        }
        yield Optional.of(new WalRecord.Reputation(Digest.of(id), p, s, st));
      }
      case VOTED_BLOCK -> decodeVotedBlock(in);
      case COMMITTED_REFS -> {
        long height = in.getLong();
        boolean unknownBelow = in.get() == 1;
        int count = in.getInt();
        if (count < 0 || (long) count * Digest.LENGTH != in.remaining()) {
          yield Optional.empty();
        }
        List<Digest> digests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          byte[] d = new byte[Digest.LENGTH];
          in.get(d);
          digests.add(Digest.of(d));
        }
        yield Optional.of(new WalRecord.CommittedRefs(height, digests, unknownBelow));
      }
      default -> Optional.empty();
    };
  }

  private Optional<WalRecord> decodeVotedBlock(ByteBuffer in) {
    byte[] block = lengthPrefixed(in);
    if (block == null
        || !(qcCodec.decode(block) instanceof MessageCodec.Decoded.Ok(FbftMessage.SyncResponse r))
        || r.blocks().size() != 1 || in.remaining() < 4) {
      return Optional.empty();
    }
    int count = in.getInt();
    List<FbftMessage.Batch> batches = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] batch = lengthPrefixed(in);
      if (batch == null || !(qcCodec.decode(batch) instanceof MessageCodec.Decoded.Ok(FbftMessage.Batch b))) {
        return Optional.empty();
      }
      batches.add(b);
    }
    return Optional.of(new WalRecord.VotedBlock(r.blocks().get(0), batches));
  }

  private static byte[] lengthPrefixed(ByteBuffer in) {
    if (in.remaining() < 4) {
      return null;
    }
    int len = in.getInt();
    if (len < 0 || len > in.remaining()) {
      return null;
    }
    byte[] out = new byte[len];
    in.get(out);
    return out;
  }
}
