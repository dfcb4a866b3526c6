package org.openbcs.identity.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Role;
import org.openbcs.identity.TestClock;

/** The TLS key and certificates as OrgCa writes them work for grpc-java netty, with mutual TLS. */
class TlsSmokeTest {
  @TempDir Path tmp;

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("openbcs.test.Echo/Echo")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  @Test
  @Timeout(60)
  void mutualTlsWithIssuedCertificates() throws Exception {
    OrgCa ca =
        OrgCa.create(
            tmp.resolve("org1"),
            "Org1MSP",
            "org1.example.com",
            CryptoSuites.defaultSuite(),
            TestClock.at(Instant.now()));
    Path peer =
        ca.issue("peer0", Role.PEER, List.of("peer0.org1.example.com"), tmp.resolve("peer0"))
            .resolve("tls");
    Path admin = ca.issue("Admin", Role.ADMIN, List.of(), tmp.resolve("admin")).resolve("tls");

    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0),
                TlsServerCredentials.newBuilder()
                    .keyManager(
                        peer.resolve("server.crt").toFile(), peer.resolve("server.key").toFile())
                    .trustManager(peer.resolve("ca.crt").toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build())
            .addService(
                ServerServiceDefinition.builder("openbcs.test.Echo")
                    .addMethod(
                        ECHO,
                        ServerCalls.asyncUnaryCall(
                            (req, out) -> {
                              out.onNext(req);
                              out.onCompleted();
                            }))
                    .build())
            .build()
            .start();
    ManagedChannel channel = null;
    try {
      channel =
          NettyChannelBuilder.forAddress(
                  "localhost",
                  server.getPort(),
                  TlsChannelCredentials.newBuilder()
                      .trustManager(admin.resolve("ca.crt").toFile())
                      .keyManager(
                          admin.resolve("client.crt").toFile(),
                          admin.resolve("client.key").toFile())
                      .build())
              .build();
      byte[] reply =
          ClientCalls.blockingUnaryCall(
              channel,
              ECHO,
              CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
              "ping".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("ping");
      assertThat(channel.getState(false)).isEqualTo(io.grpc.ConnectivityState.READY);
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
