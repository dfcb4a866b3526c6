package org.openbcs.bench.peer;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
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
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Response;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.openbcs.common.bytes.Hex;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Role;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;

/**
 * One asset-transfer CreateAsset, as its SignedProposal and as the endorsed Envelope the client
 * submits: a client of Org1 invokes {@code basic}, one peer of each of two organisations endorses
 * (MAJORITY of 2), every certificate issued by {@link OrgCa} and every signature real. The rwset is
 * what the contract's existence check and putState leave: one unversioned read and one write of the
 * asset's JSON; the contract also returns that JSON and emits it as the CreateAsset event.
 */
record CreateAssetMessages(SignedProposal signedProposal, Envelope envelope) {
  static final int ENDORSERS = 2;
  static final String CHANNEL = "mychannel";
  static final String CHAINCODE = "basic";
  static final String ASSET_ID = "asset-0f3c9a2e-7d41-4b8e-9c55-2a6f81d03b17";
  /** An owner named by client identity, as ownership-checking contracts store it; makes the JSON ~200 bytes. */
  static final String OWNER = "x509::CN=User1@org1.example.com,OU=client::CN=ca.org1.example.com,O=org1.example.com";

  static CreateAssetMessages build() throws IOException {
    CryptoSuite suite = CryptoSuites.defaultSuite();
    Path dir = Files.createTempDirectory("decode-bench-msp");
    try {
      SigningIdentity client = issue(dir, "Org1MSP", "org1.example.com", "User1", Role.CLIENT, suite);
      List<SigningIdentity> peers = List.of(
          issue(dir, "Org1MSP", "org1.example.com", "peer0", Role.PEER, suite),
          issue(dir, "Org2MSP", "org2.example.com", "peer0", Role.PEER, suite));
      if (peers.size() != ENDORSERS) {
        throw new IllegalStateException("expected " + ENDORSERS + " endorsing peers, have " + peers.size());
      }
      return build(client, peers);
    } finally {
      deleteRecursively(dir);
    }
  }

  private static SigningIdentity issue(Path root, String mspId, String domain, String name, Role role,
      CryptoSuite suite) {
    Path orgDir = root.resolve(domain);
    OrgCa ca = Files.isDirectory(orgDir.resolve("ca"))
        ? OrgCa.load(orgDir, mspId, suite, TimeSource.SYSTEM)
        : OrgCa.create(orgDir, mspId, domain, suite, TimeSource.SYSTEM);
    Path identityDir = ca.issue(name, role, List.of(), orgDir.resolve(name));
    return MspDirectory.loadSigningIdentity(identityDir.resolve("msp"), mspId, suite);
  }

