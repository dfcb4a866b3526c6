package org.openbcs.bench.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.Version;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEndorsedAction;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ledger.BlockHashing;

/**
 * Generates a chain of blocks shaped like an asset-transfer workload: each ENDORSER_TRANSACTION reads
 * two keys of a stable read pool (with their committed versions, so MVCC passes) and writes two keys of
 * an update pool; envelopes carry certificate-sized creator/endorser fields and signature-sized bytes.
 */
final class LedgerWorkload {
  static final String NAMESPACE = "basic";
  static final int READ_POOL = 1_000;
  static final int WRITE_POOL = 100_000;
  static final int VALUE_BYTES = 100;
  private static final ByteString CERT = filler(760, 7);
  private static final ByteString SIGNATURE = filler(71, 3);

  private final CryptoSuite suite;
  private final int txsPerBlock;
  private final SplittableRandom random = new SplittableRandom(42);
  private long nextNumber;
  private byte[] prevHash;
  private long txCounter;

  LedgerWorkload(CryptoSuite suite, int txsPerBlock, long nextNumber, byte[] prevHash) {
    this.suite = suite;
    this.txsPerBlock = txsPerBlock;
    this.nextNumber = nextNumber;
    this.prevHash = prevHash;
  }

  /** Block 1 of the bench ledger: writes the read pool, all in tx 0, so every read key has version (1, 0). */
  Block seedBlock() {
    KVRWSet.Builder kv = KVRWSet.newBuilder();
    for (int i = 0; i < READ_POOL; i++) {
      kv.addWrites(KVWrite.newBuilder().setKey(readKey(i)).setValue(filler(VALUE_BYTES, i)));
    }
    return block(List.of(envelope("seed", kv.build())));
  }

  Block nextBlock() {
    List<ByteString> envs = new ArrayList<>(txsPerBlock);
    for (int t = 0; t < txsPerBlock; t++) {
      KVRWSet.Builder kv = KVRWSet.newBuilder();
      int r = random.nextInt(READ_POOL - 1);
      kv.addReads(read(readKey(r)));
      kv.addReads(read(readKey(r + 1)));
      long w = (txCounter * 2) % WRITE_POOL;
      kv.addWrites(KVWrite.newBuilder().setKey(writeKey(w)).setValue(filler(VALUE_BYTES, (int) w)));
      kv.addWrites(KVWrite.newBuilder().setKey(writeKey(w + 1)).setValue(filler(VALUE_BYTES, (int) w + 1)));
      envs.add(envelope(String.format("%064x", txCounter++), kv.build()));
    }
    return block(envs);
  }

  private static KVRead read(String key) {
    return KVRead.newBuilder().setKey(key).setVersion(Version.newBuilder().setBlockNum(1).setTxNum(0)).build();
  }

  static String readKey(int i) {
    return "asset" + i;
  }

  static String writeKey(long i) {
    return "acct" + i;
  }

  private Block block(List<ByteString> envelopes) {
    BlockData data = BlockData.newBuilder().addAllData(envelopes).build();
    BlockHeader header = BlockHeader.newBuilder()
        .setNumber(nextNumber)
        .setPreviousHash(ByteString.copyFrom(prevHash))
        .setDataHash(ByteString.copyFrom(BlockHashing.dataHash(suite, data)))
        .build();
    BlockMetadata.Builder md = BlockMetadata.newBuilder();
    for (int i = 0; i < 5; i++) {
      md.addMetadata(ByteString.EMPTY);
    }
    prevHash = BlockHashing.headerHash(suite, header);
    nextNumber++;
    return Block.newBuilder().setHeader(header).setData(data).setMetadata(md).build();
  }

  private static ByteString envelope(String txId, KVRWSet kv) {
    TxReadWriteSet rwset = TxReadWriteSet.newBuilder()
        .setDataModel(TxReadWriteSet.DataModel.KV)
        .addNsRwset(NsReadWriteSet.newBuilder().setNamespace(NAMESPACE).setRwset(kv.toByteString()))
        .build();
    ChaincodeAction action = ChaincodeAction.newBuilder().setResults(rwset.toByteString()).build();
    ProposalResponsePayload prp = ProposalResponsePayload.newBuilder()
        .setProposalHash(filler(32, 1))
        .setExtension(action.toByteString())
        .build();
    ChaincodeActionPayload cap = ChaincodeActionPayload.newBuilder()
        .setAction(ChaincodeEndorsedAction.newBuilder()
            .setProposalResponsePayload(prp.toByteString())
            .addEndorsements(Endorsement.newBuilder().setEndorser(CERT).setSignature(SIGNATURE)))
        .build();
    Transaction tx = Transaction.newBuilder()
        .addActions(TransactionAction.newBuilder().setPayload(cap.toByteString()))
        .build();
    ChannelHeader ch = ChannelHeader.newBuilder()
        .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
        .setChannelId("bench")
        .setTxId(txId)
        .setTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000L))
        .build();
    Header header = Header.newBuilder()
        .setChannelHeader(ch.toByteString())
        .setSignatureHeader(SignatureHeader.newBuilder().setCreator(CERT).setNonce(filler(24, 5)).build().toByteString())
        .build();
    Payload payload = Payload.newBuilder().setHeader(header).setData(tx.toByteString()).build();
    return Envelope.newBuilder().setPayload(payload.toByteString()).setSignature(SIGNATURE).build().toByteString();
  }

  static ByteString filler(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return ByteString.copyFrom(b);
  }
}
