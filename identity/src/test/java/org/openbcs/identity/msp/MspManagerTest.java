package org.openbcs.identity.msp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.hyperledger.fabric.protos.common.CombinedPrincipal;
import org.hyperledger.fabric.protos.common.MSPIdentityAnonymity;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;
import org.hyperledger.fabric.protos.common.OrganizationUnit;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.encoding.Pem;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.identity.Role;
import org.openbcs.identity.TestClock;
import org.openbcs.identity.ca.CaKey;
import org.openbcs.identity.ca.CertificateIssuer;
import org.openbcs.identity.ca.OrgCa;

class MspManagerTest {
  static final CryptoSuite SUITE = CryptoSuites.defaultSuite();
  static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

  @TempDir static Path tmp;
  static OrgCa org1;
  static OrgCa org2;
  static byte[] peer;
  static byte[] client;
  static byte[] admin;
  static byte[] orderer;
  static byte[] org2Peer;

  @BeforeAll
  static void issueIdentities() {
    TestClock clock = TestClock.at(NOW);
    org1 = OrgCa.create(tmp.resolve("org1"), "Org1MSP", "org1.example.com", SUITE, clock);
    org2 = OrgCa.create(tmp.resolve("org2"), "Org2MSP", "org2.example.com", SUITE, clock);
    peer =
        serialized(
            org1.issue("peer0", Role.PEER, List.of("peer0.org1.example.com"), tmp.resolve("p")),
            "Org1MSP");
    client = serialized(org1.issue("User1", Role.CLIENT, List.of(), tmp.resolve("c")), "Org1MSP");
    admin = serialized(org1.issue("Admin", Role.ADMIN, List.of(), tmp.resolve("a")), "Org1MSP");
    orderer =
        serialized(org1.issue("orderer0", Role.ORDERER, List.of(), tmp.resolve("o")), "Org1MSP");
    org2Peer = serialized(org2.issue("peer0", Role.PEER, List.of(), tmp.resolve("p2")), "Org2MSP");
  }

  static byte[] serialized(Path identityDir, String mspId) {
    return MspDirectory.loadSigningIdentity(identityDir.resolve("msp"), mspId, SUITE).serialized();
  }

  static byte[] serialized(String mspId, byte[] idBytes) {
    return SerializedIdentity.newBuilder()
        .setMspid(mspId)
        .setIdBytes(ByteString.copyFrom(idBytes))
        .build()
        .toByteArray();
  }

  static MspManager manager(TestClock clock) {
    return MspManager.of(
        List.of(
            MspDirectory.load(org1.orgMspDir(), "Org1MSP"),
            MspDirectory.load(org2.orgMspDir(), "Org2MSP")),
        SUITE,
        clock);
  }

  static MspManager manager() {
    return manager(TestClock.at(NOW));
  }

  static MSPPrincipal role(String mspId, MSPRole.MSPRoleType type) {
    return MSPPrincipal.newBuilder()
        .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
        .setPrincipal(
            MSPRole.newBuilder().setMspIdentifier(mspId).setRole(type).build().toByteString())
        .build();
  }

  static X509Certificate certOf(byte[] serialized) throws Exception {
    return SUITE.parseCertificate(
        SerializedIdentity.parseFrom(serialized).getIdBytes().toByteArray());
  }

  @Test
  void acceptsEachNodeOuWithItsRole() {
    MspManager m = manager();
    assertThat(m.mspIds()).containsExactlyInAnyOrder("Org1MSP", "Org2MSP");
    assertThat(m.deserialize(peer).roles()).isEqualTo(Set.of(Role.PEER));
    assertThat(m.deserialize(client).roles()).isEqualTo(Set.of(Role.CLIENT));
    assertThat(m.deserialize(admin).roles()).isEqualTo(Set.of(Role.ADMIN));
    assertThat(m.deserialize(orderer).roles()).isEqualTo(Set.of(Role.ORDERER));
    Identity p2 = m.deserialize(org2Peer);
    assertThat(p2.mspId()).isEqualTo("Org2MSP");
    assertThat(p2.hasRole(Role.MEMBER)).isTrue();
    assertThat(p2.serialized()).isEqualTo(org2Peer);
  }

