package org.openbcs.peer.puller;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.util.random.RandomGenerator;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;
import org.openbcs.identity.SigningIdentity;

/** The signed seek request a peer sends an orderer: blocks from {@code start} on, waiting for new ones. */
final class SeekEnvelopes {
  /** Fabric's nonce length. */
  static final int NONCE_BYTES = 24;

  private SeekEnvelopes() {}

  static Envelope fromBlock(
      String channelId,
      long start,
      SigningIdentity signer,
      byte[] tlsCertHash,
      long nowMillis,
      RandomGenerator random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    ChannelHeader.Builder ch =
        ChannelHeader.newBuilder()
            .setType(HeaderType.DELIVER_SEEK_INFO_VALUE)
            .setChannelId(channelId)
            .setEpoch(0)
            .setTimestamp(
                Timestamp.newBuilder()
                    .setSeconds(nowMillis / 1000)
                    .setNanos((int) (nowMillis % 1000) * 1_000_000));
    if (tlsCertHash != null) {
      ch.setTlsCertHash(ByteString.copyFrom(tlsCertHash));
    }
    SignatureHeader sh =
        SignatureHeader.newBuilder()
            .setCreator(ByteString.copyFrom(signer.serialized()))
            .setNonce(ByteString.copyFrom(nonce))
            .build();
    SeekInfo seek =
        SeekInfo.newBuilder()
            .setStart(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(start)))
            .setStop(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(Long.MAX_VALUE)))
            .setBehavior(SeekInfo.SeekBehavior.BLOCK_UNTIL_READY)
            .build();
    Payload payload =
        Payload.newBuilder()
            .setHeader(
                Header.newBuilder()
                    .setChannelHeader(ch.build().toByteString())
                    .setSignatureHeader(sh.toByteString()))
            .setData(seek.toByteString())
            .build();
    ByteString bytes = payload.toByteString();
    return Envelope.newBuilder()
        .setPayload(bytes)
        .setSignature(ByteString.copyFrom(signer.sign(bytes.toByteArray())))
        .build();
  }
}
