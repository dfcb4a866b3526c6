package org.openbcs.identity.ca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CRLHolder;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.Role;
import org.openbcs.identity.msp.MspYaml;
import org.openbcs.crypto.encoding.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An organisation's CA and TLS CA in Fabric cryptogen's layout: {@code <orgDir>/ca}, {@code
 * <orgDir>/tlsca} and the verifying MSP {@code <orgDir>/msp}. Issues MSP identities with NodeOU
 * roles and TLS certificates, and revokes identities through the MSP's CRL.
 */
public final class OrgCa {
  /** Validity of the CA and TLS CA certificates. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** Validity of issued identity and TLS certificates. */
  public static final Duration LEAF_VALIDITY = Duration.ofDays(365);

  /** Certificates start this far in the past so nodes with a slightly slow clock accept them. */
  public static final Duration BACKDATE = Duration.ofMinutes(5);

  static final String KEY_FILE = "priv_sk";
  static final String CRL_FILE = "crl.pem";

  private static final Pattern DOMAIN =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
  private static final Logger log = LoggerFactory.getLogger(OrgCa.class);

  private final Path orgDir;
  private final String mspId;
  private final String domain;
  private final CryptoSuite suite;
  private final TimeSource time;
  private final CaKey ca;
  private final CaKey tlsCa;
  private final CertificateIssuer issuer;

  private OrgCa(
      Path orgDir,
      String mspId,
      String domain,
      CryptoSuite suite,
      TimeSource time,
      CaKey ca,
      CaKey tlsCa,
      CertificateIssuer issuer) {
    this.orgDir = orgDir;
    this.mspId = mspId;
    this.domain = domain;
    this.suite = suite;
    this.time = time;
    this.ca = ca;
    this.tlsCa = tlsCa;
    this.issuer = issuer;
  }

  /**
   * Creates <orgDir>/ca (CA key+cert), <orgDir>/tlsca (TLS CA key+cert), and the org's verifying
   * MSP <orgDir>/msp (cacerts, tlscacerts, config.yaml NodeOUs, admincerts empty, crls empty).
   * Idempotent: fails clearly if it already exists.
   */
  public static OrgCa create(
      Path orgDir, String mspId, String domain, CryptoSuite suite, TimeSource time) {
    requireMspId(mspId);
    if (domain == null || !DOMAIN.matcher(domain).matches()) {
      throw new CaException(
          "invalid domain '" + domain + "': expected a DNS name such as org1.example.com");
    }
    for (String sub : List.of("ca", "tlsca", "msp")) {
      if (Files.exists(orgDir.resolve(sub))) {
        throw new CaException(
            "organisation CA already exists at "
                + orgDir
                + " ("
                + sub
                + "/ is present); remove it"
                + " to start over, or use 'bcs ca issue' to issue identities");
      }
    }
    CertificateIssuer issuer = new CertificateIssuer(suite, new SecureRandom());
    Instant now = time.now();
    CaKey ca = newCa(issuer, suite, caSubject("ca." + domain, domain), now);
    CaKey tlsCa = newCa(issuer, suite, caSubject("tlsca." + domain, domain), now);
    writeCa(orgDir.resolve("ca"), caCertFile(domain), ca, suite);
    writeCa(orgDir.resolve("tlsca"), tlsCaCertFile(domain), tlsCa, suite);
    Path msp = orgDir.resolve("msp");
    writeVerifyingMsp(msp, domain, ca, tlsCa, suite);
    SecretFiles.createDirectories(msp.resolve("admincerts"));
    SecretFiles.createDirectories(msp.resolve("crls"));
    log.info("created CA and TLS CA of {} ({}) at {}", mspId, domain, orgDir);
    return new OrgCa(orgDir, mspId, domain, suite, time, ca, tlsCa, issuer);
  }

  /** Loads the CA created by {@link #create}; the domain is read back from the CA certificate. */
  public static OrgCa load(Path orgDir, String mspId, CryptoSuite suite, TimeSource time) {
    requireMspId(mspId);
    CaKey ca = readCa(orgDir.resolve("ca"), suite);
    CaKey tlsCa = readCa(orgDir.resolve("tlsca"), suite);
    X500Name subject =
        X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    RDN[] o = subject.getRDNs(BCStyle.O);
    if (o.length == 0) {
      throw new CaException(
          "CA certificate in " + orgDir.resolve("ca") + " has no O (domain) in its subject");
    }
    String domain = IETFUtils.valueToString(o[0].getFirst().getValue());
    return new OrgCa(
        orgDir,
        mspId,
        domain,
        suite,
        time,
        ca,
        tlsCa,
        new CertificateIssuer(suite, new SecureRandom()));
  }

  public Path orgMspDir() {
    return orgDir.resolve("msp");
  }

  public Path orgDir() {
    return orgDir;
  }

  public String mspId() {
    return mspId;
  }

  public String domain() {
    return domain;
  }

