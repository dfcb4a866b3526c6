package org.openbcs.ordering.server;

import io.grpc.ServerInterceptor;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.transport.TlsClientCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orderer's use of Fabric's TLS binding ({@link TlsClientCertificate}): a Deliver request whose
 * channel header claims another connection's client certificate is refused with BAD_REQUEST, as
 * Fabric's deliver does. One instance per gRPC stream.
 */
final class TlsBinding {
  private static final Logger log = LoggerFactory.getLogger(TlsBinding.class);

  private final TlsClientCertificate certificate;

  private TlsBinding(TlsClientCertificate certificate) {
    this.certificate = certificate;
  }

  static ServerInterceptor captureClientCertificate() {
    return TlsClientCertificate.captureClientCertificate();
  }

  static TlsBinding ofCurrentCall() {
    return new TlsBinding(TlsClientCertificate.ofCurrentCall());
  }

  static TlsBinding of(byte[] clientCertificateDer) {
    return new TlsBinding(TlsClientCertificate.of(clientCertificateDer));
  }

  boolean hasClientCertificate() {
    return certificate.present();
  }

  /** Refuses a header whose non-empty {@code tls_cert_hash} is not this session's certificate's. */
  void check(ChannelHeader header, CryptoSuite suite) {
    Optional<String> mismatch = certificate.bindingMismatch(header.getTlsCertHash().toByteArray(), suite);
    if (mismatch.isPresent()) {
      // Deliver statuses carry no text, so the reason is only visible to operators in this log.
      log.warn("channel={} tx={} refused: {}", header.getChannelId(), header.getTxId(), mismatch.get());
      throw new RequestException(Status.BAD_REQUEST, mismatch.get());
    }
  }
}
