package org.openbcs.peer.committer;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
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
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Response;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.peer.endorser.TxIds;

/**
 * Builds endorser transactions exactly as the Gateway's prepared transactions are nested (proposal
 * headers, proposal hash, endorsements over prp ‖ endorser, envelope signed by the client), with
 * switches to break one thing at a time.
 */
public final class TxFactory {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CryptoSuite suite;

  public TxFactory(CryptoSuite suite) {
    this.suite = suite;
  }

  public Tx tx(SigningIdentity client, String chaincode) {
    return new Tx(client, chaincode);
  }

  /** A namespace's reads and writes. */
  public static NsReadWriteSet ns(String namespace, List<KVRead> reads, String... keyValues) {
    KVRWSet.Builder kv = KVRWSet.newBuilder().addAllReads(reads);
    for (int i = 0; i < keyValues.length; i += 2) {
      kv.addWrites(
          KVWrite.newBuilder()
              .setKey(keyValues[i])
              .setValue(ByteString.copyFromUtf8(keyValues[i + 1])));
    }
    return NsReadWriteSet.newBuilder().setNamespace(namespace).setRwset(kv.build().toByteString()).build();
  }

  public static KVRead read(String key, long blockNum, long txNum) {
    return KVRead.newBuilder()
        .setKey(key)
        .setVersion(Version.newBuilder().setBlockNum(blockNum).setTxNum(txNum))
        .build();
  }

  public static KVRead readAbsent(String key) {
    return KVRead.newBuilder().setKey(key).build();
  }

  public final class Tx {
    private final SigningIdentity client;
    private final String chaincode;
    private String channelId = TestNetwork.CHANNEL;
    private final List<SigningIdentity> endorsers = new ArrayList<>();
    private final List<NsReadWriteSet> nsRwsets = new ArrayList<>();
    private ChaincodeEvent event;
    private boolean wrongTxId;
    private boolean tamperEndorsement;
    private boolean badCreatorSignature;
    private String txId;

    Tx(SigningIdentity client, String chaincode) {
      this.client = client;
      this.chaincode = chaincode;
    }

    public Tx channel(String id) {
      channelId = id;
      return this;
    }

    public Tx endorsedBy(SigningIdentity... peers) {
      endorsers.addAll(List.of(peers));
      return this;
    }

    public Tx rwset(NsReadWriteSet ns) {
      nsRwsets.add(ns);
      return this;
    }

    /** Writes {@code key=value} pairs in the chaincode's own namespace. */
    public Tx writes(String... keyValues) {
      return rwset(ns(chaincode, List.of(), keyValues));
    }

    public Tx event(String name) {
      event =
          ChaincodeEvent.newBuilder()
              .setChaincodeId(chaincode)
              .setEventName(name)
              .setPayload(ByteString.copyFromUtf8("payload of " + name))
              .build();
      return this;
    }

    public Tx wrongTxId() {
      wrongTxId = true;
      return this;
    }

    public Tx tamperEndorsement() {
      tamperEndorsement = true;
      return this;
    }

    public Tx badCreatorSignature() {
      badCreatorSignature = true;
      return this;
    }

    /** The tx id of the last built envelope. */
    public String txId() {
      return txId;
    }

