package org.openbcs.ordering.server;

import io.grpc.stub.StreamObserver;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.openbcs.ordering.spi.OrderingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Broadcast stream: validates each envelope and hands it to its channel's consenter, answering
 * one {@code BroadcastResponse} per envelope, in order. A refused envelope gets its status and the
 * stream keeps serving. gRPC delivers a stream's messages one at a time, so responses keep order.
 */
final class BroadcastHandler implements StreamObserver<Envelope> {
  private static final Logger log = LoggerFactory.getLogger(BroadcastHandler.class);

  private final ChannelRegistry channels;
  private final StreamObserver<BroadcastResponse> responses;

  BroadcastHandler(ChannelRegistry channels, StreamObserver<BroadcastResponse> responses) {
    this.channels = channels;
    this.responses = responses;
  }

  @Override
  public void onNext(Envelope envelope) {
    BroadcastResponse response;
    try {
      process(envelope);
      response = BroadcastResponse.newBuilder().setStatus(Status.SUCCESS).build();
    } catch (RequestException e) {
      response = refusal(e.status(), e.getMessage());
    } catch (OrderingException e) {
      response = refusal(e.status(), e.getMessage());
    }
    responses.onNext(response);
  }

  private static BroadcastResponse refusal(Status status, String info) {
    log.debug("broadcast refused: {} {}", status, info);
    return BroadcastResponse.newBuilder().setStatus(status).setInfo(info).build();
  }

  private void process(Envelope envelope) {
    InboundEnvelope in = InboundEnvelope.parse(envelope);
    OrdererChannel channel = channels.require(in.channelId());
    int payloadBytes = envelope.getPayload().size();
    int maxBytes = channel.config().batch().absoluteMaxBytes();
    if (payloadBytes > maxBytes) {
      throw new RequestException(
          Status.BAD_REQUEST,
          "message payload is " + payloadBytes + " bytes and exceeds maximum allowed " + maxBytes + " bytes");
    }
    channel.access().requireWriter(in.authenticate(channel.msps(), channel.suite()));
    int type = in.channelHeader().getType();
    if (type == HeaderType.CONFIG_UPDATE_VALUE) {
      throw new RequestException(Status.BAD_REQUEST, "config updates not supported yet");
    }
    if (type != HeaderType.ENDORSER_TRANSACTION_VALUE) {
      throw new RequestException(
          Status.BAD_REQUEST,
          "message of header type " + HeaderType.forNumber(type) + " (" + type
              + ") cannot be broadcast; expected ENDORSER_TRANSACTION or CONFIG_UPDATE");
    }
    channel.consenter().order(envelope, channel.configSequence());
    log.debug("channel={} tx={} accepted for ordering", in.channelId(), in.channelHeader().getTxId());
  }

  @Override
  public void onError(Throwable t) {
    log.debug("broadcast stream failed: {}", t.toString());
  }

  @Override
  public void onCompleted() {
    responses.onCompleted();
  }
}