  @Test
  void rejectsCertificateOfAnotherCa() throws Exception {
    byte[] forged =
        serialized("Org1MSP", SerializedIdentity.parseFrom(org2Peer).getIdBytes().toByteArray());
    assertThatThrownBy(() -> manager().deserialize(forged))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("not issued by a CA of MSP 'Org1MSP'");
  }

  @Test
  void rejectsUnknownMsp() throws Exception {
    byte[] unknown =
        serialized("Org9MSP", SerializedIdentity.parseFrom(peer).getIdBytes().toByteArray());
    assertThatThrownBy(() -> manager().deserialize(unknown)).hasMessage("unknown MSP 'Org9MSP'");
  }

  @Test
  void rejectsExpiredAndNotYetValid() throws Exception {
    X509Certificate cert = certOf(peer);
    assertThatThrownBy(
            () -> manager(TestClock.at(NOW.plus(Duration.ofDays(400)))).deserialize(peer))
        .hasMessageStartingWith("certificate expired at " + cert.getNotAfter().toInstant());
    assertThatThrownBy(() -> manager(TestClock.at(NOW.minus(Duration.ofDays(1)))).deserialize(peer))
        .hasMessageStartingWith("certificate not valid before " + cert.getNotBefore().toInstant());
  }

  @Test
  void cachedIdentityIsStillCheckedForExpiry() throws Exception {
    TestClock clock = TestClock.at(NOW);
    MspManager m = manager(clock);
    Identity first = m.deserialize(client);
    assertThat(m.deserialize(client.clone())).isSameAs(first);
    assertThat(m.cachedIdentities()).isEqualTo(1);
    clock.set(certOf(client).getNotAfter().toInstant().plusSeconds(1));
    assertThatThrownBy(() -> m.deserialize(client))
        .hasMessageStartingWith("certificate expired at ");
  }

  @Test
  void cacheKeyIsNotAliasedToTheCallersArray() {
    MspManager m = manager();
    byte[] mine = peer.clone();
    m.deserialize(mine);
    mine[mine.length - 40] ^= 1; // corrupts the PEM body
    assertThatThrownBy(() -> m.deserialize(mine)).isInstanceOf(IdentityException.class);
    assertThat(m.deserialize(peer).roles()).containsExactly(Role.PEER);
  }

  @Test
  void rejectsRevokedAfterMspReload() throws Exception {
    OrgCa org =
        OrgCa.create(tmp.resolve("org3"), "Org3MSP", "org3.example.com", SUITE, TestClock.at(NOW));
    byte[] victim =
        serialized(org.issue("User2", Role.CLIENT, List.of(), tmp.resolve("u2")), "Org3MSP");
    byte[] bystander =
        serialized(org.issue("User3", Role.CLIENT, List.of(), tmp.resolve("u3")), "Org3MSP");
    TestClock clock = TestClock.at(NOW);
    MspManager before =
        MspManager.of(List.of(MspDirectory.load(org.orgMspDir(), "Org3MSP")), SUITE, clock);
    assertThat(before.deserialize(victim).roles()).containsExactly(Role.CLIENT);

    Path crl = org.revoke(certOf(victim));
    assertThat(crl).isEqualTo(org.orgMspDir().resolve("crls/crl.pem"));
    MspManager after =
        MspManager.of(List.of(MspDirectory.load(org.orgMspDir(), "Org3MSP")), SUITE, clock);
    assertThatThrownBy(() -> after.deserialize(victim))
        .hasMessage(
            "certificate serial " + certOf(victim).getSerialNumber() + " revoked by Org3MSP");
    assertThat(after.deserialize(bystander).roles()).containsExactly(Role.CLIENT);

    // A second revocation keeps the first entry.
    org.revoke(certOf(bystander));
    MspManager again =
        MspManager.of(List.of(MspDirectory.load(org.orgMspDir(), "Org3MSP")), SUITE, clock);
    assertThatThrownBy(() -> again.deserialize(victim)).hasMessageContaining("revoked by Org3MSP");
    assertThatThrownBy(() -> again.deserialize(bystander))
        .hasMessageContaining("revoked by Org3MSP");
  }

