package org.openbcs.fbft.ordering;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.openbcs.fbft.ordering.FbftWire.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of orderer-to-orderer FBFT traffic on one node: routes frames to the channel's
 * consenter. Callers must present a TLS client certificate (the orderer port also serves
 * server-auth-only clients, so the check is per method); the trust bundle admits the channel orgs'
 * TLS CAs. The frame's sender index is not bound to that certificate: every FBFT message is signed
 * and verified by the replica, so a lying sender can only cause counted drops.
 */
public final class FbftInbound {
  private static final Logger log = LoggerFactory.getLogger(FbftInbound.class);

  private final Map<String, Consumer<Frame>> channels = new ConcurrentHashMap<>();

  void register(String channelId, Consumer<Frame> sink) {
    if (channels.putIfAbsent(channelId, sink) != null) {
      throw new IllegalStateException("two FBFT consenters for channel " + channelId + " on one orderer");
    }
  }

  void unregister(String channelId, Consumer<Frame> sink) {
    channels.remove(channelId, sink);
  }

  public ServerServiceDefinition service() {
    ServerServiceDefinition def = ServerServiceDefinition.builder(FbftWire.SERVICE)
        .addMethod(FbftWire.SEND, ServerCalls.asyncUnaryCall((byte[] req, io.grpc.stub.StreamObserver<byte[]> resp) -> {
          FbftWire.decode(req).ifPresentOrElse(this::route, () -> log.debug("malformed FBFT frame of {} bytes", req.length));
          resp.onNext(new byte[0]);
          resp.onCompleted();
        }))
        .build();
    return ServerInterceptors.intercept(def, new RequireClientCertificate());
  }

  private void route(Frame f) {
    Consumer<Frame> sink = channels.get(f.channelId());
    if (sink != null) {
      sink.accept(f);
    }
  }

  /** Rejects calls without a verified TLS client certificate (mutual TLS between orderers). */
  private static final class RequireClientCertificate implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      boolean verified = false;
      if (session != null) {
        try {
          verified = session.getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
          verified = false;
        }
      }
      if (!verified) {
        call.close(Status.UNAUTHENTICATED.withDescription("FBFT transport requires a TLS client certificate"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }
}