  private static CreateAssetMessages build(SigningIdentity client, List<SigningIdentity> peers) {
    SplittableRandom random = new SplittableRandom(11);
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    ByteString creator = ByteString.copyFrom(client.serialized());
    String txId = Hex.encode(sha256(nonce, creator.toByteArray()));

    ChannelHeader channelHeader = ChannelHeader.newBuilder()
        .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
        .setChannelId(CHANNEL)
        .setTxId(txId)
        .setTimestamp(Timestamp.newBuilder().setSeconds(1_764_080_000L).setNanos(123_456_789))
        .setExtension(ChaincodeHeaderExtension.newBuilder()
            .setChaincodeId(ChaincodeID.newBuilder().setName(CHAINCODE)).build().toByteString())
        .build();
    SignatureHeader signatureHeader = SignatureHeader.newBuilder()
        .setCreator(creator)
        .setNonce(ByteString.copyFrom(nonce))
        .build();
    ChaincodeInput input = ChaincodeInput.newBuilder()
        .addArgs(utf8("CreateAsset"))
        .addArgs(utf8(ASSET_ID))
        .addArgs(utf8("blue"))
        .addArgs(utf8("5"))
        .addArgs(utf8(OWNER))
        .addArgs(utf8("1300"))
        .build();
    ChaincodeProposalPayload proposalPayload = ChaincodeProposalPayload.newBuilder()
        .setInput(ChaincodeInvocationSpec.newBuilder()
            .setChaincodeSpec(ChaincodeSpec.newBuilder()
                .setType(ChaincodeSpec.Type.JAVA)
                .setChaincodeId(ChaincodeID.newBuilder().setName(CHAINCODE))
                .setInput(input))
            .build().toByteString())
        .build();
    ByteString channelHeaderBytes = channelHeader.toByteString();
    ByteString signatureHeaderBytes = signatureHeader.toByteString();
    Proposal proposal = Proposal.newBuilder()
        .setHeader(Header.newBuilder()
            .setChannelHeader(channelHeaderBytes)
            .setSignatureHeader(signatureHeaderBytes)
            .build().toByteString())
        .setPayload(proposalPayload.toByteString())
        .build();
    byte[] proposalBytes = proposal.toByteArray();
    SignedProposal signedProposal = SignedProposal.newBuilder()
        .setProposalBytes(ByteString.copyFrom(proposalBytes))
        .setSignature(ByteString.copyFrom(client.sign(proposalBytes)))
        .build();

    ByteString assetJson = utf8(assetJson());
    KVRWSet kv = KVRWSet.newBuilder()
        .addReads(KVRead.newBuilder().setKey(ASSET_ID)) // the existence check: key absent, no version
        .addWrites(KVWrite.newBuilder().setKey(ASSET_ID).setValue(assetJson))
        .build();
    TxReadWriteSet rwset = TxReadWriteSet.newBuilder()
        .setDataModel(TxReadWriteSet.DataModel.KV)
        .addNsRwset(NsReadWriteSet.newBuilder().setNamespace(CHAINCODE).setRwset(kv.toByteString()))
        .build();
    ChaincodeAction action = ChaincodeAction.newBuilder()
        .setResults(rwset.toByteString())
        .setEvents(ChaincodeEvent.newBuilder()
            .setChaincodeId(CHAINCODE).setTxId(txId).setEventName("CreateAsset").setPayload(assetJson)
            .build().toByteString())
        .setResponse(Response.newBuilder().setStatus(200).setPayload(assetJson))
        .setChaincodeId(ChaincodeID.newBuilder().setName(CHAINCODE).setVersion("1.0"))
        .build();
    ByteString proposalHash = ByteString.copyFrom(sha256(channelHeaderBytes.toByteArray(),
        signatureHeaderBytes.toByteArray(), proposalPayload.toByteArray()));
    ByteString prp = ProposalResponsePayload.newBuilder()
        .setProposalHash(proposalHash)
        .setExtension(action.toByteString())
        .build().toByteString();
    ChaincodeEndorsedAction.Builder endorsed = ChaincodeEndorsedAction.newBuilder().setProposalResponsePayload(prp);
    for (SigningIdentity peer : peers) {
      ByteString endorser = ByteString.copyFrom(peer.serialized());
      endorsed.addEndorsements(Endorsement.newBuilder()
          .setEndorser(endorser)
          .setSignature(ByteString.copyFrom(peer.sign(prp.concat(endorser).toByteArray()))));
    }
    Transaction tx = Transaction.newBuilder()
        .addActions(TransactionAction.newBuilder()
            .setHeader(signatureHeaderBytes)
            .setPayload(ChaincodeActionPayload.newBuilder()
                .setChaincodeProposalPayload(proposalPayload.toByteString())
                .setAction(endorsed)
                .build().toByteString()))
        .build();
    byte[] payload = Payload.newBuilder()
        .setHeader(Header.newBuilder().setChannelHeader(channelHeaderBytes).setSignatureHeader(signatureHeaderBytes))
        .setData(tx.toByteString())
        .build().toByteArray();
    Envelope envelope = Envelope.newBuilder()
        .setPayload(ByteString.copyFrom(payload))
        .setSignature(ByteString.copyFrom(client.sign(payload)))
        .build();
    return new CreateAssetMessages(signedProposal, envelope);
  }

  /** The JSON the sample contract stores for the arguments above (its Asset.toJson layout). */
  private static String assetJson() {
    return "{\"ID\":\"" + ASSET_ID + "\",\"Color\":\"blue\",\"Size\":5,\"Owner\":\"" + OWNER
        + "\",\"AppraisedValue\":1300}";
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        digest.update(p);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
