package org.openbcs.transport;

import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.openbcs.crypto.CryptoSuite;

/**
 * A TLS client that presents its certificate whatever CAs the server says it accepts. A standard
 * key manager quietly sends no certificate when its issuer is not among them, which would make an
 * untrusted certificate look like a server-auth-only client; an attacker is not that polite.
 * Shared with other modules' tests through this module's test jar.
 */
public final class InsistentClientCertificate extends X509ExtendedKeyManager {
  private static final String ALIAS = "client";

  private final X509Certificate certificate;
  private final PrivateKey key;

  private InsistentClientCertificate(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A channel to {@code localhost:port} presenting {@code tlsDir/server.crt} unconditionally. */
  public static ManagedChannel channel(int port, Path trustedRoots, Path tlsDir, CryptoSuite suite) throws IOException {
    var keyManager =
        new InsistentClientCertificate(
            suite.parseCertificate(Files.readAllBytes(tlsDir.resolve("server.crt"))),
            suite.decodePrivateKey(Files.readAllBytes(tlsDir.resolve("server.key"))));
    TlsChannelCredentials.Builder credentials =
        TlsChannelCredentials.newBuilder().trustManager(trustedRoots.toFile()).keyManager(keyManager);
    return NettyChannelBuilder.forAddress("localhost", port, credentials.build()).build();
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return new X509Certificate[] {certificate};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return key;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