  @Test
  void rejectsCrlNotSignedByTheMspsCa() throws Exception {
    OrgCa org =
        OrgCa.create(tmp.resolve("org4"), "Org4MSP", "org4.example.com", SUITE, TestClock.at(NOW));
    byte[] user =
        serialized(org.issue("User1", Role.CLIENT, List.of(), tmp.resolve("u4")), "Org4MSP");
    Path crl = org.revoke(certOf(user));
    FabricMSPConfig withForeignCrl =
        MspDirectory.load(org1.orgMspDir(), "Org1MSP").toBuilder()
            .addRevocationList(ByteString.copyFrom(Files.readAllBytes(crl)))
            .build();
    assertThatThrownBy(() -> MspManager.of(List.of(withForeignCrl), SUITE, TestClock.at(NOW)))
        .hasMessageContaining("is not signed by a CA of MSP 'Org1MSP'");
  }

  @Test
  void rejectsMissingAndMultipleNodeOus() throws Exception {
    byte[] noOu = serialized("Org1MSP", leafWithOus().getBytes());
    assertThatThrownBy(() -> manager().deserialize(noOu))
        .hasMessageStartingWith("the identity does not have a NodeOU role");
    byte[] twoOus = serialized("Org1MSP", leafWithOus("peer", "client").getBytes());
    assertThatThrownBy(() -> manager().deserialize(twoOus))
        .hasMessageContaining("not a combination of them");
    byte[] otherOu = serialized("Org1MSP", leafWithOus("marketing").getBytes());
    assertThatThrownBy(() -> manager().deserialize(otherOu))
        .hasMessageContaining("does not have a NodeOU role")
        .hasMessageContaining("marketing");
  }

  /** A signing certificate of org1's CA whose subject carries exactly {@code ous}. */
  private static String leafWithOus(String... ous) throws Exception {
    CaKey ca = org1CaKey();
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    for (String ou : ous) {
      subject.addRDN(BCStyle.OU, ou);
    }
    subject.addRDN(BCStyle.CN, "odd.org1.example.com");
    KeyPair keys = SUITE.generateKeyPair();
    X509Certificate cert =
        new CertificateIssuer(SUITE, new SecureRandom())
            .issue(
                ca,
                subject.build(),
                keys.getPublic(),
                NOW.minusSeconds(60),
                NOW.plus(Duration.ofDays(30)),
                CertificateIssuer.Usage.SIGNING,
                List.of());
    return SUITE.encodeCertificatePem(cert);
  }

