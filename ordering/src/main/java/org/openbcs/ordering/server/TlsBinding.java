package org.openbcs.ordering.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.openbcs.common.bytes.Hex;
import org.openbcs.crypto.CryptoSuite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fabric's binding of a request to the TLS session it arrived on: a channel header that carries a
 * {@code tls_cert_hash} claims that the signer sent it over a connection authenticated with that
 * client certificate, so a request captured from one session cannot be replayed on another. The
 * hash is the channel's crypto suite hash of the DER client certificate (SHA-256 for ecdsa-p256,
 * as in Fabric). A header without a hash is not bound (Fabric SDK clients that do not use mutual
 * TLS leave it empty); the listener's client authentication decides whether such a session exists.
 *
 * <p>One instance per gRPC stream, read from the call's context by {@link #ofCurrentCall()}.
 */
final class TlsBinding {
  private static final Logger log = LoggerFactory.getLogger(TlsBinding.class);

  private static final Context.Key<byte[]> CLIENT_CERTIFICATE = Context.key("openbcs-tls-client-certificate");

  /** DER of the client's leaf certificate; null when the client presented none (or plaintext). */
  private final byte[] clientCertificate;
  /** The certificate's hash under {@link #hashSuite}; computed once per stream. */
  private byte[] clientCertificateHash;
  private String hashSuite;

  private TlsBinding(byte[] clientCertificate) {
    this.clientCertificate = clientCertificate;
  }

  /** Puts the TLS session's client certificate into each call's context. */
  static ServerInterceptor captureClientCertificate() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        byte[] der = clientCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (der == null) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(CLIENT_CERTIFICATE, der), call, headers, next);
      }
    };
  }

  /** The binding of the gRPC call running on this thread (service methods run in its context). */
  static TlsBinding ofCurrentCall() {
    return new TlsBinding(CLIENT_CERTIFICATE.get());
  }

  /** For requests that did not arrive over gRPC, or tests: a session with this certificate. */
  static TlsBinding of(byte[] clientCertificateDer) {
    return new TlsBinding(clientCertificateDer == null ? null : clientCertificateDer.clone());
  }

  boolean hasClientCertificate() {
    return clientCertificate != null;
  }

  /**
   * Refuses (BAD_REQUEST, as Fabric's deliver does) a header whose non-empty {@code tls_cert_hash}
   * is not the hash of this session's client certificate.
   */
  void check(ChannelHeader header, CryptoSuite suite) {
    byte[] claimed = header.getTlsCertHash().toByteArray();
    if (claimed.length == 0) {
      return;
    }
    if (clientCertificate == null) {
      throw refused(
          header,
          "request is bound to TLS client certificate hash " + Hex.encode(claimed)
              + " but the connection has no TLS client certificate");
    }
    byte[] actual = hash(suite);
    if (!MessageDigest.isEqual(claimed, actual)) {
      throw refused(
          header,
          "claimed TLS client certificate hash " + Hex.encode(claimed)
              + " does not match the hash " + Hex.encode(actual)
              + " of the connection's TLS client certificate");
    }
  }

  private byte[] hash(CryptoSuite suite) {
    // All channels of an orderer share its suite, but a stream may name several channels.
    if (!suite.name().equals(hashSuite)) {
      clientCertificateHash = suite.hash(clientCertificate);
      hashSuite = suite.name();
    }
    return clientCertificateHash;
  }

  private static RequestException refused(ChannelHeader header, String reason) {
    // Deliver statuses carry no text, so the reason is only visible to operators in this log.
    log.warn("channel={} tx={} refused: {}", header.getChannelId(), header.getTxId(), reason);
    return new RequestException(Status.BAD_REQUEST, reason);
  }

  private static byte[] clientCertificate(SSLSession session) {
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain.length == 0) {
      return null;
    }
    try {
      return chain[0].getEncoded();
    } catch (CertificateEncodingException e) {
      // The TLS stack parsed and verified it, so it re-encodes; if not, the session is unusable.
      throw new IllegalStateException("verified TLS client certificate cannot be DER-encoded", e);
    }
  }
}
