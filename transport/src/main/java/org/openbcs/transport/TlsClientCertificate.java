package org.openbcs.transport;

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
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.openbcs.common.bytes.Hex;
import org.openbcs.crypto.CryptoSuite;

/**
 * The TLS client certificate of the connection a gRPC call arrived on, and Fabric's binding check
 * against it: a channel header that carries a {@code tls_cert_hash} claims that its signer sent it
 * over a connection authenticated with that client certificate, so a request captured from one
 * session cannot be replayed on another. The hash is the channel's crypto suite hash of the DER
 * certificate (SHA-256 for ecdsa-p256, as in Fabric). An empty hash is not bound (SDK clients that
 * do not use mutual TLS leave it empty); the listener's client authentication decides whether such
 * a session exists. Orderers and peers both check it on Deliver.
 *
 * <p>One instance per gRPC stream, read from the call's context by {@link #ofCurrentCall()}.
 */
public final class TlsClientCertificate {
  private static final Context.Key<byte[]> CLIENT_CERTIFICATE = Context.key("openbcs-tls-client-certificate");

  /** DER of the client's leaf certificate; null when the client presented none (or plaintext). */
  private final byte[] der;
  private byte[] hash;
  private String hashSuite;

  private TlsClientCertificate(byte[] der) {
    this.der = der;
  }

  /** Puts the TLS session's client certificate into each call's context; install on every server. */
  public static ServerInterceptor captureClientCertificate() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        byte[] der = leaf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (der == null) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(CLIENT_CERTIFICATE, der), call, headers, next);
      }
    };
  }

  /** The certificate of the gRPC call running on this thread (service methods run in its context). */
  public static TlsClientCertificate ofCurrentCall() {
    return new TlsClientCertificate(CLIENT_CERTIFICATE.get());
  }

  /** For requests that did not arrive over gRPC, or tests: a session with this certificate. */
  public static TlsClientCertificate of(byte[] der) {
    return new TlsClientCertificate(der == null ? null : der.clone());
  }

  public boolean present() {
    return der != null;
  }

  /**
   * Why a request claiming {@code claimedHash} may not be served on this connection, or empty when
   * it may (an empty claim, or the hash of this connection's certificate).
   */
  public synchronized Optional<String> bindingMismatch(byte[] claimedHash, CryptoSuite suite) {
    if (claimedHash.length == 0) {
      return Optional.empty();
    }
    if (der == null) {
      return Optional.of("request is bound to TLS client certificate hash " + Hex.encode(claimedHash)
          + " but the connection has no TLS client certificate");
    }
    // Channels of one node may use different suites, and a stream may name several channels.
    if (!suite.name().equals(hashSuite)) {
      hash = suite.hash(der);
      hashSuite = suite.name();
    }
    if (!MessageDigest.isEqual(claimedHash, hash)) {
      return Optional.of("claimed TLS client certificate hash " + Hex.encode(claimedHash)
          + " does not match the hash " + Hex.encode(hash) + " of the connection's TLS client certificate");
    }
    return Optional.empty();
  }

  private static byte[] leaf(SSLSession session) {
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
