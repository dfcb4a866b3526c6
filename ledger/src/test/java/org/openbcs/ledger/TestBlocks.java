package org.openbcs.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRead;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVWrite;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.QueryReads;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.RangeQueryInfo;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEndorsedAction;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.openbcs.crypto.CryptoSuite;

/** Builds real Fabric envelopes and chained blocks for tests; signatures are arbitrary bytes. */
public final class TestBlocks {
  public static final String CHANNEL = "mychannel";

  private TestBlocks() {}

  /** Fluent builder of a TxReadWriteSet. */
  public static final class Rw {
    private final Map<String, KVRWSet.Builder> ns = new LinkedHashMap<>();

    public static Rw of() {
      return new Rw();
    }

    private KVRWSet.Builder kv(String namespace) {
      return ns.computeIfAbsent(namespace, n -> KVRWSet.newBuilder());
    }

    public Rw read(String namespace, String key, long block, long tx) {
      kv(namespace).addReads(KVRead.newBuilder().setKey(key).setVersion(version(block, tx)));
      return this;
    }

    public Rw readAbsent(String namespace, String key) {
      kv(namespace).addReads(KVRead.newBuilder().setKey(key));
      return this;
    }

    public Rw write(String namespace, String key, String value) {
      kv(namespace).addWrites(KVWrite.newBuilder().setKey(key).setValue(ByteString.copyFromUtf8(value)));
      return this;
    }

    public Rw delete(String namespace, String key) {
      kv(namespace).addWrites(KVWrite.newBuilder().setKey(key).setIsDelete(true));
      return this;
    }

    public Rw range(String namespace, RangeQueryInfo info) {
      kv(namespace).addRangeQueriesInfo(info);
      return this;
    }

    public TxReadWriteSet build() {
      TxReadWriteSet.Builder b = TxReadWriteSet.newBuilder().setDataModel(TxReadWriteSet.DataModel.KV);
      ns.forEach((n, kv) -> b.addNsRwset(NsReadWriteSet.newBuilder().setNamespace(n).setRwset(kv.build().toByteString())));
      return b.build();
    }
  }

  public static org.hyperledger.fabric.protos.ledger.rwset.kvrwset.Version version(long block, long tx) {
    return org.hyperledger.fabric.protos.ledger.rwset.kvrwset.Version.newBuilder().setBlockNum(block).setTxNum(tx).build();
  }

  public static RangeQueryInfo range(String start, String end, boolean exhausted, Object... keyBlockTx) {
    QueryReads.Builder raw = QueryReads.newBuilder();
    for (int i = 0; i < keyBlockTx.length; i += 3) {
      raw.addKvReads(KVRead.newBuilder().setKey((String) keyBlockTx[i])
          .setVersion(version(((Number) keyBlockTx[i + 1]).longValue(), ((Number) keyBlockTx[i + 2]).longValue())));
    }
    return RangeQueryInfo.newBuilder().setStartKey(start).setEndKey(end).setItrExhausted(exhausted)
        .setRawReads(raw).build();
  }

  public static ByteString endorserTx(String txId, TxReadWriteSet rwset) {
    return endorserTx(txId, rwset, 1_700_000_000_000L);
  }

  public static ByteString endorserTx(String txId, TxReadWriteSet rwset, long timestampMillis) {
    ChaincodeAction action = ChaincodeAction.newBuilder().setResults(rwset.toByteString()).build();
    ProposalResponsePayload prp = ProposalResponsePayload.newBuilder()
        .setProposalHash(ByteString.copyFromUtf8("proposal-hash"))
        .setExtension(action.toByteString())
        .build();
    ChaincodeActionPayload cap = ChaincodeActionPayload.newBuilder()
        .setAction(ChaincodeEndorsedAction.newBuilder().setProposalResponsePayload(prp.toByteString()))
        .build();
    Transaction tx = Transaction.newBuilder()
        .addActions(TransactionAction.newBuilder().setPayload(cap.toByteString()))
        .build();
    return envelope(txId, HeaderType.ENDORSER_TRANSACTION_VALUE, tx.toByteString(), timestampMillis);
  }

  public static ByteString configTx(String txId) {
    return envelope(txId, HeaderType.CONFIG_VALUE, ByteString.copyFromUtf8("config"), 1_700_000_000_000L);
  }

  private static ByteString envelope(String txId, int type, ByteString data, long timestampMillis) {
    ChannelHeader ch = ChannelHeader.newBuilder()
        .setType(type)
        .setChannelId(CHANNEL)
        .setTxId(txId)
        .setTimestamp(Timestamp.newBuilder().setSeconds(timestampMillis / 1000)
            .setNanos((int) (timestampMillis % 1000) * 1_000_000))
        .build();
    Header header = Header.newBuilder()
        .setChannelHeader(ch.toByteString())
        .setSignatureHeader(SignatureHeader.newBuilder().setCreator(ByteString.copyFromUtf8("creator"))
            .setNonce(ByteString.copyFromUtf8("nonce")).build().toByteString())
        .build();
    Payload payload = Payload.newBuilder().setHeader(header).setData(data).build();
    return Envelope.newBuilder().setPayload(payload.toByteString())
        .setSignature(ByteString.copyFrom("sig", StandardCharsets.UTF_8)).build().toByteString();
  }

  /** Makes blocks that follow each other (numbers, previous hash, data hash) with 5 empty metadata slots. */
  public static final class Chain {
    private final CryptoSuite suite;
    private long next;
    private byte[] prevHash;

    public Chain(CryptoSuite suite) {
      this(suite, 0, new byte[0]);
    }

    public Chain(CryptoSuite suite, long next, byte[] prevHash) {
      this.suite = suite;
      this.next = next;
      this.prevHash = prevHash;
    }

    /** Continues after the tip of {@code store}. */
    public static Chain after(CryptoSuite suite, BlockStore store) {
      BlockchainInfo info = store.info();
      return new Chain(suite, info.height(), info.currentBlockHash());
    }

    public Block next(ByteString... envelopes) {
      return next(List.of(envelopes));
    }

    public Block next(List<ByteString> envelopes) {
      Block b = unchained(next, prevHash, envelopes, suite);
      prevHash = BlockHashing.headerHash(suite, b.getHeader());
      next++;
      return b;
    }
  }

  public static Block unchained(long number, byte[] prevHash, List<ByteString> envelopes, CryptoSuite suite) {
    BlockData data = BlockData.newBuilder().addAllData(envelopes).build();
    BlockHeader header = BlockHeader.newBuilder()
        .setNumber(number)
        .setPreviousHash(ByteString.copyFrom(prevHash))
        .setDataHash(ByteString.copyFrom(BlockHashing.dataHash(suite, data)))
        .build();
    BlockMetadata.Builder md = BlockMetadata.newBuilder();
    for (int i = 0; i < 5; i++) {
      md.addMetadata(ByteString.EMPTY);
    }
    return Block.newBuilder().setHeader(header).setData(data).setMetadata(md).build();
  }

  public static byte[] valid(int n) {
    return new byte[n];
  }

  public static List<ByteString> simpleTxs(String prefix, int count) {
    List<ByteString> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(endorserTx(prefix + i, Rw.of().write("cc", prefix + "k" + i, "v" + i).build()));
    }
    return out;
  }

  public static void deleteRecursively(java.nio.file.Path p) throws java.io.IOException {
    try (var walk = java.nio.file.Files.walk(p)) {
      for (java.nio.file.Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(x);
      }
    }
  }
}
