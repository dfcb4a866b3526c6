package org.openbcs.fbft.ordering;

import com.google.protobuf.ByteString;
import io.grpc.ServerServiceDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.fbft.CryptoAuthenticator;
import org.openbcs.fbft.message.MessageCodec;
import org.openbcs.fbft.protocol.FbftConfig;
import org.openbcs.fbft.protocol.FbftReplica;
import org.openbcs.fbft.wal.FileWal;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.ordering.server.OrdererConfig;
import org.openbcs.ordering.spi.ChainSupport;
import org.openbcs.ordering.spi.Consenter;
import org.openbcs.ordering.spi.ConsenterFactory;

/**
 * Consensus type "fbft" for one orderer node. Per channel: the replicas are the channel's consenter
 * set, ordered by consenter id (or, for a channel without one, the orderer endpoints with the
 * operator's {@code fbft.peer-certs}; see {@link ReplicaSet}), n >= 4; the WAL is {@code
 * <data>/fbft/<channel>/wal}. The factory also owns the node's FBFT gRPC service, which
 * the orderer serves on its own port (see {@link #services()}).
 */
public final class FbftConsenterFactory implements ConsenterFactory {
  public static final String TYPE = "fbft";
  /** HotStuff needs n = 3f + 1 with f >= 1 to tolerate anything. */
  public static final int MIN_REPLICAS = 4;
  /** A peer orderer's Deliver that sends nothing for this long is abandoned for the next (R3.8). */
  static final long TRANSFER_RESPONSE_TIMEOUT_MILLIS = 10_000;

  private final OrdererConfig node;
  private final FbftOptions options;
  private final FbftInbound inbound = new FbftInbound();

  public FbftConsenterFactory(OrdererConfig node, FbftOptions options) {
    this.node = node;
    this.options = options;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<ServerServiceDefinition> services() {
    return List.of(inbound.service());
  }

  @Override
  public Consenter create(ChainSupport chain) {
    ChannelConfig cc = chain.config();
    String ch = chain.channelId();
    CryptoSuite suite = CryptoSuites.byName(cc.cryptoSuite());
    ReplicaSet replicas = ReplicaSet.of(cc, options, suite);
    List<String> endpoints = replicas.endpoints();
    if (endpoints.size() < MIN_REPLICAS) {
      throw new IllegalArgumentException("channel '" + ch + "' uses fbft with " + endpoints.size()
          + " orderers; fbft needs at least " + MIN_REPLICAS);
    }
    if (node.tlsDir() == null) {
      throw new IllegalArgumentException("fbft needs TLS between orderers: start the orderer with a TLS directory");
    }
    SigningIdentity me = MspDirectory.loadSigningIdentity(node.mspDir(), node.mspId(), suite);
    List<X509Certificate> certs = replicas.certificates();
    int self = selfIndex(ch, endpoints, certs, me.certificate());
    List<PublicKey> keys = certs.stream().map(X509Certificate::getPublicKey).toList();

    FbftConfig config = FbftConfig.defaults(endpoints.size())
        .withBaseTimeout(options.baseTimeoutMillis())
        .withBlockEnvelopes(cc.batch().maxMessageCount())
        .withRetainBlocks(options.retainBlocks())
        .withBatches(options.batches());
    UnaryOperator<byte[]> hash = suite::hash;
    CryptoAuthenticator auth = new CryptoAuthenticator(self, me.privateKey(), keys, suite);
    FbftReplica replica = new FbftReplica(config, auth, hash);
    Path stateDir = node.dataDir().resolve("fbft").resolve(ch);
    Path tlsDir = node.tlsDir();
    GrpcPeerTransport.ClientTls tls = new GrpcPeerTransport.ClientTls(
        trustBundle(stateDir, tlsDir.resolve("ca.crt"), cc), tlsDir.resolve("server.crt"), tlsDir.resolve("server.key"));
    // Frames older than four base timeouts belong to rounds every live replica has left.
    GrpcPeerTransport transport = new GrpcPeerTransport(
        ch, self, endpoints, tls, 4 * options.baseTimeoutMillis(), () -> System.nanoTime() / 1_000_000);
    FileWal wal;
    try {
      wal = new FileWal(stateDir.resolve("wal"), hash);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
    DeliverFetcher fetcher = new DeliverFetcher(ch, me, tls, TRANSFER_RESPONSE_TIMEOUT_MILLIS);
    return new FbftConsenter(chain, config, replica, new MessageCodec(config.codecLimits(), hash), wal, transport,
        inbound, stateDir, options.idleBlockIntervalMillis(),
        new FbftConsenter.TransferPorts(suite, endpoints, fetcher, auth));
  }

  /** The configured endpoint's index, checked against the certificate list (or found from it). */
  private int selfIndex(String ch, List<String> endpoints, List<X509Certificate> certs, X509Certificate mine) {
    byte[] own = der(mine);
    int byCert = -1;
    for (int i = 0; i < certs.size(); i++) {
      if (Arrays.equals(der(certs.get(i)), own)) {
        byCert = i;
        break;
      }
    }
    if (options.selfEndpoint().isEmpty()) {
      if (byCert < 0) {
        throw new IllegalArgumentException("channel '" + ch + "': this orderer's signing certificate is not in the"
            + " channel's consenter set (or " + FbftOptions.PEER_CERTS + ")");
      }
      return byCert;
    }
    String endpoint = options.selfEndpoint().get();
    int byEndpoint = endpoints.indexOf(endpoint);
    if (byEndpoint < 0) {
      throw new IllegalArgumentException("channel '" + ch + "': " + FbftOptions.ENDPOINT + " " + endpoint
          + " is not one of its orderer endpoints " + endpoints);
    }
    if (byEndpoint != byCert) {
      throw new IllegalArgumentException("channel '" + ch + "': endpoint " + endpoint + " is replica " + byEndpoint
          + " but " + FbftOptions.PEER_CERTS + "[" + byEndpoint + "] is not this orderer's signing certificate");
    }
    return byEndpoint;
  }

  /** Roots for dialling other orderers: our TLS CA and every orderer org's TLS roots in the channel. */
  private static Path trustBundle(Path stateDir, Path ownCa, ChannelConfig cc) {
    ByteArrayOutputStream pem = new ByteArrayOutputStream();
    appendPem(pem, read(ownCa));
    for (ChannelConfig.OrgSpec org : cc.ordererOrgs()) {
      for (ByteString cert : org.msp().getTlsRootCertsList()) {
        appendPem(pem, cert.toByteArray());
      }
      for (ByteString cert : org.msp().getTlsIntermediateCertsList()) {
        appendPem(pem, cert.toByteArray());
      }
    }
    try {
      Files.createDirectories(stateDir);
      Path target = stateDir.resolve("tls-peer-roots.pem");
      Files.write(target, pem.toByteArray());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write FBFT TLS roots in " + stateDir, e);
    }
  }

  private static void appendPem(ByteArrayOutputStream out, byte[] pem) {
    out.writeBytes(pem);
    if (pem.length > 0 && pem[pem.length - 1] != '\n') {
      out.write('\n');
    }
  }

  private static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("unencodable certificate " + c.getSubjectX500Principal(), e);
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

}
