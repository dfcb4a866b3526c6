package org.openbcs.fbft.message;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.openbcs.fbft.message.FbftMessage.Batch;
import org.openbcs.fbft.message.FbftMessage.BatchAck;
import org.openbcs.fbft.message.FbftMessage.BatchCert;
import org.openbcs.fbft.message.FbftMessage.BatchRequest;
import org.openbcs.fbft.message.FbftMessage.CertForward;
import org.openbcs.fbft.message.FbftMessage.Checkpoint;
import org.openbcs.fbft.message.FbftMessage.CheckpointRequest;
import org.openbcs.fbft.message.FbftMessage.Proposal;
import org.openbcs.fbft.message.FbftMessage.SyncRequest;
import org.openbcs.fbft.message.FbftMessage.SyncResponse;
import org.openbcs.fbft.message.FbftMessage.Timeout;
import org.openbcs.fbft.message.FbftMessage.Vote;

/**
 * Compact, versioned binary encoding (spec section 5). Layout: magic 0xFB, version, type, body; all
 * integers big-endian; every length is checked against {@link CodecLimits} and the bytes left
 * before anything is allocated. Decoding never throws: bad input yields {@link Decoded.Malformed}.
 */
public final class MessageCodec {
  static final byte MAGIC = (byte) 0xFB;
  /** Version 2 added the timeout's voted bit and the block's {@link TimeoutEvidence} (R2.5). */
  static final byte VERSION = 2;
  /**
   * Still decoded, with no voted bits and no evidence: the WAL stores QCs in this encoding
   * (FileWal's HighQc record), and a WAL written before version 2 must still open. A version-1
   * timeout or TC decodes but never verifies (its signatures cover FBFT-TMO1).
   */
  static final byte LEGACY_VERSION = 1;
  private static final byte PROPOSAL = 1;
  private static final byte VOTE = 2;
  private static final byte TIMEOUT = 3;
  private static final byte CERT_FORWARD = 4;
  private static final byte SYNC_REQUEST = 5;
  private static final byte SYNC_RESPONSE = 6;
  private static final byte CHECKPOINT_REQUEST = 7;
  private static final byte CHECKPOINT = 8;
  private static final byte BATCH = 9;
  private static final byte BATCH_ACK = 10;
  private static final byte BATCH_CERT = 11;
  private static final byte BATCH_REQUEST = 12;

  private final CodecLimits limits;
  private final UnaryOperator<byte[]> hash;

  public MessageCodec(CodecLimits limits, UnaryOperator<byte[]> hash) {
    this.limits = limits;
    this.hash = hash;
  }

  /** Result of decoding untrusted bytes. */
  public sealed interface Decoded {
    record Ok(FbftMessage message) implements Decoded {}

    record Malformed(String reason) implements Decoded {}
  }

  /**
   * Whether {@code bytes} claim to be a ledger checkpoint request or answer (R3.8), by their header
   * alone: those go to the driver that owns the ledger, not to the replica, and are decoded there.
   */
  public static boolean isCheckpointMessage(byte[] bytes) {
    return bytes.length > 2 && bytes[0] == MAGIC && (bytes[1] == VERSION || bytes[1] == LEGACY_VERSION)
        && (bytes[2] == CHECKPOINT_REQUEST || bytes[2] == CHECKPOINT);
  }

  public byte[] encode(FbftMessage message) {
    Writer w = new Writer();
    w.u8(MAGIC).u8(VERSION);
    switch (message) {
      case Proposal p -> {
        w.u8(PROPOSAL);
        writeBlock(w, p.block());
        writeOptionalTc(w, p.tc());
        w.bytes(p.signature());
      }
      case Vote v -> {
        w.u8(VOTE).digest(v.blockId()).i64(v.round()).i64(v.height()).i32(v.voter()).bytes(v.signature());
      }
      case Timeout t -> {
        w.u8(TIMEOUT).i64(t.round());
        writeQc(w, t.highQc());
        w.u8(t.voted() ? (byte) 1 : (byte) 0).i32(t.sender()).bytes(t.signature());
      }
      case CertForward c -> {
        w.u8(CERT_FORWARD);
        writeQc(w, c.highQc());
        writeOptionalTc(w, c.tc());
      }
      case SyncRequest s -> w.u8(SYNC_REQUEST).digest(s.target()).i64(s.fromHeight());
      case SyncResponse s -> {
        w.u8(SYNC_RESPONSE).i32(s.blocks().size());
        for (Block b : s.blocks()) {
          writeBlock(w, b);
        }
      }
      case CheckpointRequest c -> w.u8(CHECKPOINT_REQUEST).i64(c.height());
      case Checkpoint c -> w.u8(CHECKPOINT).i64(c.height()).i64(c.ledgerHeight()).digest(c.ledgerTipHash())
          .i32(c.signer()).bytes(c.signature());
      case Batch b -> {
        w.u8(BATCH).i32(b.creator()).i64(b.seq()).i64(b.sealedAt()).i32(b.envelopes().size());
        for (byte[] e : b.envelopes()) {
          w.bytes(e);
        }
        w.bytes(b.signature());
      }
      case BatchAck a -> w.u8(BATCH_ACK).digest(a.digest()).i32(a.signer()).bytes(a.signature());
      case BatchCert c -> {
        w.u8(BATCH_CERT).digest(c.digest()).i32(c.creator()).i64(c.seq()).i64(c.sealedAt()).i32(c.envelopeCount())
            .i32(c.signatures().size());
        for (SignerSig s : c.signatures()) {
          w.i32(s.signer()).bytes(s.signatureUnsafe());
        }
      }
      case BatchRequest q -> w.u8(BATCH_REQUEST).digest(q.digest());
    }
    return w.toBytes();
  }

