package org.openbcs.fbft.ordering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.ordering.channel.ChannelConfig;

/**
 * The replicas of a channel, in replica order: their endpoints and signing certificates.
 *
 * <p>The channel configuration's consenter set (Fabric's {@code Orderers} value, ordered by
 * consenter id) is the source when it has one, so every orderer takes the same set from the same
 * agreed genesis block. Without it (channels created before the set was written), the operator's
 * {@code fbft.peer-certs} list, ordered as the channel's orderer endpoints, is used. Giving both and
 * having them disagree is refused: two sources of trust that differ are a misconfiguration.
 */
record ReplicaSet(List<String> endpoints, List<X509Certificate> certificates) {
  ReplicaSet {
    endpoints = List.copyOf(endpoints);
    certificates = List.copyOf(certificates);
    if (endpoints.size() != certificates.size()) {
      throw new IllegalArgumentException(endpoints.size() + " endpoints for " + certificates.size() + " certificates");
    }
  }

  int size() {
    return endpoints.size();
  }

  static ReplicaSet of(ChannelConfig config, FbftOptions options, CryptoSuite suite) {
    String ch = config.channelId();
    List<X509Certificate> fromOptions = new ArrayList<>();
    for (Path p : options.peerCerts()) {
      fromOptions.add(suite.parseCertificate(read(p)));
    }
    if (config.consenters().isEmpty()) {
      if (fromOptions.size() != config.ordererEndpoints().size()) {
        throw new IllegalArgumentException("channel '" + ch + "' has no consenter set in its configuration and "
            + config.ordererEndpoints().size() + " orderer endpoints, but " + FbftOptions.PEER_CERTS + " lists "
            + fromOptions.size() + " certificates (one per endpoint, same order)");
      }
      return new ReplicaSet(config.ordererEndpoints(), fromOptions);
    }
    List<ChannelConfig.ConsenterSpec> consenters = new ArrayList<>(config.consenters());
    consenters.sort(Comparator.comparingInt(ChannelConfig.ConsenterSpec::id));
    List<String> endpoints = new ArrayList<>();
    List<X509Certificate> certs = new ArrayList<>();
    for (ChannelConfig.ConsenterSpec c : consenters) {
      endpoints.add(c.host() + ":" + c.port());
      try {
        certs.add(suite.parseCertificate(c.identity().toByteArray()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("channel '" + ch + "': consenter " + c.id()
            + " has an identity that is not a certificate: " + e.getMessage(), e);
      }
    }
    if (!fromOptions.isEmpty() && !sameCertificates(fromOptions, certs)) {
      throw new IllegalArgumentException("channel '" + ch + "': " + FbftOptions.PEER_CERTS
          + " differs from the consenter set in the channel configuration; drop the option (the"
          + " configuration is authoritative) or make them agree");
    }
    return new ReplicaSet(endpoints, certs);
  }

  private static boolean sameCertificates(List<X509Certificate> a, List<X509Certificate> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read certificate " + p, e);
    }
  }
}
