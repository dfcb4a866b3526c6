package org.openbcs.peer.cli;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.gateway.CommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.CommitStatusResponse;
import org.hyperledger.fabric.protos.gateway.EndorseRequest;
import org.hyperledger.fabric.protos.gateway.GatewayGrpc;
import org.hyperledger.fabric.protos.gateway.SignedCommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.SubmitRequest;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.peer.endorser.TxIds;
import org.openbcs.peer.gateway.Endpoint;
import org.openbcs.transport.GrpcTransport;

/**
 * A minimal Gateway client on our own gRPC stubs, building proposals exactly as the Fabric
 * Gateway clients do (fabric-edges §3.2): endorse, sign, submit, wait for the commit status.
 */
final class LifecycleClient implements AutoCloseable {
  private static final int NONCE_BYTES = 24;

  private final ManagedChannel channel;
  private final GatewayGrpc.GatewayBlockingStub gateway;
  private final SigningIdentity identity;
  private final SecureRandom random = new SecureRandom();

  LifecycleClient(Endpoint peer, Path tlsCa, SigningIdentity identity) {
    this.channel = GrpcTransport.channel(peer.host(), peer.port(), tlsCa, null, null);
    this.gateway = GatewayGrpc.newBlockingStub(channel);
    this.identity = identity;
  }

  /** Endorses, submits and waits for the commit; returns the tx id, throws unless VALID. */
  String submit(String channelId, String chaincode, List<String> args, Duration timeout) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    ByteString creator = ByteString.copyFrom(identity.serialized());
    String txId = TxIds.compute(ByteString.copyFrom(nonce), creator);
    Instant now = Instant.now();
    ChannelHeader channelHeader =
        ChannelHeader.newBuilder()
            .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
            .setTxId(txId)
            .setChannelId(channelId)
            .setEpoch(0)
            .setTimestamp(
                com.google.protobuf.Timestamp.newBuilder()
                    .setSeconds(now.getEpochSecond())
                    .setNanos(now.getNano()))
            .setExtension(
                ChaincodeHeaderExtension.newBuilder()
                    .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                    .build()
                    .toByteString())
            .build();
    SignatureHeader signatureHeader =
        SignatureHeader.newBuilder().setCreator(creator).setNonce(ByteString.copyFrom(nonce)).build();
    ChaincodeInput.Builder input = ChaincodeInput.newBuilder();
    args.forEach(a -> input.addArgs(ByteString.copyFromUtf8(a)));
    ChaincodeProposalPayload payload =
        ChaincodeProposalPayload.newBuilder()
            .setInput(
                ChaincodeInvocationSpec.newBuilder()
                    .setChaincodeSpec(
                        ChaincodeSpec.newBuilder()
                            .setType(ChaincodeSpec.Type.NODE)
                            .setChaincodeId(ChaincodeID.newBuilder().setName(chaincode))
                            .setInput(input))
                    .build()
                    .toByteString())
            .build();
    Proposal proposal =
        Proposal.newBuilder()
            .setHeader(
                Header.newBuilder()
                    .setChannelHeader(channelHeader.toByteString())
                    .setSignatureHeader(signatureHeader.toByteString())
                    .build()
                    .toByteString())
            .setPayload(payload.toByteString())
            .build();
    ByteString proposalBytes = proposal.toByteString();
    SignedProposal signed =
        SignedProposal.newBuilder()
            .setProposalBytes(proposalBytes)
            .setSignature(ByteString.copyFrom(identity.sign(proposalBytes.toByteArray())))
            .build();

    Envelope prepared =
        gateway
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .endorse(
                EndorseRequest.newBuilder()
                    .setTransactionId(txId)
                    .setChannelId(channelId)
                    .setProposedTransaction(signed)
                    .build())
            .getPreparedTransaction();
    Envelope envelope =
        prepared.toBuilder()
            .setSignature(ByteString.copyFrom(identity.sign(prepared.getPayload().toByteArray())))
            .build();
    gateway
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .submit(
            SubmitRequest.newBuilder()
                .setTransactionId(txId)
                .setChannelId(channelId)
                .setPreparedTransaction(envelope)
                .build());
    ByteString request =
        CommitStatusRequest.newBuilder()
            .setChannelId(channelId)
            .setTransactionId(txId)
            .setIdentity(creator)
            .build()
            .toByteString();
    CommitStatusResponse status =
        gateway
            .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .commitStatus(
                SignedCommitStatusRequest.newBuilder()
                    .setRequest(request)
                    .setSignature(ByteString.copyFrom(identity.sign(request.toByteArray())))
                    .build());
    if (status.getResult() != TxValidationCode.VALID) {
      throw new IllegalStateException(
          "transaction " + txId + " committed in block " + status.getBlockNumber() + " as "
              + status.getResult());
    }
    return txId;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
