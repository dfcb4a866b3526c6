package org.openbcs.identity.msp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hyperledger.fabric.protos.common.CombinedPrincipal;
import org.hyperledger.fabric.protos.common.MSPIdentityAnonymity;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.OrganizationUnit;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityDeserializer;
import org.openbcs.identity.IdentityException;
import org.openbcs.identity.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MSPs of one channel, built from the channel configuration's {@code FabricMSPConfig}s.
 * Deserializes and validates creators and endorsers, and matches identities against policy
 * principals. Thread-safe; caches validated identities by their serialized bytes.
 */
public final class MspManager implements IdentityDeserializer {
  /**
   * Bound of the validated-identity cache (entries); far above a network's creators and endorsers.
   */
  public static final int MAX_CACHED_IDENTITIES = 10_000;

  private static final Logger log = LoggerFactory.getLogger(MspManager.class);

  private final Map<String, MspVerifier> msps;
  private final CryptoSuite suite;
  private final TimeSource time;
  private final IdentityCache cache = new IdentityCache(MAX_CACHED_IDENTITIES);

  private MspManager(Map<String, MspVerifier> msps, CryptoSuite suite, TimeSource time) {
    this.msps = msps;
    this.suite = suite;
    this.time = time;
  }

  /**
   * Builds the MSPs of {@code configs}, checking their CA hierarchies and CRLs.
   *
   * @throws IdentityException when a config is inconsistent (duplicate name, CA that is not a CA,
   *     intermediate without root, CRL not signed by a CA of the MSP, malformed certificates)
   */
  public static MspManager of(List<FabricMSPConfig> configs, CryptoSuite suite, TimeSource time) {
    Map<String, MspVerifier> msps = new LinkedHashMap<>();
    for (FabricMSPConfig config : configs) {
      MspVerifier v = new MspVerifier(config, suite);
      if (msps.putIfAbsent(v.mspId(), v) != null) {
        throw new IdentityException("duplicate MSP '" + v.mspId() + "'");
      }
      log.debug("MSP loaded {}", v.describe());
    }
    return new MspManager(Map.copyOf(msps), suite, time);
  }

  public Set<String> mspIds() {
    return msps.keySet();
  }

  @Override
  public Identity deserialize(byte[] serializedIdentity) {
    long now = time.wallMillis();
    MspVerifier.Validated cached = cache.get(serializedIdentity);
    if (cached != null) {
      if (cached.validAt(now)) {
        return cached.identity();
      }
      // Out of its window: drop it and let full validation produce the precise reason.
      cache.remove(serializedIdentity);
    }
    SerializedIdentity sid;
    try {
      sid = SerializedIdentity.parseFrom(serializedIdentity);
    } catch (InvalidProtocolBufferException e) {
      throw new IdentityException("malformed SerializedIdentity: " + e.getMessage(), e);
    }
    MspVerifier msp = msps.get(sid.getMspid());
    if (msp == null) {
      throw new IdentityException("unknown MSP '" + sid.getMspid() + "'");
    }
    X509Certificate cert;
    try {
      cert = suite.parseCertificate(sid.getIdBytes().toByteArray());
    } catch (CryptoException e) {
      throw new IdentityException(
          "malformed certificate in identity of MSP '" + sid.getMspid() + "': " + e.getMessage(),
          e);
    }
    byte[] copy = serializedIdentity.clone();
    MspVerifier.Validated validated = msp.validate(cert, copy, Instant.ofEpochMilli(now));
    cache.put(copy, validated);
    return validated.identity();
  }

  /**
   * Whether {@code identity} satisfies a policy principal: ROLE (member/admin/client/peer/orderer
   * of an MSP), IDENTITY (the exact identity), ORGANIZATION_UNIT, ANONYMITY (X.509 identities are
   * nominal) and COMBINED (all of its principals).
   *
   * @throws IdentityException when the principal's bytes do not parse
   */
  public boolean satisfies(Identity identity, MSPPrincipal principal) {
    try {
      return switch (principal.getPrincipalClassification()) {
        case ROLE -> satisfiesRole(identity, MSPRole.parseFrom(principal.getPrincipal()));
        case IDENTITY -> sameIdentity(identity, principal.getPrincipal());
        case ORGANIZATION_UNIT ->
            satisfiesOu(identity, OrganizationUnit.parseFrom(principal.getPrincipal()));
        case ANONYMITY ->
            MSPIdentityAnonymity.parseFrom(principal.getPrincipal()).getAnonymityType()
                == MSPIdentityAnonymity.MSPIdentityAnonymityType.NOMINAL;
        case COMBINED -> {
          CombinedPrincipal combined = CombinedPrincipal.parseFrom(principal.getPrincipal());
          if (combined.getPrincipalsCount() == 0) {
            yield false;
          }
          for (MSPPrincipal p : combined.getPrincipalsList()) {
            if (!satisfies(identity, p)) {
              yield false;
            }
          }
          yield true;
        }
        case UNRECOGNIZED ->
            throw new IdentityException(
                "unknown MSPPrincipal classification "
                    + principal.getPrincipalClassificationValue());
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IdentityException(
          "malformed " + principal.getPrincipalClassification() + " principal: " + e.getMessage(),
          e);
    }
  }

  private boolean satisfiesRole(Identity identity, MSPRole role) {
    if (!role.getMspIdentifier().equals(identity.mspId())
        || !msps.containsKey(role.getMspIdentifier())) {
      return false;
    }
    Role wanted =
        switch (role.getRole()) {
          case MEMBER -> Role.MEMBER;
          case ADMIN -> Role.ADMIN;
          case CLIENT -> Role.CLIENT;
          case PEER -> Role.PEER;
          case ORDERER -> Role.ORDERER;
          case UNRECOGNIZED ->
              throw new IdentityException("unknown MSPRole type " + role.getRoleValue());
        };
    return identity.hasRole(wanted);
  }

  private boolean sameIdentity(Identity identity, ByteString principalBytes) {
    if (Arrays.equals(identity.serialized(), principalBytes.toByteArray())) {
      return true;
    }
    // The same certificate may be PEM-encoded differently (line length, trailing newline).
    try {
      SerializedIdentity p = SerializedIdentity.parseFrom(principalBytes);
      if (!p.getMspid().equals(identity.mspId())) {
        return false;
      }
      X509Certificate cert = suite.parseCertificate(p.getIdBytes().toByteArray());
      return Arrays.equals(MspVerifier.der(cert), MspVerifier.der(identity.certificate()));
    } catch (InvalidProtocolBufferException | CryptoException e) {
      return false;
    }
  }

  private boolean satisfiesOu(Identity identity, OrganizationUnit ou) {
    return ou.getMspIdentifier().equals(identity.mspId())
        && MspVerifier.organizationalUnits(identity.certificate())
            .contains(ou.getOrganizationalUnitIdentifier());
  }

  /** Number of cached validated identities (for metrics and tests). */
  public int cachedIdentities() {
    return cache.size();
  }
}
