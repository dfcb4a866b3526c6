package org.openbcs.it;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.gateway.ChaincodeEventsRequest;
import org.hyperledger.fabric.protos.gateway.CommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.EndorseRequest;
import org.hyperledger.fabric.protos.gateway.EvaluateRequest;
import org.hyperledger.fabric.protos.gateway.SignedChaincodeEventsRequest;
import org.hyperledger.fabric.protos.gateway.SignedCommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.SubmitRequest;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.identity.SigningIdentity;

/**
 * Well-formed, correctly signed requests for every gateway, endorser, deliver and broadcast call,
 * built by hand so a test can point them at any channel and sign them as any identity (the
 * Gateway SDK only signs for its own, valid, identity).
 */
final class SignedRequests {
  private static final int NONCE_BYTES = 24;

  private final SecureRandom random = new SecureRandom();

  /** A proposal and the transaction id derived from its nonce and creator. */
  record SignedTx(SignedProposal proposal, String txId, String channelId) {}

  SignedTx proposal(SigningIdentity who, String channelId, String chaincode, String... args) {
    byte[] nonce = nonce();
    String txId = txId(nonce, who.serialized());
    ChannelHeader ch =
        channelHeader(HeaderType.ENDORSER_TRANSACTION, channelId, txId)
            .setExtension(
                ChaincodeHeaderExtension.newBuilder()
                    .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                    .build()
                    .toByteString())
            .build();
    ChaincodeInput.Builder input = ChaincodeInput.newBuilder();
    for (String arg : args) {
      input.addArgs(ByteString.copyFrom(arg, StandardCharsets.UTF_8));
    }
    ChaincodeInvocationSpec spec =
        ChaincodeInvocationSpec.newBuilder()
            .setChaincodeSpec(
                ChaincodeSpec.newBuilder()
                    .setType(ChaincodeSpec.Type.JAVA)
                    .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                    .setInput(input))
            .build();
    Proposal proposal =
        Proposal.newBuilder()
            .setHeader(header(ch, who, nonce).toByteString())
            .setPayload(ChaincodeProposalPayload.newBuilder().setInput(spec.toByteString()).build().toByteString())
            .build();
    ByteString bytes = proposal.toByteString();
    SignedProposal signed =
        SignedProposal.newBuilder()
            .setProposalBytes(bytes)
            .setSignature(ByteString.copyFrom(who.sign(bytes.toByteArray())))
            .build();
    return new SignedTx(signed, txId, channelId);
  }

  static EvaluateRequest evaluate(SignedTx tx) {
    return EvaluateRequest.newBuilder()
        .setTransactionId(tx.txId())
        .setChannelId(tx.channelId())
        .setProposedTransaction(tx.proposal())
        .build();
  }

  static EndorseRequest endorse(SignedTx tx) {
    return EndorseRequest.newBuilder()
        .setTransactionId(tx.txId())
        .setChannelId(tx.channelId())
        .setProposedTransaction(tx.proposal())
        .build();
  }

  /**
   * A signed ENDORSER_TRANSACTION envelope whose data is no real transaction: everything a gateway
   * or orderer checks before ordering (channel, creator, signature) is right or wrong as asked.
   */
  Envelope transaction(SigningIdentity who, String channelId) {
    byte[] nonce = nonce();
    String txId = txId(nonce, who.serialized());
    return envelope(who, channelHeader(HeaderType.ENDORSER_TRANSACTION, channelId, txId).build(), nonce, ByteString.EMPTY);
  }

  static SubmitRequest submit(Envelope transaction, String channelId) throws Exception {
    Payload payload = Payload.parseFrom(transaction.getPayload());
    ChannelHeader ch = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    return SubmitRequest.newBuilder()
        .setTransactionId(ch.getTxId())
        .setChannelId(channelId)
        .setPreparedTransaction(transaction)
        .build();
  }

  static SignedCommitStatusRequest commitStatus(SigningIdentity who, String channelId, String txId) {
    ByteString request =
        CommitStatusRequest.newBuilder()
            .setChannelId(channelId)
            .setTransactionId(txId)
            .setIdentity(ByteString.copyFrom(who.serialized()))
            .build()
            .toByteString();
    return SignedCommitStatusRequest.newBuilder()
        .setRequest(request)
        .setSignature(ByteString.copyFrom(who.sign(request.toByteArray())))
        .build();
  }

  static SignedChaincodeEventsRequest chaincodeEvents(SigningIdentity who, String channelId, String chaincode) {
    ByteString request =
        ChaincodeEventsRequest.newBuilder()
            .setChannelId(channelId)
            .setChaincodeId(chaincode)
            .setIdentity(ByteString.copyFrom(who.serialized()))
            .build()
            .toByteString();
    return SignedChaincodeEventsRequest.newBuilder()
        .setRequest(request)
        .setSignature(ByteString.copyFrom(who.sign(request.toByteArray())))
        .build();
  }

  /** A deliver request for blocks {@code start..stop} that fails rather than waits for missing ones. */
  Envelope seek(SigningIdentity who, String channelId, long start, long stop) {
    SeekInfo seek =
        SeekInfo.newBuilder()
            .setStart(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(start)))
            .setStop(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(stop)))
            .setBehavior(SeekInfo.SeekBehavior.FAIL_IF_NOT_READY)
            .build();
    return envelope(who, channelHeader(HeaderType.DELIVER_SEEK_INFO, channelId, "").build(), nonce(), seek.toByteString());
  }

  private static Envelope envelope(SigningIdentity who, ChannelHeader ch, byte[] nonce, ByteString data) {
    ByteString payload = Payload.newBuilder().setHeader(header(ch, who, nonce)).setData(data).build().toByteString();
    return Envelope.newBuilder()
        .setPayload(payload)
        .setSignature(ByteString.copyFrom(who.sign(payload.toByteArray())))
        .build();
  }

  private static Header header(ChannelHeader ch, SigningIdentity who, byte[] nonce) {
    return Header.newBuilder()
        .setChannelHeader(ch.toByteString())
        .setSignatureHeader(
            SignatureHeader.newBuilder()
                .setCreator(ByteString.copyFrom(who.serialized()))
                .setNonce(ByteString.copyFrom(nonce))
                .build()
                .toByteString())
        .build();
  }

  private static ChannelHeader.Builder channelHeader(HeaderType type, String channelId, String txId) {
    Instant now = Instant.now();
    return ChannelHeader.newBuilder()
        .setType(type.getNumber())
        .setChannelId(channelId)
        .setTxId(txId)
        .setEpoch(0)
        .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
  }

  private byte[] nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }

  /** Fabric's transaction id: hex SHA-256 of nonce then creator. */
  private static String txId(byte[] nonce, byte[] creator) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(nonce);
      sha.update(creator);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
