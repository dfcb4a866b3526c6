package org.openbcs.fbft.ordering;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.transport.GrpcTransport;

/**
 * Reads a range of blocks from another orderer's {@code AtomicBroadcast/Deliver}, as this orderer:
 * mutual TLS with its TLS certificate, seek request signed by its signing identity (orderer-org
 * members are channel Readers). Nothing here trusts the blocks; {@link BlockTransfer} verifies them.
 * Responses are pulled with flow control, so a fast or hostile server cannot fill memory.
 */
final class DeliverFetcher implements BlockTransfer.BlockSource {
  /** Blocks requested ahead of the consumer. */
  static final int MAX_BUFFERED_RESPONSES = 16;
  private static final int NONCE_BYTES = 24;
  private static final long POLL_SLICE_MILLIS = 100;

  private final String channelId;
  private final SigningIdentity signer;
  private final GrpcPeerTransport.ClientTls tls;
  private final long responseTimeoutMillis;
  private final SecureRandom random = new SecureRandom();

  DeliverFetcher(String channelId, SigningIdentity signer, GrpcPeerTransport.ClientTls tls, long responseTimeoutMillis) {
    this.channelId = channelId;
    this.signer = signer;
    this.tls = tls;
    this.responseTimeoutMillis = responseTimeoutMillis;
  }

  @Override
  public void fetch(String endpoint, long first, long last, long nowMillis, BlockTransfer.BlockConsumer consumer,
      BooleanSupplier stopped)
      throws BlockTransfer.FetchException, InterruptedException {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      throw new BlockTransfer.FetchException("orderer endpoint '" + endpoint + "' is not host:port");
    }
    ManagedChannel channel = GrpcTransport.channel(endpoint.substring(0, colon),
        Integer.parseInt(endpoint.substring(colon + 1)), tls.trustedRoots(), tls.certificate(), tls.privateKey());
    BlockingQueue<Object> inbox = new ArrayBlockingQueue<>(MAX_BUFFERED_RESPONSES + 1);
    ClientCallStreamObserver<Envelope>[] requests = newRequestsHolder();
    try {
      AtomicBroadcastGrpc.newStub(channel).deliver(new ClientResponseObserver<Envelope, DeliverResponse>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<Envelope> stream) {
          requests[0] = stream;
          stream.disableAutoRequestWithInitial(MAX_BUFFERED_RESPONSES);
        }

        @Override
        public void onNext(DeliverResponse value) {
          // Flow control bounds arrivals to what was requested, so the offer cannot fail.
          inbox.offer(value);
        }

        @Override
        public void onError(Throwable t) {
          inbox.offer(t);
        }

        @Override
        public void onCompleted() {
          inbox.offer(Boolean.TRUE);
        }
      });
      requests[0].onNext(seek(first, last, nowMillis));
      long expect = first;
      while (expect <= last) {
        Object item = null;
        // Polled in slices so that a halting consenter does not wait out a silent server.
        for (long waited = 0; item == null && waited < responseTimeoutMillis && !stopped.getAsBoolean();
            waited += POLL_SLICE_MILLIS) {
          item = inbox.poll(Math.min(POLL_SLICE_MILLIS, responseTimeoutMillis - waited), TimeUnit.MILLISECONDS);
        }
        if (item == null && stopped.getAsBoolean()) {
          throw new BlockTransfer.FetchException("stopped while reading from " + endpoint);
        }
        if (item == null) {
          throw new BlockTransfer.FetchException("no response from " + endpoint + " for block " + expect + " within "
              + responseTimeoutMillis + " ms");
        }
        if (item instanceof Throwable t) {
          throw new BlockTransfer.FetchException("deliver from " + endpoint + " failed at block " + expect + ": " + t);
        }
        if (!(item instanceof DeliverResponse r)) {
          throw new BlockTransfer.FetchException("deliver from " + endpoint + " ended before block " + expect);
        }
        if (!r.hasBlock()) {
          throw new BlockTransfer.FetchException("deliver from " + endpoint + " answered " + r.getStatus() + " before block " + expect);
        }
        requests[0].request(1);
        if (r.getBlock().getHeader().getNumber() != expect) {
          throw new BlockTransfer.FetchException("deliver from " + endpoint + " sent block " + r.getBlock().getHeader().getNumber()
              + " where " + expect + " was due");
        }
        if (!consumer.accept(r.getBlock())) {
          return;
        }
        expect++;
      }
    } finally {
      if (requests[0] != null) {
        requests[0].cancel("block transfer done", null);
      }
      channel.shutdownNow();
    }
  }

  @SuppressWarnings("unchecked")
  private static ClientCallStreamObserver<Envelope>[] newRequestsHolder() {
    return new ClientCallStreamObserver[1];
  }

  private Envelope seek(long first, long last, long nowMillis) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    ChannelHeader ch = ChannelHeader.newBuilder()
        .setType(HeaderType.DELIVER_SEEK_INFO_VALUE)
        .setChannelId(channelId)
        .setTimestamp(Timestamp.newBuilder().setSeconds(nowMillis / 1000).setNanos((int) (nowMillis % 1000) * 1_000_000))
        .build();
    SignatureHeader sh = SignatureHeader.newBuilder()
        .setCreator(ByteString.copyFrom(signer.serialized()))
        .setNonce(ByteString.copyFrom(nonce))
        .build();
    SeekInfo info = SeekInfo.newBuilder()
        .setStart(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(first)))
        .setStop(SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(last)))
        // A peer orderer that has not written the range yet says so instead of holding the stream.
        .setBehavior(SeekInfo.SeekBehavior.FAIL_IF_NOT_READY)
        .build();
    ByteString payload = Payload.newBuilder()
        .setHeader(Header.newBuilder().setChannelHeader(ch.toByteString()).setSignatureHeader(sh.toByteString()))
        .setData(info.toByteString())
        .build()
        .toByteString();
    return Envelope.newBuilder()
        .setPayload(payload)
        .setSignature(ByteString.copyFrom(signer.sign(payload.toByteArray())))
        .build();
  }
}
