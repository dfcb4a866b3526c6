package org.openbcs.ordering.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.junit.jupiter.api.Test;
import org.openbcs.common.bytes.Hex;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;

class TlsBindingTest {
  private final CryptoSuite suite = CryptoSuites.defaultSuite();
  // The check hashes whatever DER the TLS stack handed over; any bytes stand in for it here.
  private final byte[] certificate = "client certificate DER".getBytes(StandardCharsets.UTF_8);

  @Test
  void anUnboundHeaderPassesWithOrWithoutAClientCertificate() {
    ChannelHeader unbound = ChannelHeader.newBuilder().setChannelId("mychannel").build();
    assertThatCode(() -> TlsBinding.of(certificate).check(unbound, suite)).doesNotThrowAnyException();
    assertThatCode(() -> TlsBinding.of(null).check(unbound, suite)).doesNotThrowAnyException();
  }

  @Test
  void theHashOfTheSessionsCertificatePasses() {
    assertThatCode(() -> TlsBinding.of(certificate).check(bound(suite.hash(certificate)), suite))
        .doesNotThrowAnyException();
  }

  @Test
  void anotherHashIsRefusedNamingBothHashes() {
    byte[] other = suite.hash("another certificate".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> TlsBinding.of(certificate).check(bound(other), suite))
        .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST))
        .hasMessage(
            "claimed TLS client certificate hash " + Hex.encode(other) + " does not match the hash "
                + Hex.encode(suite.hash(certificate)) + " of the connection's TLS client certificate");
  }

  @Test
  void aBoundHeaderOverASessionWithoutCertificateIsRefused() {
    byte[] claimed = suite.hash(certificate);
    assertThatThrownBy(() -> TlsBinding.of(null).check(bound(claimed), suite))
        .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST))
        .hasMessage(
            "request is bound to TLS client certificate hash " + Hex.encode(claimed)
                + " but the connection has no TLS client certificate");
  }

  private static ChannelHeader bound(byte[] hash) {
    return ChannelHeader.newBuilder().setChannelId("mychannel").setTxId("tx1").setTlsCertHash(ByteString.copyFrom(hash)).build();
  }
}
