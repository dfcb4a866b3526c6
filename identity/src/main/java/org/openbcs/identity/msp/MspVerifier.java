package org.openbcs.identity.msp;

import org.openbcs.crypto.encoding.Pem;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.FabricNodeOUs;
import org.hyperledger.fabric.protos.msp.FabricOUIdentifier;
import org.openbcs.common.Invariants;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.identity.Role;

/**
 * Validation rules of one X.509 MSP: chain to its CAs, validity period, CRLs and NodeOU roles. The
 * CA hierarchy and CRLs are checked once here, so validating an identity costs one signature
 * verification plus lookups.
 */
final class MspVerifier {
  /** A CA of the MSP, already verified to chain to a root. */
  private record Ca(X509Certificate cert, Ca parent, byte[] der) {}

  /** A node OU: the OU string and, when configured, the DER of the CA that must have issued it. */
  private record NodeOu(String ou, Role role, byte[] certifier) {}

  /**
   * A validated identity plus the window in which the whole chain is valid, for cache re-checks.
   */
  record Validated(Identity identity, long validFromMillis, long validUntilMillis) {
    boolean validAt(long nowMillis) {
      return nowMillis >= validFromMillis && nowMillis <= validUntilMillis;
    }
  }

  private final String mspId;
  private final Map<X500Principal, List<Ca>> casBySubject = new HashMap<>();
  private final Map<X500Principal, List<X509CRLHolder>> crlsByIssuer = new HashMap<>();
  private final Set<ByteBuffer> adminDers = new HashSet<>();
  private final Set<String> requiredOus = new HashSet<>();
  private final List<NodeOu> nodeOus = new ArrayList<>();
  private final boolean nodeOusEnabled;

  MspVerifier(FabricMSPConfig config, CryptoSuite suite) {
    this.mspId = config.getName();
    if (mspId.isEmpty()) {
      throw new IdentityException("MSP config without a name");
    }
    if (config.getRootCertsCount() == 0) {
      throw new IdentityException("MSP '" + mspId + "' has no root CA certificate");
    }
    for (ByteString pem : config.getRootCertsList()) {
      X509Certificate root = parse(suite, pem, "root CA");
      requireCa(root, "root");
      add(new Ca(root, null, der(root)));
    }
    linkIntermediates(config, suite);
    for (ByteString pem : config.getRevocationListList()) {
      addCrl(pem);
    }
    for (ByteString pem : config.getAdminsList()) {
      adminDers.add(ByteBuffer.wrap(der(parse(suite, pem, "admin"))));
    }
    for (FabricOUIdentifier ou : config.getOrganizationalUnitIdentifiersList()) {
      requiredOus.add(ou.getOrganizationalUnitIdentifier());
    }
    FabricNodeOUs n = config.getFabricNodeOus();
    this.nodeOusEnabled = config.hasFabricNodeOus() && n.getEnable();
    if (nodeOusEnabled) {
      addNodeOu(suite, n.hasClientOuIdentifier(), n.getClientOuIdentifier(), Role.CLIENT);
      addNodeOu(suite, n.hasPeerOuIdentifier(), n.getPeerOuIdentifier(), Role.PEER);
      addNodeOu(suite, n.hasAdminOuIdentifier(), n.getAdminOuIdentifier(), Role.ADMIN);
      addNodeOu(suite, n.hasOrdererOuIdentifier(), n.getOrdererOuIdentifier(), Role.ORDERER);
    }
  }

  String mspId() {
    return mspId;
  }

