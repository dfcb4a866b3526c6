package org.openbcs.ordering.server;

import com.google.protobuf.InvalidProtocolBufferException;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.identity.msp.MspManager;

/**
 * An envelope received by Broadcast or Deliver, with its headers parsed. Parsing and
 * authentication are separate steps because the channel (and so its MSPs) is only known from the
 * parsed channel header.
 */
record InboundEnvelope(
    Envelope envelope, Payload payload, ChannelHeader channelHeader, SignatureHeader signatureHeader) {

  /** Parses the payload and both headers; BAD_REQUEST naming the part that is malformed. */
  static InboundEnvelope parse(Envelope envelope) {
    if (envelope.getPayload().isEmpty()) {
      throw new RequestException(Status.BAD_REQUEST, "envelope has an empty payload");
    }
    Payload payload;
    try {
      payload = Payload.parseFrom(envelope.getPayload());
    } catch (InvalidProtocolBufferException e) {
      throw new RequestException(Status.BAD_REQUEST, "malformed envelope payload: " + e.getMessage());
    }
    if (!payload.hasHeader()) {
      throw new RequestException(Status.BAD_REQUEST, "envelope payload has no header");
    }
    ChannelHeader ch;
    try {
      ch = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    } catch (InvalidProtocolBufferException e) {
      throw new RequestException(Status.BAD_REQUEST, "malformed channel header: " + e.getMessage());
    }
    SignatureHeader sh;
    try {
      sh = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
    } catch (InvalidProtocolBufferException e) {
      throw new RequestException(Status.BAD_REQUEST, "malformed signature header: " + e.getMessage());
    }
    if (ch.getChannelId().isEmpty()) {
      throw new RequestException(Status.BAD_REQUEST, "channel header has an empty channel id");
    }
    return new InboundEnvelope(envelope, payload, ch, sh);
  }

  String channelId() {
    return channelHeader.getChannelId();
  }

  /**
   * The creator, validated by the channel's MSPs, after checking the envelope signature with its
   * key. FORBIDDEN with the reason otherwise.
   */
  Identity authenticate(MspManager msps, CryptoSuite suite) {
    if (signatureHeader.getCreator().isEmpty()) {
      throw new RequestException(Status.FORBIDDEN, "envelope has no creator");
    }
    Identity creator;
    try {
      creator = msps.deserialize(signatureHeader.getCreator().toByteArray());
    } catch (IdentityException e) {
      throw new RequestException(Status.FORBIDDEN, "creator is not valid: " + e.getMessage());
    }
    if (!suite.verify(
        creator.publicKey(), envelope.getPayload().toByteArray(), envelope.getSignature().toByteArray())) {
      throw new RequestException(
          Status.FORBIDDEN,
          "envelope signature does not verify for creator of MSP " + creator.mspId()
              + " (tx " + channelHeader.getTxId() + ")");
    }
    return creator;
  }
}