  public X509Certificate caCertificate() {
    return ca.certificate();
  }

  public X509Certificate tlsCaCertificate() {
    return tlsCa.certificate();
  }

  /**
   * The certificate's common name for {@code name}: names with a dot or '@' are taken as they are;
   * otherwise clients and admins become {@code name@domain} and peers and orderers {@code
   * name.domain}, as cryptogen names them.
   */
  public String commonName(String name, Role role) {
    if (name.contains(".") || name.contains("@")) {
      return name;
    }
    return switch (role) {
      case CLIENT, ADMIN -> name + "@" + domain;
      case PEER, ORDERER, MEMBER -> name + "." + domain;
    };
  }

  /**
   * Issues an identity with OU = role (client/peer/admin/orderer) and a TLS cert from the TLS CA
   * (SANs: hostnames + "localhost" + "127.0.0.1"); writes
   * <dir>/msp/{cacerts,tlscacerts,signcerts,keystore,config.yaml} and
   * <dir>/tls/{ca.crt,server.crt,server.key} (also client.crt/client.key copies for clients).
   * Returns <dir>.
   */
  public Path issue(String name, Role role, List<String> hostnames, Path dir) {
    if (role == Role.MEMBER) {
      throw new CaException(
          "cannot issue a MEMBER identity: choose client, peer, admin or orderer");
    }
    if (name == null || !NAME.matcher(name).matches()) {
      throw new CaException("invalid identity name '" + name + "'");
    }
    if (Files.exists(dir.resolve("msp")) || Files.exists(dir.resolve("tls"))) {
      throw new CaException("identity already exists at " + dir + " (msp/ or tls/ present)");
    }
    String cn = commonName(name, role);
    String ou = role.name().toLowerCase(Locale.ROOT);
    Instant now = time.now();
    Instant notBefore = now.minus(BACKDATE);
    Instant notAfter = min(now.plus(LEAF_VALIDITY), ca.certificate().getNotAfter().toInstant());

    KeyPair signKeys = suite.generateKeyPair();
    X509Certificate signCert =
        issuer.issue(
            ca,
            leafSubject(cn, ou),
            signKeys.getPublic(),
            notBefore,
            notAfter,
            CertificateIssuer.Usage.SIGNING,
            List.of());
    KeyPair tlsKeys = suite.generateKeyPair();
    X509Certificate tlsCert =
        issuer.issue(
            tlsCa,
            leafSubject(cn, null),
            tlsKeys.getPublic(),
            notBefore,
            min(notAfter, tlsCa.certificate().getNotAfter().toInstant()),
            CertificateIssuer.Usage.TLS,
            tlsHostnames(cn, hostnames));

    Path msp = dir.resolve("msp");
    writeVerifyingMsp(msp, domain, ca, tlsCa, suite);
    SecretFiles.writeNew(
        msp.resolve("signcerts").resolve(cn + "-cert.pem"), suite.encodeCertificatePem(signCert));
    SecretFiles.writeSecret(
        msp.resolve("keystore").resolve(KEY_FILE),
        suite.encodePrivateKeyPem(signKeys.getPrivate()));

    Path tls = dir.resolve("tls");
    String tlsCertPem = suite.encodeCertificatePem(tlsCert);
    String tlsKeyPem = suite.encodePrivateKeyPem(tlsKeys.getPrivate());
    SecretFiles.writeNew(tls.resolve("ca.crt"), suite.encodeCertificatePem(tlsCa.certificate()));
    SecretFiles.writeNew(tls.resolve("server.crt"), tlsCertPem);
    SecretFiles.writeSecret(tls.resolve("server.key"), tlsKeyPem);
    if (role == Role.CLIENT || role == Role.ADMIN) {
      SecretFiles.writeNew(tls.resolve("client.crt"), tlsCertPem);
      SecretFiles.writeSecret(tls.resolve("client.key"), tlsKeyPem);
    }
    log.info(
        "issued {} identity {} of {} (serial {}) into {}",
        ou,
        cn,
        mspId,
        signCert.getSerialNumber(),
        dir);
    return dir;
  }