  public Decoded decode(byte[] bytes) {
    if (bytes.length > limits.maxMessageBytes()) {
      return new Decoded.Malformed("message of " + bytes.length + " bytes exceeds limit " + limits.maxMessageBytes());
    }
    try {
      Reader r = new Reader(ByteBuffer.wrap(bytes));
      if (r.u8() != (MAGIC & 0xFF)) {
        return new Decoded.Malformed("bad magic");
      }
      int version = r.u8();
      if (version != VERSION && version != LEGACY_VERSION) {
        return new Decoded.Malformed("unsupported version " + version);
      }
      r.legacy = version == LEGACY_VERSION;
      int type = r.u8();
      FbftMessage m =
          switch (type) {
            case PROPOSAL -> new Proposal(readBlock(r), readOptionalTc(r), r.bytes(limits.maxSignatureBytes()));
            case VOTE -> new Vote(r.digest(), r.round(), r.round(), r.i32(), r.bytes(limits.maxSignatureBytes()));
            case TIMEOUT -> new Timeout(r.round(), readQc(r), !r.legacy && r.flag(), r.i32(),
                r.bytes(limits.maxSignatureBytes()));
            case CERT_FORWARD -> new CertForward(readQc(r), readOptionalTc(r));
            case SYNC_REQUEST -> new SyncRequest(r.digest(), r.round());
            case SYNC_RESPONSE -> {
              int count = r.count(limits.maxSyncBlocks(), 8);
              List<Block> blocks = new ArrayList<>(count);
              for (int i = 0; i < count; i++) {
                blocks.add(readBlock(r));
              }
              yield new SyncResponse(blocks);
            }
            case CHECKPOINT_REQUEST -> new CheckpointRequest(r.round());
            case CHECKPOINT -> new Checkpoint(r.round(), r.round(), r.digest(), r.i32(), r.bytes(limits.maxSignatureBytes()));
            case BATCH -> {
              int creator = r.i32();
              long seq = r.round();
              long sealedAt = r.round();
              int count = r.count(limits.maxEnvelopesPerBlock(), 4);
              List<byte[]> envelopes = new ArrayList<>(count);
              for (int i = 0; i < count; i++) {
                envelopes.add(r.bytes(limits.maxEnvelopeBytes()));
              }
              yield new Batch(creator, seq, sealedAt, envelopes, r.bytes(limits.maxSignatureBytes()));
            }
            case BATCH_ACK -> new BatchAck(r.digest(), r.i32(), r.bytes(limits.maxSignatureBytes()));
            case BATCH_CERT -> {
              Digest d = r.digest();
              int creator = r.i32();
              long seq = r.round();
              long sealedAt = r.round();
              int envelopeCount = r.i32();
              if (envelopeCount < 0 || envelopeCount > limits.maxEnvelopesPerBlock()) {
                throw new MalformedException("batch envelope count " + envelopeCount + " out of range");
              }
              int count = r.count(limits.maxSignatures(), 8);
              List<SignerSig> sigs = new ArrayList<>(count);
              for (int i = 0; i < count; i++) {
                sigs.add(new SignerSig(r.i32(), r.bytes(limits.maxSignatureBytes())));
              }
              yield new BatchCert(d, creator, seq, sealedAt, envelopeCount, sigs);
            }
            case BATCH_REQUEST -> new BatchRequest(r.digest());
            default -> throw new MalformedException("unknown message type " + type);
          };
      if (r.remaining() != 0) {
        return new Decoded.Malformed(r.remaining() + " trailing bytes after " + m.kind());
      }
      return new Decoded.Ok(m);
    } catch (MalformedException e) {
      return new Decoded.Malformed(e.getMessage());
    } catch (BufferUnderflowException e) {
      return new Decoded.Malformed("truncated message");
    }
  }

  private void writeBlock(Writer w, Block b) {
    w.i64(b.round()).i64(b.height());
    writeQc(w, b.justify());
    w.i32(b.proposer()).i32(b.payload().size());
    for (byte[] e : b.payload()) {
      w.bytes(e);
    }
    TimeoutEvidence ev = b.evidence();
    if (ev.isNone()) {
      w.u8((byte) 0);
    } else {
      w.u8((byte) 1).bytes(ev.signersUnsafe()).bytes(ev.votedUnsafe());
    }
  }

