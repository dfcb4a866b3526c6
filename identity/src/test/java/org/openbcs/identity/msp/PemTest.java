package org.openbcs.identity.msp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.openbcs.crypto.encoding.Pem;

class PemTest {
  @Property(tries = 100)
  void bundlesRoundTrip(@ForAll @Size(max = 300) byte[] a, @ForAll @Size(max = 300) byte[] b) {
    String bundle =
        "# leading text\n" + Pem.encode("CERTIFICATE", a) + "\r\n" + Pem.encode("X509 CRL", b);
    List<Pem.Block> blocks = Pem.decodeAll(bundle.getBytes(StandardCharsets.US_ASCII));
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).label()).isEqualTo("CERTIFICATE");
    assertThat(blocks.get(0).der()).isEqualTo(a);
    assertThat(blocks.get(1).label()).isEqualTo("X509 CRL");
    assertThat(blocks.get(1).der()).isEqualTo(b);
    assertThat(blocks.get(1).text()).isEqualTo(Pem.encode("X509 CRL", b));
  }
}