  /**
   * Revokes a certificate: appends it to the CA's CRL, written to <orgDir>/msp/crls/crl.pem (and
   * returned). Read-modify-write of the CRL file: serialised within this object; run one {@code bcs
   * ca revoke} at a time per organisation.
   */
  public synchronized Path revoke(X509Certificate certificate) {
    if (!CertificateIssuer.issuedBy(certificate, ca.certificate())) {
      throw new CaException(
          "certificate "
              + certificate.getSubjectX500Principal().getName()
              + " (serial "
              + certificate.getSerialNumber()
              + ") was not issued by the CA of "
              + mspId
              + " ("
              + ca.certificate().getSubjectX500Principal().getName()
              + ")");
    }
    Path crlFile = orgMspDir().resolve("crls").resolve(CRL_FILE);
    X509CRLHolder previous = Files.exists(crlFile) ? readCrl(crlFile) : null;
    X509CRLHolder crl = issuer.crl(ca, previous, certificate.getSerialNumber(), time.now());
    try {
      SecretFiles.replace(crlFile, Pem.encode("X509 CRL", crl.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode CRL", e);
    }
    log.info(
        "revoked serial {} ({}) of {}; CRL {}",
        certificate.getSerialNumber(),
        certificate.getSubjectX500Principal(),
        mspId,
        crlFile);
    return crlFile;
  }

  private static X509CRLHolder readCrl(Path file) {
    try {
      List<Pem.Block> blocks = Pem.decodeAll(Files.readAllBytes(file));
      if (blocks.size() != 1 || !blocks.get(0).label().equals("X509 CRL")) {
        throw new CaException(file + " does not hold exactly one PEM X509 CRL");
      }
      return new X509CRLHolder(blocks.get(0).der());
    } catch (IOException e) {
      throw new CaException("cannot read CRL " + file + ": " + e.getMessage(), e);
    }
  }

  private static CaKey newCa(
      CertificateIssuer issuer, CryptoSuite suite, X500Name subject, Instant now) {
    KeyPair keys = suite.generateKeyPair();
    X509Certificate cert =
        issuer.selfSignedCa(keys, subject, now.minus(BACKDATE), now.plus(CA_VALIDITY));
    return new CaKey(cert, keys.getPrivate());
  }

  private static void writeCa(Path dir, String certFile, CaKey ca, CryptoSuite suite) {
    SecretFiles.writeNew(dir.resolve(certFile), suite.encodeCertificatePem(ca.certificate()));
    SecretFiles.writeSecret(dir.resolve(KEY_FILE), suite.encodePrivateKeyPem(ca.privateKey()));
  }

  /** The public part every MSP folder shares: CA and TLS CA certificates and the NodeOUs config. */
  private static void writeVerifyingMsp(
      Path msp, String domain, CaKey ca, CaKey tlsCa, CryptoSuite suite) {
    SecretFiles.writeNew(
        msp.resolve("cacerts").resolve(caCertFile(domain)),
        suite.encodeCertificatePem(ca.certificate()));
    SecretFiles.writeNew(
        msp.resolve("tlscacerts").resolve(tlsCaCertFile(domain)),
        suite.encodeCertificatePem(tlsCa.certificate()));
    SecretFiles.writeNew(
        msp.resolve("config.yaml"), MspYaml.nodeOusConfig("cacerts/" + caCertFile(domain)));
  }

  private static CaKey readCa(Path dir, CryptoSuite suite) {
    if (!Files.isDirectory(dir)) {
      throw new CaException("no CA at " + dir + "; create it with 'bcs ca init'");
    }
    List<Path> certs = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith("-cert.pem")).sorted().forEach(certs::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    if (certs.size() != 1) {
      throw new CaException(
          "expected exactly one *-cert.pem in " + dir + ", found " + certs.size());
    }
    try {
      X509Certificate cert = suite.parseCertificate(Files.readAllBytes(certs.get(0)));
      PrivateKey key = suite.decodePrivateKey(Files.readAllBytes(dir.resolve(KEY_FILE)));
      byte[] probe = "openbcs CA key check".getBytes(StandardCharsets.US_ASCII);
      if (!suite.verify(cert.getPublicKey(), probe, suite.sign(key, probe))) {
        throw new CaException(
            "the key " + dir.resolve(KEY_FILE) + " does not belong to " + certs.get(0));
      }
      return new CaKey(cert, key);
    } catch (IOException e) {
      throw new CaException("cannot read CA in " + dir + ": " + e.getMessage(), e);
    } catch (CryptoException e) {
      throw new CaException("malformed CA material in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<String> tlsHostnames(String cn, List<String> hostnames) {
    List<String> out = new ArrayList<>();
    if (DOMAIN.matcher(cn).matches()) {
      out.add(cn);
    }
    out.addAll(hostnames);
    out.add("localhost");
    out.add("127.0.0.1");
    return out;
  }

  private static X500Name caSubject(String cn, String domain) {
    return base().addRDN(BCStyle.O, domain).addRDN(BCStyle.CN, cn).build();
  }

  private static X500Name leafSubject(String cn, String ou) {
    X500NameBuilder b = base();
    if (ou != null) {
      b.addRDN(BCStyle.OU, ou);
    }
    return b.addRDN(BCStyle.CN, cn).build();
  }

  private static X500NameBuilder base() {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.C, "US")
        .addRDN(BCStyle.ST, "California")
        .addRDN(BCStyle.L, "San Francisco");
  }

  static String caCertFile(String domain) {
    return "ca." + domain + "-cert.pem";
  }

  static String tlsCaCertFile(String domain) {
    return "tlsca." + domain + "-cert.pem";
  }

  private static void requireMspId(String mspId) {
    if (mspId == null || mspId.isBlank()) {
      throw new CaException("an MSP id is required, e.g. Org1MSP");
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