  private Block readBlock(Reader r) {
    long round = r.round();
    long height = r.round();
    QuorumCert justify = readQc(r);
    int proposer = r.i32();
    int count = r.count(limits.maxEnvelopesPerBlock(), 4);
    List<byte[]> payload = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      payload.add(r.bytes(limits.maxEnvelopeBytes()));
    }
    TimeoutEvidence evidence = TimeoutEvidence.NONE;
    if (!r.legacy && r.flag()) {
      int maxBitmap = TimeoutEvidence.bytesFor(limits.maxSignatures());
      evidence = new TimeoutEvidence(r.bytes(maxBitmap), r.bytes(maxBitmap));
      if (evidence.isNone()) {
        throw new MalformedException("empty timeout evidence marked present");
      }
    }
    return Block.create(round, height, justify, proposer, payload, evidence, hash);
  }

  private void writeQc(Writer w, QuorumCert qc) {
    w.digest(qc.blockId()).i64(qc.round()).i64(qc.height()).i32(qc.signatures().size());
    for (SignerSig s : qc.signatures()) {
      w.i32(s.signer()).bytes(s.signatureUnsafe());
    }
  }

  private QuorumCert readQc(Reader r) {
    Digest id = r.digest();
    long round = r.round();
    long height = r.round();
    int count = r.count(limits.maxSignatures(), 8);
    List<SignerSig> sigs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sigs.add(new SignerSig(r.i32(), r.bytes(limits.maxSignatureBytes())));
    }
    return new QuorumCert(id, round, height, sigs);
  }

  private void writeOptionalTc(Writer w, Optional<TimeoutCert> tc) {
    if (tc.isEmpty()) {
      w.u8((byte) 0);
      return;
    }
    TimeoutCert t = tc.get();
    w.u8((byte) 1).i64(t.round()).i32(t.timeouts().size());
    for (TimeoutSig s : t.timeouts()) {
      w.i32(s.signer()).i64(s.highQcRound()).u8(s.voted() ? (byte) 1 : (byte) 0).bytes(s.signature());
    }
  }

  private Optional<TimeoutCert> readOptionalTc(Reader r) {
    int flag = r.u8();
    if (flag == 0) {
      return Optional.empty();
    }
    if (flag != 1) {
      throw new MalformedException("bad optional flag " + flag);
    }
    long round = r.round();
    int count = r.count(limits.maxSignatures(), 16);
    List<TimeoutSig> sigs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sigs.add(new TimeoutSig(r.i32(), r.round(), !r.legacy && r.flag(), r.bytes(limits.maxSignatureBytes())));
    }
    return Optional.of(new TimeoutCert(round, sigs));
  }

  private static final class MalformedException extends RuntimeException {
    MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Reader {
    private final ByteBuffer in;
    /** Decoding the pre-proof layout (LEGACY_VERSION): no voted bits, no evidence. */
    boolean legacy;

    Reader(ByteBuffer in) {
      this.in = in;
    }

    int remaining() {
      return in.remaining();
    }

    int u8() {
      return in.get() & 0xFF;
    }

    /** A boolean byte: exactly 0 or 1, so every message has one encoding. */
    boolean flag() {
      int v = u8();
      if (v > 1) {
        throw new MalformedException("bad flag " + v);
      }
      return v == 1;
    }

    int i32() {
      return in.getInt();
    }

    /** Rounds and heights are never negative. */
    long round() {
      long v = in.getLong();
      if (v < 0) {
        throw new MalformedException("negative round/height " + v);
      }
      return v;
    }

    Digest digest() {
      byte[] d = new byte[Digest.LENGTH];
      in.get(d);
      return Digest.of(d);
    }

    /** An element count that must fit the limit and could fit the bytes left at {@code minBytesEach}. */
    int count(int max, int minBytesEach) {
      int c = in.getInt();
      if (c < 0 || c > max) {
        throw new MalformedException("count " + c + " outside [0, " + max + "]");
      }
      if ((long) c * minBytesEach > in.remaining()) {
        throw new MalformedException("count " + c + " larger than the bytes left");
      }
      return c;
    }

    byte[] bytes(int max) {
      int len = in.getInt();
      if (len < 0 || len > max) {
        throw new MalformedException("length " + len + " outside [0, " + max + "]");
      }
      if (len > in.remaining()) {
        throw new MalformedException("length " + len + " larger than the bytes left");
      }
      byte[] b = new byte[len];
      in.get(b);
      return b;
    }
  }

  private static final class Writer {
    private ByteBuffer out = ByteBuffer.allocate(256);

    private void ensure(int n) {
      if (out.remaining() < n) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + n));
        out.flip();
        bigger.put(out);
        out = bigger;
      }
    }

    Writer u8(byte v) {
      ensure(1);
      out.put(v);
      return this;
    }

    Writer i32(int v) {
      ensure(4);
      out.putInt(v);
      return this;
    }

    Writer i64(long v) {
      ensure(8);
      out.putLong(v);
      return this;
    }

    Writer digest(Digest d) {
      ensure(Digest.LENGTH);
      d.writeTo(out);
      return this;
    }

    Writer bytes(byte[] b) {
      ensure(4 + b.length);
      out.putInt(b.length).put(b);
      return this;
    }

    byte[] toBytes() {
      byte[] r = new byte[out.position()];
      out.flip();
      out.get(r);
      return r;
    }
  }
}
