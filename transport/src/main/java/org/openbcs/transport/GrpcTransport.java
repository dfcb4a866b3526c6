package org.openbcs.transport;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * gRPC servers and channels as every OpenBCS node uses them: TLS with the organisation TLS CAs
 * (mutual between nodes), a 100 MiB message limit, and a keepalive policy that accepts the pings
 * Fabric clients and Caliper send (every 120 s, also without calls) instead of answering them with
 * GOAWAY too_many_pings.
 */
public final class GrpcTransport {
  /** Fabric's default maximum gRPC message size. */
  public static final int MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

  /**
   * HTTP/2 flow-control window per stream, fixed. A fixed window turns off grpc-java's BDP
   * auto-tuning, which sends a PING with many reads to estimate bandwidth: on loopback and LAN links
   * with many small messages (the shim's GET/PUT_STATE, ProcessProposal) that is per-message work
   * for nothing; 2 MiB covers a 10 MiB block in a few window updates.
   */
  public static final int FLOW_CONTROL_WINDOW_BYTES = 2 * 1024 * 1024;

  /** Clients may ping this often; Fabric's peer.keepalive.minInterval is 60 s. */
  public static final long PERMIT_KEEPALIVE_SECONDS = 30;

  private GrpcTransport() {}

  /** TLS material of one node: its certificate and key, and the CA certificates it trusts. */
  public record TlsFiles(Path certificate, Path privateKey, Path trustedRoots) {
    /** Fabric's layout: {@code tls/server.crt}, {@code tls/server.key}, {@code tls/ca.crt}. */
    public static TlsFiles fabricLayout(Path tlsDir) {
      return new TlsFiles(
          tlsDir.resolve("server.crt"), tlsDir.resolve("server.key"), tlsDir.resolve("ca.crt"));
    }
  }

  /**
   * A server builder on {@code host:port} (port 0 = ephemeral). With {@code tls} null the server
   * is plaintext (tests of the transport only). With {@code tls.trustedRoots} the server asks for a
   * client certificate and fails the handshake when a presented one does not chain to those roots;
   * {@code requireClientAuth} also fails it when none is presented. Without trusted roots the
   * server authenticates itself only, and cannot require client certificates.
   */
  public static NettyServerBuilder serverBuilder(
      String host, int port, TlsFiles tls, boolean requireClientAuth) {
    if (requireClientAuth && (tls == null || tls.trustedRoots() == null)) {
      // Silently serving without client authentication would pass for mutual TLS.
      throw new IllegalArgumentException(
          "requiring TLS client certificates on " + host + ":" + port + " needs TLS with trusted roots, got " + tls);
    }
    ServerCredentials credentials;
    if (tls == null) {
      credentials = InsecureServerCredentials.create();
    } else {
      try {
        TlsServerCredentials.Builder b =
            TlsServerCredentials.newBuilder()
                .keyManager(tls.certificate().toFile(), tls.privateKey().toFile());
        if (tls.trustedRoots() != null) {
          b.trustManager(tls.trustedRoots().toFile());
          b.clientAuth(
              requireClientAuth
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.OPTIONAL);
        }
        credentials = b.build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load TLS material " + tls, e);
      }
    }
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
        .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  /**
   * A client channel to {@code host:port}. {@code trustedRoots} null means plaintext; {@code
   * clientCert}/{@code clientKey} non-null present a client certificate (mutual TLS between nodes).
   * Calls are not retried by gRPC: callers decide (see the comment inside).
   */
  public static ManagedChannel channel(
      String host, int port, Path trustedRoots, Path clientCert, Path clientKey) {
    ChannelCredentials credentials;
    if (trustedRoots == null) {
      credentials = InsecureChannelCredentials.create();
    } else {
      try {
        TlsChannelCredentials.Builder b =
            TlsChannelCredentials.newBuilder().trustManager(trustedRoots.toFile());
        if (clientCert != null && clientKey != null) {
          b.keyManager(clientCert.toFile(), clientKey.toFile());
        }
        credentials = b.build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load TLS material for " + host + ":" + port, e);
      }
    }
    return NettyChannelBuilder.forAddress(host, port, credentials)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
        // Node-to-node callers fail over themselves (the gateway to the next orderer or peer), and
        // gRPC's transparent-retry machinery buffers every message of every call to be able to
        // replay it: a measurable share of a peer's CPU per remote call.
        .disableRetry()
        .keepAliveTime(60, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }
}