  @Test
  void validatesThroughIntermediateCaIncludingItsRevocation() throws Exception {
    CaKey root = org1CaKey();
    CertificateIssuer issuer = new CertificateIssuer(SUITE, new SecureRandom());
    KeyPair interKeys = SUITE.generateKeyPair();
    X509Certificate inter =
        issuer.intermediateCa(
            root,
            interKeys.getPublic(),
            new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, "ica.org1.example.com")
                .build(),
            NOW.minusSeconds(60),
            NOW.plus(Duration.ofDays(300)));
    CaKey ica = new CaKey(inter, interKeys.getPrivate());
    KeyPair leafKeys = SUITE.generateKeyPair();
    X509Certificate leaf =
        issuer.issue(
            ica,
            new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.OU, "peer")
                .addRDN(BCStyle.CN, "peer9.org1.example.com")
                .build(),
            leafKeys.getPublic(),
            NOW.minusSeconds(60),
            NOW.plus(Duration.ofDays(400)),
            CertificateIssuer.Usage.SIGNING,
            List.of());
    byte[] id = serialized("Org1MSP", SUITE.encodeCertificatePem(leaf).getBytes());
    FabricMSPConfig base = MspDirectory.load(org1.orgMspDir(), "Org1MSP");

    assertThatThrownBy(() -> MspManager.of(List.of(base), SUITE, TestClock.at(NOW)).deserialize(id))
        .hasMessageContaining("not issued by a CA of MSP 'Org1MSP'");

    FabricMSPConfig withInter =
        base.toBuilder()
            .addIntermediateCerts(ByteString.copyFromUtf8(SUITE.encodeCertificatePem(inter)))
            .build();
    // NodeOUs certified by the root CA do not cover identities the intermediate issued (as in
    // Fabric).
    assertThatThrownBy(
            () -> MspManager.of(List.of(withInter), SUITE, TestClock.at(NOW)).deserialize(id))
        .hasMessageStartingWith("certifiersIdentifier does not match");

    FabricMSPConfig uncertified = withoutNodeOuCertifiers(withInter);
    TestClock clock = TestClock.at(NOW);
    MspManager m = MspManager.of(List.of(uncertified), SUITE, clock);
    assertThat(m.deserialize(id).roles()).containsExactly(Role.PEER);
    // The cached entry's window is the chain's intersection: the intermediate expires first.
    clock.advance(Duration.ofDays(301));
    assertThatThrownBy(() -> m.deserialize(id))
        .hasMessageStartingWith("CA certificate CN=ica.org1.example.com expired at");

    var crl = issuer.crl(root, null, inter.getSerialNumber(), NOW);
    FabricMSPConfig revoked =
        uncertified.toBuilder()
            .addRevocationList(ByteString.copyFromUtf8(Pem.encode("X509 CRL", crl.getEncoded())))
            .build();
    assertThatThrownBy(
            () -> MspManager.of(List.of(revoked), SUITE, TestClock.at(NOW)).deserialize(id))
        .hasMessage("certificate serial " + inter.getSerialNumber() + " revoked by Org1MSP");
  }

  private static FabricMSPConfig withoutNodeOuCertifiers(FabricMSPConfig c) {
    var ous = c.getFabricNodeOus().toBuilder();
    ous.setClientOuIdentifier(ous.getClientOuIdentifier().toBuilder().clearCertificate());
    ous.setPeerOuIdentifier(ous.getPeerOuIdentifier().toBuilder().clearCertificate());
    ous.setAdminOuIdentifier(ous.getAdminOuIdentifier().toBuilder().clearCertificate());
    ous.setOrdererOuIdentifier(ous.getOrdererOuIdentifier().toBuilder().clearCertificate());
    return c.toBuilder().setFabricNodeOus(ous).build();
  }

  private static CaKey org1CaKey() throws Exception {
    PrivateKey key =
        SUITE.decodePrivateKey(Files.readAllBytes(org1.orgDir().resolve("ca/priv_sk")));
    return new CaKey(org1.caCertificate(), key);
  }

  @Test
  void rejectsNodeOuCertifierOutsideTheMsp() {
    FabricMSPConfig c = MspDirectory.load(org1.orgMspDir(), "Org1MSP");
    var ous = c.getFabricNodeOus().toBuilder();
    ous.setPeerOuIdentifier(
        ous.getPeerOuIdentifier().toBuilder()
            .setCertificate(
                ByteString.copyFromUtf8(SUITE.encodeCertificatePem(org2.caCertificate()))));
    FabricMSPConfig bad = c.toBuilder().setFabricNodeOus(ous).build();
    assertThatThrownBy(() -> MspManager.of(List.of(bad), SUITE, TestClock.at(NOW)))
        .hasMessage(
            "the certificate of NodeOU 'peer' is not a root or intermediate CA of MSP 'Org1MSP'");
  }

  @Test
  void rejectsCaCertificateAsIdentity() {
    byte[] ca = serialized("Org1MSP", SUITE.encodeCertificatePem(org1.caCertificate()).getBytes());
    assertThatThrownBy(() -> manager().deserialize(ca))
        .hasMessageContaining("Certificate Authority equals true cannot be used as an identity");
  }

  @Test
  void rejectsMalformedBytes() {
    assertThatThrownBy(() -> manager().deserialize(new byte[] {0x0a, (byte) 0xff}))
        .isInstanceOf(IdentityException.class)
        .hasMessageStartingWith("malformed SerializedIdentity: ");
    byte[] garbage =
        serialized(
            "Org1MSP", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes());
    assertThatThrownBy(() -> manager().deserialize(garbage))
        .hasMessageStartingWith("malformed certificate in identity of MSP 'Org1MSP': ");
  }

  @Test
  void adminCertsGrantAdminRole() throws Exception {
    FabricMSPConfig withAdmin =
        MspDirectory.load(org1.orgMspDir(), "Org1MSP").toBuilder()
            .addAdmins(ByteString.copyFromUtf8(SUITE.encodeCertificatePem(certOf(client))))
            .build();
    MspManager m = MspManager.of(List.of(withAdmin), SUITE, TestClock.at(NOW));
    assertThat(m.deserialize(client).roles()).containsExactlyInAnyOrder(Role.CLIENT, Role.ADMIN);
    assertThat(m.deserialize(peer).roles()).containsExactly(Role.PEER);
  }

  @Test
  void rolePrincipalsMatchNodeOusAndMsp() {
    MspManager m = manager();
    record Case(byte[] identity, MSPRole.MSPRoleType satisfied) {}
    List<Case> cases =
        List.of(
            new Case(peer, MSPRole.MSPRoleType.PEER),
            new Case(client, MSPRole.MSPRoleType.CLIENT),
            new Case(admin, MSPRole.MSPRoleType.ADMIN),
            new Case(orderer, MSPRole.MSPRoleType.ORDERER));
    for (Case c : cases) {
      Identity id = m.deserialize(c.identity());
      assertThat(m.satisfies(id, role("Org1MSP", MSPRole.MSPRoleType.MEMBER))).isTrue();
      assertThat(m.satisfies(id, role("Org2MSP", MSPRole.MSPRoleType.MEMBER))).isFalse();
      assertThat(m.satisfies(id, role("Org2MSP", c.satisfied()))).isFalse();
      for (MSPRole.MSPRoleType t :
          List.of(
              MSPRole.MSPRoleType.PEER,
              MSPRole.MSPRoleType.CLIENT,
              MSPRole.MSPRoleType.ADMIN,
              MSPRole.MSPRoleType.ORDERER)) {
        assertThat(m.satisfies(id, role("Org1MSP", t)))
            .as("%s satisfies %s", id.roles(), t)
            .isEqualTo(t == c.satisfied());
      }
    }
  }

  @Test
  void ouAnonymityAndCombinedPrincipals() {
    MspManager m = manager();
    Identity p = m.deserialize(peer);
    MSPPrincipal peerOu =
        MSPPrincipal.newBuilder()
            .setPrincipalClassification(MSPPrincipal.Classification.ORGANIZATION_UNIT)
            .setPrincipal(
                OrganizationUnit.newBuilder()
                    .setMspIdentifier("Org1MSP")
                    .setOrganizationalUnitIdentifier("peer")
                    .build()
                    .toByteString())
            .build();
    MSPPrincipal nominal =
        MSPPrincipal.newBuilder()
            .setPrincipalClassification(MSPPrincipal.Classification.ANONYMITY)
            .setPrincipal(
                MSPIdentityAnonymity.newBuilder()
                    .setAnonymityType(MSPIdentityAnonymity.MSPIdentityAnonymityType.NOMINAL)
                    .build()
                    .toByteString())
            .build();
    assertThat(m.satisfies(p, peerOu)).isTrue();
    assertThat(m.satisfies(m.deserialize(client), peerOu)).isFalse();
    assertThat(m.satisfies(p, nominal)).isTrue();
    MSPPrincipal peerAndMember = combined(peerOu, role("Org1MSP", MSPRole.MSPRoleType.MEMBER));
    MSPPrincipal peerAndAdmin = combined(peerOu, role("Org1MSP", MSPRole.MSPRoleType.ADMIN));
    assertThat(m.satisfies(p, peerAndMember)).isTrue();
    assertThat(m.satisfies(p, peerAndAdmin)).isFalse();
    MSPPrincipal garbage =
        MSPPrincipal.newBuilder()
            .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
            .setPrincipal(ByteString.copyFrom(new byte[] {0x0a, (byte) 0xff}))
            .build();
    assertThatThrownBy(() -> m.satisfies(p, garbage))
        .hasMessageStartingWith("malformed ROLE principal");
  }

  private static MSPPrincipal combined(MSPPrincipal... principals) {
    return MSPPrincipal.newBuilder()
        .setPrincipalClassification(MSPPrincipal.Classification.COMBINED)
        .setPrincipal(
            CombinedPrincipal.newBuilder()
                .addAllPrincipals(List.of(principals))
                .build()
                .toByteString())
        .build();
  }

  @Test
  void identityPrincipalMatchesOnlyThatIdentity() {
    MspManager m = manager();
    MSPPrincipal clientPrincipal =
        MSPPrincipal.newBuilder()
            .setPrincipalClassification(MSPPrincipal.Classification.IDENTITY)
            .setPrincipal(ByteString.copyFrom(client))
            .build();
    assertThat(m.satisfies(m.deserialize(client), clientPrincipal)).isTrue();
    assertThat(m.satisfies(m.deserialize(admin), clientPrincipal)).isFalse();
  }

  @Test
  @Timeout(60)
  void concurrentDeserializationAgrees() throws Exception {
    MspManager m = manager();
    List<byte[]> ids = List.of(peer, client, admin, orderer, org2Peer);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int ok = 0;
                  for (int i = 0; i < 500; i++) {
                    byte[] id = ids.get((i + offset) % ids.size());
                    if (Arrays.equals(m.deserialize(id).serialized(), id)) {
                      ok++;
                    }
                  }
                  return ok;
                }));
      }
      start.countDown();
      for (Future<Integer> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(500);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(m.cachedIdentities()).isEqualTo(ids.size());
  }

  @Test
  void cacheHitIsFarCheaperThanValidation() {
    // A fresh manager per call: every deserialize is a miss (proto + certificate parse, chain
    // signature check, OU extraction).
    List<FabricMSPConfig> configs = List.of(MspDirectory.load(org1.orgMspDir(), "Org1MSP"));
    TestClock clock = TestClock.at(NOW);
    int misses = 1_000;
    long missNanos = 0;
    for (int i = 0; i < misses; i++) {
      MspManager fresh = MspManager.of(configs, SUITE, clock);
      long t0 = System.nanoTime();
      fresh.deserialize(peer);
      missNanos += System.nanoTime() - t0;
    }
    long missNsPerOp = missNanos / misses;

    MspManager m = manager();
    int n = 200_000;
    for (int i = 0; i < n; i++) { // warm-up so the JIT has compiled the hit path
      m.deserialize(i % 2 == 0 ? peer : client);
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      m.deserialize(i % 2 == 0 ? peer : client);
    }
    long hitNsPerOp = (System.nanoTime() - start) / n;
    System.out.printf(
        "MspManager.deserialize: cache hit %d ns/op, miss %d ns/op%n", hitNsPerOp, missNsPerOp);
    // Relative, so a loaded machine slows both sides alike.
    assertThat(hitNsPerOp * 10).isLessThan(missNsPerOp);
  }
}
