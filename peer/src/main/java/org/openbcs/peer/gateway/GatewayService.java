package org.openbcs.peer.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;

import org.hyperledger.fabric.protos.gateway.ChaincodeEventsRequest;
import org.hyperledger.fabric.protos.gateway.ChaincodeEventsResponse;
import org.hyperledger.fabric.protos.gateway.CommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.CommitStatusResponse;
import org.hyperledger.fabric.protos.gateway.EndorseRequest;
import org.hyperledger.fabric.protos.gateway.EndorseResponse;
import org.hyperledger.fabric.protos.gateway.EvaluateRequest;
import org.hyperledger.fabric.protos.gateway.EvaluateResponse;
import org.hyperledger.fabric.protos.gateway.GatewayGrpc;
import org.hyperledger.fabric.protos.gateway.SignedChaincodeEventsRequest;
import org.hyperledger.fabric.protos.gateway.SignedCommitStatusRequest;
import org.hyperledger.fabric.protos.gateway.SubmitRequest;
import org.hyperledger.fabric.protos.gateway.SubmitResponse;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.openbcs.common.log.LogContext;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.endorser.Endorser;
import org.openbcs.peer.endorser.ProposalException;
import org.openbcs.peer.endorser.Simulation;
import org.openbcs.peer.endorser.ValidatedProposal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gateway.Gateway}: Evaluate, Endorse, Submit, CommitStatus and ChaincodeEvents as Fabric's
 * gateway serves them (fabric-edges §3). Errors are gRPC statuses with {@code ErrorDetail}s.
 */
