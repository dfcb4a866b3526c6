package org.openbcs.peer.deliver;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.function.Function;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.openbcs.transport.TlsClientCertificate;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.peer.channel.PeerChannel;

/**
 * Checks a signed seek envelope as Fabric's deliver handler does: structure (BAD_REQUEST), channel
 * (NOT_FOUND), timestamp within the authentication time window (BAD_REQUEST), creator a valid
 * member of a channel MSP whose signature verifies (FORBIDDEN — the channel Readers ACL).
 */
final class SeekRequests {
  /** Fabric's peer.authentication.timewindow. */
  static final Duration TIME_WINDOW = Duration.ofMinutes(15);

  sealed interface Outcome {}

  record Rejected(Status status, String reason) implements Outcome {}

  record Accepted(PeerChannel channel, SeekInfo seekInfo, Identity requester) implements Outcome {}

  private final Function<String, PeerChannel> channels;
  private final TimeSource time;

  SeekRequests(Function<String, PeerChannel> channels, TimeSource time) {
    this.channels = channels;
    this.time = time;
  }

  /**
   * @param session the connection's TLS client certificate: a header's {@code tls_cert_hash} must
   *     name it (Fabric's binding; BAD_REQUEST otherwise)
   */
  Outcome check(Envelope envelope, TlsClientCertificate session) {
    Payload payload;
    ChannelHeader ch;
    try {
      payload = Payload.parseFrom(envelope.getPayload());
      if (!payload.hasHeader()) {
        return new Rejected(Status.BAD_REQUEST, "seek envelope has no header");
      }
      ch = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    } catch (InvalidProtocolBufferException e) {
      return new Rejected(Status.BAD_REQUEST, "malformed seek envelope: " + e.getMessage());
    }
    PeerChannel channel = ch.getChannelId().isEmpty() ? null : channels.apply(ch.getChannelId());
    if (channel == null) {
      return new Rejected(Status.NOT_FOUND, "channel '" + ch.getChannelId() + "' not found");
    }
    if (ch.getType() != HeaderType.DELIVER_SEEK_INFO_VALUE) {
      return new Rejected(
          Status.BAD_REQUEST, "header type " + ch.getType() + " is not DELIVER_SEEK_INFO");
    }
    java.util.Optional<String> unbound = session.bindingMismatch(ch.getTlsCertHash().toByteArray(), channel.suite());
    if (unbound.isPresent()) {
      return new Rejected(Status.BAD_REQUEST, unbound.get());
    }
    if (!ch.hasTimestamp()) {
      return new Rejected(Status.BAD_REQUEST, "seek envelope has no timestamp");
    }
    long requestMillis = ch.getTimestamp().getSeconds() * 1000 + ch.getTimestamp().getNanos() / 1_000_000;
    long skew = Math.abs(time.wallMillis() - requestMillis);
    if (skew > TIME_WINDOW.toMillis()) {
      return new Rejected(
          Status.BAD_REQUEST,
          "envelope timestamp is " + skew / 1000 + " s away from the peer's time, more than the "
              + TIME_WINDOW.toMinutes() + " min window");
    }
    Identity creator;
    try {
      SignatureHeader sh = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
      creator = channel.msps().deserialize(sh.getCreator().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      return new Rejected(Status.BAD_REQUEST, "malformed signature header: " + e.getMessage());
    } catch (IdentityException e) {
      return new Rejected(Status.FORBIDDEN, "creator rejected: " + e.getMessage());
    }
    boolean signed =
        !envelope.getSignature().isEmpty()
            && channel
                .verifier()
                .verify(
                    new SignatureVerifier.Request(
                        creator.publicKey(),
                        envelope.getPayload().toByteArray(),
                        envelope.getSignature().toByteArray()));
    if (!signed) {
      return new Rejected(Status.FORBIDDEN, "signature of " + creator.mspId() + " creator does not verify");
    }
    try {
      return new Accepted(channel, SeekInfo.parseFrom(payload.getData()), creator);
    } catch (InvalidProtocolBufferException e) {
      return new Rejected(Status.BAD_REQUEST, "malformed SeekInfo: " + e.getMessage());
    }
  }
}