    public Envelope build() {
      byte[] nonce = new byte[24];
      RANDOM.nextBytes(nonce);
      ByteString creator = ByteString.copyFrom(client.serialized());
      txId = TxIds.compute(ByteString.copyFrom(nonce), creator);
      String headerTxId = wrongTxId ? "0".repeat(64) : txId;
      long now = System.currentTimeMillis();
      ByteString channelHeader =
          ChannelHeader.newBuilder()
              .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
              .setChannelId(channelId)
              .setTxId(headerTxId)
              .setTimestamp(Timestamp.newBuilder().setSeconds(now / 1000))
              .setExtension(
                  ChaincodeHeaderExtension.newBuilder()
                      .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                      .build()
                      .toByteString())
              .build()
              .toByteString();
      ByteString signatureHeader =
          SignatureHeader.newBuilder()
              .setCreator(creator)
              .setNonce(ByteString.copyFrom(nonce))
              .build()
              .toByteString();
      ByteString proposalPayload =
          ChaincodeProposalPayload.newBuilder()
              .setInput(
                  ChaincodeInvocationSpec.newBuilder()
                      .setChaincodeSpec(
                          ChaincodeSpec.newBuilder()
                              .setType(ChaincodeSpec.Type.NODE)
                              .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                              .setInput(ChaincodeInput.newBuilder().addArgs(ByteString.copyFromUtf8("invoke"))))
                      .build()
                      .toByteString())
              .build()
              .toByteString();
      byte[] proposalHash =
          suite.hash(channelHeader.concat(signatureHeader).concat(proposalPayload).toByteArray());
      ChaincodeAction.Builder action =
          ChaincodeAction.newBuilder()
              .setResults(
                  TxReadWriteSet.newBuilder()
                      .setDataModel(TxReadWriteSet.DataModel.KV)
                      .addAllNsRwset(nsRwsets)
                      .build()
                      .toByteString())
              .setResponse(Response.newBuilder().setStatus(200).setPayload(ByteString.copyFromUtf8("ok")))
              .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode).setVersion("1.0"));
      if (event != null) {
        action.setEvents(event.toBuilder().setTxId(txId).build().toByteString());
      }
      ByteString prp =
          ProposalResponsePayload.newBuilder()
              .setProposalHash(ByteString.copyFrom(proposalHash))
              .setExtension(action.build().toByteString())
              .build()
              .toByteString();
      ChaincodeEndorsedAction.Builder endorsed = ChaincodeEndorsedAction.newBuilder().setProposalResponsePayload(prp);
      for (SigningIdentity peer : endorsers) {
        ByteString endorser = ByteString.copyFrom(peer.serialized());
        byte[] sig = peer.sign(prp.concat(endorser).toByteArray());
        if (tamperEndorsement) {
          sig = peer.sign(prp.concat(endorser).concat(ByteString.copyFromUtf8("x")).toByteArray());
        }
        endorsed.addEndorsements(
            Endorsement.newBuilder().setEndorser(endorser).setSignature(ByteString.copyFrom(sig)));
      }
      ByteString tx =
          Transaction.newBuilder()
              .addActions(
                  TransactionAction.newBuilder()
                      .setHeader(signatureHeader)
                      .setPayload(
                          ChaincodeActionPayload.newBuilder()
                              .setChaincodeProposalPayload(proposalPayload)
                              .setAction(endorsed)
                              .build()
                              .toByteString()))
              .build()
              .toByteString();
      ByteString payload =
          Payload.newBuilder()
              .setHeader(Header.newBuilder().setChannelHeader(channelHeader).setSignatureHeader(signatureHeader))
              .setData(tx)
              .build()
              .toByteString();
      byte[] signature =
          badCreatorSignature
              ? client.sign(payload.concat(ByteString.copyFromUtf8("x")).toByteArray())
              : client.sign(payload.toByteArray());
      return Envelope.newBuilder().setPayload(payload).setSignature(ByteString.copyFrom(signature)).build();
    }
  }

  /** An unsigned block following {@code previous} (as a peer's commit path sees it). */
  public Block nextBlock(Block previous, List<Envelope> envelopes) {
    BlockData.Builder data = BlockData.newBuilder();
    for (Envelope e : envelopes) {
      data.addData(e.toByteString());
    }
    BlockData built = data.build();
    BlockMetadata.Builder md = BlockMetadata.newBuilder();
    for (int i = 0; i < 5; i++) {
      md.addMetadata(ByteString.EMPTY);
    }
    return Block.newBuilder()
        .setHeader(
            BlockHeader.newBuilder()
                .setNumber(previous.getHeader().getNumber() + 1)
                .setPreviousHash(ByteString.copyFrom(BlockHashing.headerHash(suite, previous.getHeader())))
                .setDataHash(ByteString.copyFrom(BlockHashing.dataHash(suite, built))))
        .setData(built)
        .setMetadata(md)
        .build();
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