public final class GatewayService extends GatewayGrpc.GatewayImplBase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayService.class);

  private final Endorser endorser;
  private final Supplier<String> localAddress;
  private final Function<String, PeerChannel> channels;
  private final EndorsementCollector collector;
  private final OrdererClient orderers;
  private final CommitWaiters commits;
  private final RemoteEndorsers remotes;
  private final Duration remoteTimeout;
  private final ChaincodeEventsStreamer events = new ChaincodeEventsStreamer();

  /**
   * @param localAddress this peer's host:port, reported in error details (known once listening)
   * @param channels channel id to joined channel, null when unknown
   */
  public GatewayService(
      Endorser endorser,
      Supplier<String> localAddress,
      Function<String, PeerChannel> channels,
      RemoteEndorsers remotes,
      OrdererClient orderers,
      CommitWaiters commits,
      Duration endorsementTimeout) {
    this.endorser = endorser;
    this.localAddress = localAddress;
    this.channels = channels;
    this.collector = new EndorsementCollector(endorser, localAddress, remotes, endorsementTimeout);
    this.orderers = orderers;
    this.commits = commits;
    this.remotes = remotes;
    this.remoteTimeout = endorsementTimeout;
  }

  @Override
  public void evaluate(EvaluateRequest request, StreamObserver<EvaluateResponse> out) {
    try (LogContext.Scope ctx = LogContext.tx(request.getChannelId(), request.getTransactionId())) {
      evaluateInContext(request, out);
    }
  }

  private void evaluateInContext(EvaluateRequest request, StreamObserver<EvaluateResponse> out) {
    try {
      ValidatedProposal proposal = validate(request.getProposedTransaction(), request.getChannelId(), request.getTransactionId());
      List<String> targets = request.getTargetOrganizationsList();
      if (!targets.isEmpty() && !targets.contains(endorser.mspId())) {
        out.onNext(EvaluateResponse.newBuilder().setResult(evaluateRemotely(proposal, targets)).build());
        out.onCompleted();
        return;
      }
      Simulation simulation = endorser.simulate(proposal);
      if (simulation.failed()) {
        String message =
            "chaincode response " + simulation.response().getStatus() + ", " + simulation.response().getMessage();
        throw GatewayErrors.error(
            Status.Code.UNKNOWN,
            message,
            List.of(GatewayErrors.detail(localAddress.get(), endorser.mspId(), message)));
      }
      out.onNext(EvaluateResponse.newBuilder().setResult(simulation.response()).build());
      out.onCompleted();
    } catch (RuntimeException e) {
      out.onError(toStatus(e));
    }
  }

  /**
   * Evaluate on a peer of the first target organisation this gateway knows (the client asked for
   * organisations other than this peer's). Its ProcessProposal response is the result.
   */
  private org.hyperledger.fabric.protos.peer.Response evaluateRemotely(
      ValidatedProposal proposal, List<String> targets) {
    String org = targets.stream().filter(remotes::knows).findFirst().orElse(null);
    if (org == null) {
      String message =
          "no peers available to evaluate chaincode " + proposal.chaincodeName() + " in channel "
              + proposal.channelId() + " for organizations " + targets;
      throw GatewayErrors.error(Status.Code.UNAVAILABLE, message, List.of(GatewayErrors.detail("", "", message)));
    }
    String address = remotes.address(org);
    ProposalResponse response;
    try {
      response = remotes.endorse(org, proposal.signed(), remoteTimeout)
          .get(remoteTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GatewayErrors.error(Status.Code.CANCELLED, "interrupted while evaluating at " + org);
    } catch (ExecutionException | TimeoutException e) {
      String message = e instanceof TimeoutException
          ? "evaluation timed out"
          : Status.fromThrowable(e.getCause()).toString();
      throw GatewayErrors.error(Status.Code.UNAVAILABLE, "failed to evaluate transaction at " + org + ": " + message,
          List.of(GatewayErrors.detail(address, org, message)));
    }
    if (response.getResponse().getStatus() >= 400) {
      String message =
          "chaincode response " + response.getResponse().getStatus() + ", " + response.getResponse().getMessage();
      throw GatewayErrors.error(Status.Code.UNKNOWN, message, List.of(GatewayErrors.detail(address, org, message)));
    }
    return response.getResponse();
  }

  @Override
  public void endorse(EndorseRequest request, StreamObserver<EndorseResponse> out) {
    try (LogContext.Scope ctx = LogContext.tx(request.getChannelId(), request.getTransactionId())) {
      endorseInContext(request, out);
    }
  }

  private void endorseInContext(EndorseRequest request, StreamObserver<EndorseResponse> out) {
    try {
      ValidatedProposal proposal = validate(request.getProposedTransaction(), request.getChannelId(), request.getTransactionId());
      EndorsementCollector.Endorsed endorsed =
          collector.collect(proposal, request.getEndorsingOrganizationsList());
      Envelope prepared =
          PreparedTransactions.of(proposal, endorsed.proposalResponsePayload(), endorsed.endorsements());
      out.onNext(EndorseResponse.newBuilder().setPreparedTransaction(prepared).build());
      out.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.onError(Status.CANCELLED.withDescription("interrupted").asException());
    } catch (RuntimeException e) {
      out.onError(toStatus(e));
    }
  }

  @Override
  public void submit(SubmitRequest request, StreamObserver<SubmitResponse> out) {
    try (LogContext.Scope ctx = LogContext.tx(request.getChannelId(), request.getTransactionId())) {
      submitInContext(request, out);
    }
  }

  private void submitInContext(SubmitRequest request, StreamObserver<SubmitResponse> out) {
    String txId = request.getTransactionId();
    try {
      if (!request.hasPreparedTransaction() || request.getPreparedTransaction().getPayload().isEmpty()) {
        throw ProposalException.invalid("a prepared transaction is required");
      }
      Envelope envelope = request.getPreparedTransaction();
      if (envelope.getSignature().isEmpty()) {
        throw ProposalException.invalid("prepared transaction must be signed");
      }
      ChannelHeader header = channelHeaderOf(envelope);
      txId = header.getTxId();
      PeerChannel channel = channel(header.getChannelId());
      if (!request.getChannelId().isEmpty() && !request.getChannelId().equals(header.getChannelId())) {
        throw ProposalException.invalid(
            "channel '%s' of the request differs from channel '%s' of the transaction",
            request.getChannelId(), header.getChannelId());
      }
      if (channel.ledger().transactionOutcome(txId).isPresent()) {
        throw new ProposalException(
            Status.Code.ALREADY_EXISTS, "duplicate transaction found [" + txId + "]");
      }
      String finalTxId = txId;
      CompletableFuture<BroadcastResponse> answer = orderers.broadcast(envelope);
      answer.whenComplete(
          (response, failure) -> {
            if (failure != null) {
              Status status = Status.fromThrowable(failure);
              String message = "failed to send transaction to orderer: " + status;
              out.onError(
                  GatewayErrors.error(
                      Status.Code.UNAVAILABLE, message, List.of(GatewayErrors.detail("", "", message))));
            } else if (response.getStatus() != org.hyperledger.fabric.protos.common.Status.SUCCESS) {
              String message =
                  "received unsuccessful response from orderer: status="
                      + response.getStatus()
                      + ", info="
                      + response.getInfo();
              log.info("channel={} tx={} {}", header.getChannelId(), finalTxId, message);
              out.onError(
                  GatewayErrors.error(
                      Status.Code.ABORTED, message, List.of(GatewayErrors.detail("", "", message))));
            } else {
              out.onNext(SubmitResponse.getDefaultInstance());
              out.onCompleted();
            }
          });
    } catch (RuntimeException e) {
      log.info("submit of tx {} refused: {}", txId, e.getMessage());
      out.onError(toStatus(e));
    }
  }

  @Override
  public void commitStatus(SignedCommitStatusRequest signed, StreamObserver<CommitStatusResponse> out) {
    try {
      CommitStatusRequest request = parse(signed.getRequest().toByteArray(), CommitStatusRequest.parser(), "CommitStatusRequest");
      PeerChannel channel = channel(request.getChannelId());
      authenticate(channel, request.getIdentity().toByteArray(), signed.getRequest().toByteArray(), signed.getSignature().toByteArray());
      if (request.getTransactionId().isEmpty()) {
        throw ProposalException.invalid("transaction id is required");
      }
      CompletableFuture<CommitWaiters.TxStatus> status =
          commits.await(request.getChannelId(), request.getTransactionId());
      if (out instanceof ServerCallStreamObserver<CommitStatusResponse> call) {
        call.setOnCancelHandler(() -> status.cancel(false));
      }
      status.whenComplete(
          (s, failure) -> {
            if (failure != null) {
              if (!(failure instanceof java.util.concurrent.CancellationException)) {
                out.onError(Status.RESOURCE_EXHAUSTED.withDescription(failure.getMessage()).asException());
              }
              return;
            }
            out.onNext(
                CommitStatusResponse.newBuilder()
                    .setResultValue(s.validationCode())
                    .setBlockNumber(s.blockNumber())
                    .build());
            out.onCompleted();
          });
    } catch (RuntimeException e) {
      out.onError(toStatus(e));
    }
  }

  @Override
  public void chaincodeEvents(
      SignedChaincodeEventsRequest signed, StreamObserver<ChaincodeEventsResponse> out) {
    try {
      ChaincodeEventsRequest request =
          parse(signed.getRequest().toByteArray(), ChaincodeEventsRequest.parser(), "ChaincodeEventsRequest");
      PeerChannel channel = channel(request.getChannelId());
      authenticate(channel, request.getIdentity().toByteArray(), signed.getRequest().toByteArray(), signed.getSignature().toByteArray());
      if (request.getChaincodeId().isEmpty()) {
        throw ProposalException.invalid("chaincode id is required");
      }
      String afterTxId = request.getAfterTransactionId();
      long start;
      Optional<Long> afterBlock =
          afterTxId.isEmpty() ? Optional.empty() : channel.ledger().blocks().blockNumberOfTx(afterTxId);
      if (afterBlock.isPresent()) {
        start = afterBlock.get();
      } else {
        afterTxId = "";
        start = startBlock(request.getStartPosition(), channel.ledger().blocks().height());
      }
      ServerCallStreamObserver<ChaincodeEventsResponse> call =
          (ServerCallStreamObserver<ChaincodeEventsResponse>) out;
      boolean started =
          events.start(
              new ChaincodeEventsStreamer.Subscription(channel.ledger(), request.getChaincodeId(), start, afterTxId),
              call);
      if (!started) {
        throw new ProposalException(
            Status.Code.RESOURCE_EXHAUSTED,
            ChaincodeEventsStreamer.MAX_STREAMS + " chaincode event streams are already open");
      }
    } catch (RuntimeException e) {
      out.onError(toStatus(e));
    }
  }

  static long startBlock(SeekPosition position, long height) {
    return switch (position.getTypeCase()) {
      case SPECIFIED -> position.getSpecified().getNumber();
      case OLDEST -> 0;
      case NEWEST -> Math.max(0, height - 1);
      case NEXT_COMMIT, TYPE_NOT_SET -> height;
    };
  }

  private ValidatedProposal validate(
      org.hyperledger.fabric.protos.peer.SignedProposal signed, String channelId, String txId) {
    ValidatedProposal proposal = endorser.validate(signed);
    if (!channelId.isEmpty() && !channelId.equals(proposal.channelId())) {
      throw ProposalException.invalid(
          "channel '%s' of the request differs from channel '%s' of the proposal", channelId, proposal.channelId());
    }
    if (!txId.isEmpty() && !txId.equals(proposal.txId())) {
      throw ProposalException.invalid(
          "transaction id '%s' of the request differs from '%s' of the proposal", txId, proposal.txId());
    }
    return proposal;
  }

  private PeerChannel channel(String channelId) {
    PeerChannel channel = channelId.isEmpty() ? null : channels.apply(channelId);
    if (channel == null) {
      throw new ProposalException(Status.Code.NOT_FOUND, "channel '" + channelId + "' not found");
    }
    return channel;
  }

  /** The identity in the request must be valid on the channel and have signed the request. */
  private static void authenticate(PeerChannel channel, byte[] identity, byte[] message, byte[] signature) {
    Identity id;
    try {
      id = channel.msps().deserialize(identity);
    } catch (IdentityException e) {
      throw new ProposalException(
          Status.Code.PERMISSION_DENIED, "access denied: identity is not valid: " + e.getMessage());
    }
    if (!channel.verifier().verify(new SignatureVerifier.Request(id.publicKey(), message, signature))) {
      throw new ProposalException(
          Status.Code.PERMISSION_DENIED,
          "access denied: the signature of " + id.mspId() + " over the request is not valid");
    }
  }

  private static ChannelHeader channelHeaderOf(Envelope envelope) {
    Payload payload = parse(envelope.getPayload().toByteArray(), Payload.parser(), "Payload");
    return parse(payload.getHeader().getChannelHeader().toByteArray(), ChannelHeader.parser(), "ChannelHeader");
  }

  private static <T> T parse(byte[] bytes, com.google.protobuf.Parser<T> parser, String what) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw ProposalException.invalid("malformed %s: %s", what, e.getMessage());
    }
  }

  private Throwable toStatus(RuntimeException e) {
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e instanceof ProposalException p) {
      return GatewayErrors.error(
          p.code(), p.getMessage(), List.of(GatewayErrors.detail(localAddress.get(), endorser.mspId(), p.getMessage())));
    }
    log.warn("gateway request failed unexpectedly", e);
    return GatewayErrors.error(
        Status.Code.INTERNAL,
        "internal error: " + e,
        List.of(GatewayErrors.detail(localAddress.get(), endorser.mspId(), String.valueOf(e.getMessage()))));
  }

  @Override
  public void close() {
    events.close();
  }
}