  /**
   * Validates {@code cert} as an identity of this MSP at {@code now}; throws with the precise
   * reason.
   */
  Validated validate(X509Certificate cert, byte[] serialized, Instant now) {
    if (cert.getBasicConstraints() != -1) {
      throw new IdentityException(
          "an X509 certificate with Basic Constraint: Certificate Authority equals true cannot be"
              + " used as an identity (MSP '"
              + mspId
              + "')");
    }
    Ca issuer = issuerOf(cert);
    if (issuer == null) {
      throw new IdentityException(
          "certificate not issued by a CA of MSP '"
              + mspId
              + "' (issuer "
              + cert.getIssuerX500Principal().getName()
              + ")");
    }
    long from = cert.getNotBefore().getTime();
    long until = cert.getNotAfter().getTime();
    checkTime(cert, now, "certificate");
    checkNotRevoked(cert, issuer);
    for (Ca ca = issuer; ca != null; ca = ca.parent()) {
      checkTime(ca.cert(), now, "CA certificate " + ca.cert().getSubjectX500Principal().getName());
      if (ca.parent() != null) {
        checkNotRevoked(ca.cert(), ca.parent());
      }
      from = Math.max(from, ca.cert().getNotBefore().getTime());
      until = Math.min(until, ca.cert().getNotAfter().getTime());
    }
    List<String> ous = organizationalUnits(cert);
    if (!requiredOus.isEmpty() && ous.stream().noneMatch(requiredOus::contains)) {
      throw new IdentityException(
          "none of the identity's organizational units " + ous + " is one of MSP '" + mspId + "'");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (nodeOusEnabled) {
      roles.add(nodeRole(ous, issuer));
    }
    if (adminDers.contains(ByteBuffer.wrap(der(cert)))) {
      roles.add(Role.ADMIN);
    }
    // The cache trusts this window instead of re-running the checks above.
    Invariants.check(
        from <= now.toEpochMilli() && now.toEpochMilli() <= until,
        "validated identity of MSP '%s' has validity window [%d, %d] excluding now %d",
        mspId,
        from,
        until,
        now.toEpochMilli());
    Identity identity = new Identity(mspId, cert, serialized, Set.copyOf(roles));
    return new Validated(identity, from, until);
  }

  private Role nodeRole(List<String> ous, Ca issuer) {
    Role found = null;
    for (NodeOu nodeOu : nodeOus) {
      if (!ous.contains(nodeOu.ou())) {
        continue;
      }
      if (nodeOu.certifier() != null && !Arrays.equals(nodeOu.certifier(), issuer.der())) {
        throw new IdentityException(
            "certifiersIdentifier does not match: OU '"
                + nodeOu.ou()
                + "' must be certified by another CA of MSP '"
                + mspId
                + "'");
      }
      if (found != null) {
        throw new IdentityException(
            "the identity must be a client, a peer, an orderer or an admin identity to be valid,"
                + " not a combination of them. OUs: "
                + ous
                + ", MSP: '"
                + mspId
                + "'");
      }
      found = nodeOu.role();
    }
    if (found == null) {
      throw new IdentityException(
          "the identity does not have a NodeOU role (client, peer, admin or orderer). OUs: "
              + ous
              + ", MSP: '"
              + mspId
              + "'");
    }
    return found;
  }

  private Ca issuerOf(X509Certificate cert) {
    for (Ca ca : casBySubject.getOrDefault(cert.getIssuerX500Principal(), List.of())) {
      if (signedBy(cert, ca.cert())) {
        return ca;
      }
    }
    return null;
  }

  private void checkTime(X509Certificate cert, Instant now, String what) {
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      throw new IdentityException(
          what + " not valid before " + cert.getNotBefore().toInstant() + " (MSP '" + mspId + "')");
    }
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      throw new IdentityException(
          what + " expired at " + cert.getNotAfter().toInstant() + " (MSP '" + mspId + "')");
    }
  }

  private void checkNotRevoked(X509Certificate cert, Ca issuer) {
    BigInteger serial = cert.getSerialNumber();
    for (X509CRLHolder crl :
        crlsByIssuer.getOrDefault(issuer.cert().getSubjectX500Principal(), List.of())) {
      if (crl.getRevokedCertificate(serial) != null) {
        throw new IdentityException("certificate serial " + serial + " revoked by " + mspId);
      }
    }
  }

  private void linkIntermediates(FabricMSPConfig config, CryptoSuite suite) {
    List<X509Certificate> pending = new ArrayList<>();
    for (ByteString pem : config.getIntermediateCertsList()) {
      X509Certificate c = parse(suite, pem, "intermediate CA");
      requireCa(c, "intermediate");
      pending.add(c);
    }
    // Intermediates may be listed in any order: link whatever has a known parent until stuck.
    boolean progress = true;
    while (!pending.isEmpty() && progress) {
      progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        X509Certificate c = it.next();
        Ca parent = issuerOf(c);
        if (parent != null) {
          add(new Ca(c, parent, der(c)));
          it.remove();
          progress = true;
        }
      }
    }
    if (!pending.isEmpty()) {
      throw new IdentityException(
          "intermediate certificate "
              + pending.get(0).getSubjectX500Principal().getName()
              + " of MSP '"
              + mspId
              + "' does not chain to a root CA of the MSP");
    }
  }

  private void addCrl(ByteString pem) {
    List<Pem.Block> blocks = Pem.decodeAll(pem.toByteArray());
    if (blocks.isEmpty()) {
      throw new IdentityException("MSP '" + mspId + "': revocation list entry is not PEM");
    }
    for (Pem.Block block : blocks) {
      X509CRLHolder crl;
      try {
        crl = new X509CRLHolder(block.der());
      } catch (IOException | RuntimeException e) {
        throw new IdentityException("MSP '" + mspId + "': malformed CRL: " + e.getMessage(), e);
      }
      X500Principal issuer = principal(crl.getIssuer());
      boolean signed = false;
      for (Ca ca : casBySubject.getOrDefault(issuer, List.of())) {
        if (crlSignedBy(crl, ca.cert())) {
          signed = true;
          break;
        }
      }
      if (!signed) {
        throw new IdentityException(
            "CRL issued by " + issuer.getName() + " is not signed by a CA of MSP '" + mspId + "'");
      }
      crlsByIssuer.computeIfAbsent(issuer, k -> new ArrayList<>()).add(crl);
    }
  }

  private void addNodeOu(CryptoSuite suite, boolean present, FabricOUIdentifier id, Role role) {
    if (!present || id.getOrganizationalUnitIdentifier().isEmpty()) {
      return;
    }
    byte[] certifier = null;
    if (!id.getCertificate().isEmpty()) {
      X509Certificate c =
          parse(suite, id.getCertificate(), role.name().toLowerCase() + " NodeOU certifier");
      certifier = der(c);
      byte[] wanted = certifier;
      boolean known =
          casBySubject.getOrDefault(c.getSubjectX500Principal(), List.of()).stream()
              .anyMatch(ca -> Arrays.equals(ca.der(), wanted));
      if (!known) {
        throw new IdentityException(
            "the certificate of NodeOU '"
                + id.getOrganizationalUnitIdentifier()
                + "' is not a root or intermediate CA of MSP '"
                + mspId
                + "'");
      }
    }
    nodeOus.add(new NodeOu(id.getOrganizationalUnitIdentifier(), role, certifier));
  }

  private void add(Ca ca) {
    casBySubject
        .computeIfAbsent(ca.cert().getSubjectX500Principal(), k -> new ArrayList<>())
        .add(ca);
  }

  private void requireCa(X509Certificate c, String kind) {
    if (c.getBasicConstraints() == -1) {
      throw new IdentityException(
          kind
              + " certificate "
              + c.getSubjectX500Principal().getName()
              + " of MSP '"
              + mspId
              + "' is not a CA certificate");
    }
  }

  private X509Certificate parse(CryptoSuite suite, ByteString pem, String what) {
    try {
      return suite.parseCertificate(pem.toByteArray());
    } catch (CryptoException e) {
      throw new IdentityException(
          "MSP '" + mspId + "': malformed " + what + " certificate: " + e.getMessage(), e);
    }
  }

  static List<String> organizationalUnits(X509Certificate cert) {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    List<String> ous = new ArrayList<>();
    for (RDN rdn : name.getRDNs(BCStyle.OU)) {
      ous.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
    }
    return ous;
  }

  static boolean signedBy(X509Certificate cert, X509Certificate ca) {
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean crlSignedBy(X509CRLHolder crl, X509Certificate ca) {
    try {
      return crl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca));
    } catch (CertException | OperatorCreationException | RuntimeException e) {
      return false;
    }
  }

  private static X500Principal principal(X500Name name) {
    try {
      return new X500Principal(name.getEncoded());
    } catch (IOException e) {
      throw new IdentityException("malformed CRL issuer name: " + e.getMessage(), e);
    }
  }

  static byte[] der(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IdentityException("cannot encode certificate " + cert.getSubjectX500Principal(), e);
    }
  }

  /** A summary of the MSP for logs. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("msp", mspId);
    m.put("cas", casBySubject.values().stream().mapToInt(List::size).sum());
    m.put("crls", crlsByIssuer.values().stream().mapToInt(List::size).sum());
    m.put("nodeOUs", nodeOusEnabled);
    return m;
  }
}
