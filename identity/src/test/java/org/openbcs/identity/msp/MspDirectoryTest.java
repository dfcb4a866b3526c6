package org.openbcs.identity.msp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.FabricOUIdentifier;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.IdentityException;
import org.openbcs.identity.Role;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.TestClock;
import org.openbcs.identity.ca.OrgCa;

class MspDirectoryTest {
  static final CryptoSuite SUITE = CryptoSuites.defaultSuite();
  @TempDir Path tmp;

  @Test
  void orgMspRoundTripsIntoACompleteFabricMspConfig() throws Exception {
    OrgCa org =
        OrgCa.create(
            tmp.resolve("org1"), "Org1MSP", "org1.example.com", SUITE, TestClock.at(Instant.now()));
    FabricMSPConfig c = MspDirectory.load(org.orgMspDir(), "Org1MSP");

    String caPem = SUITE.encodeCertificatePem(org.caCertificate());
    String tlsCaPem = SUITE.encodeCertificatePem(org.tlsCaCertificate());
    assertThat(c.getName()).isEqualTo("Org1MSP");
    assertThat(c.getRootCertsList()).hasSize(1);
    assertThat(c.getRootCerts(0).toStringUtf8()).isEqualTo(caPem);
    assertThat(c.getTlsRootCertsList()).hasSize(1);
    assertThat(c.getTlsRootCerts(0).toStringUtf8()).isEqualTo(tlsCaPem);
    assertThat(c.getIntermediateCertsList()).isEmpty();
    assertThat(c.getAdminsList()).isEmpty();
    assertThat(c.getRevocationListList()).isEmpty();
    assertThat(c.hasSigningIdentity()).isFalse();
    assertThat(c.getCryptoConfig().getSignatureHashFamily()).isEqualTo("SHA2");
    assertThat(c.getCryptoConfig().getIdentityIdentifierHashFunction()).isEqualTo("SHA256");
    assertThat(c.getFabricNodeOus().getEnable()).isTrue();
    List<FabricOUIdentifier> ous =
        List.of(
            c.getFabricNodeOus().getClientOuIdentifier(),
            c.getFabricNodeOus().getPeerOuIdentifier(),
            c.getFabricNodeOus().getAdminOuIdentifier(),
            c.getFabricNodeOus().getOrdererOuIdentifier());
    assertThat(ous)
        .extracting(FabricOUIdentifier::getOrganizationalUnitIdentifier)
        .containsExactly("client", "peer", "admin", "orderer");
    assertThat(ous)
        .allSatisfy(ou -> assertThat(ou.getCertificate().toStringUtf8()).isEqualTo(caPem));

    MSPConfig wrapped = MspDirectory.toMspConfig(c);
    assertThat(wrapped.getType()).isZero();
    assertThat(FabricMSPConfig.parseFrom(wrapped.getConfig())).isEqualTo(c);

    // Revocation and admin certs show up after they are written.
    Path user = org.issue("User1", Role.CLIENT, List.of(), tmp.resolve("user1"));
    SigningIdentity id = MspDirectory.loadSigningIdentity(user.resolve("msp"), "Org1MSP", SUITE);
    org.revoke(id.certificate());
    Files.writeString(
        org.orgMspDir().resolve("admincerts/admin.pem"),
        SUITE.encodeCertificatePem(id.certificate()));
    FabricMSPConfig after = MspDirectory.load(org.orgMspDir(), "Org1MSP");
    assertThat(after.getRevocationListList()).hasSize(1);
    assertThat(after.getRevocationList(0).toStringUtf8()).startsWith("-----BEGIN X509 CRL-----");
    assertThat(after.getAdminsList()).hasSize(1);
  }

  @Test
  void issuedIdentityLoadsAsSigningIdentity() throws Exception {
    OrgCa org =
        OrgCa.create(
            tmp.resolve("org1"), "Org1MSP", "org1.example.com", SUITE, TestClock.at(Instant.now()));
    Path peer =
        org.issue("peer0", Role.PEER, List.of("peer0.org1.example.com"), tmp.resolve("peer0"));
    SigningIdentity id = MspDirectory.loadSigningIdentity(peer.resolve("msp"), "Org1MSP", SUITE);

    assertThat(id.mspId()).isEqualTo("Org1MSP");
    assertThat(id.certificate().getSubjectX500Principal().getName())
        .contains("CN=peer0.org1.example.com")
        .contains("OU=peer");
    SerializedIdentity sid = SerializedIdentity.parseFrom(id.serialized());
    assertThat(sid.getMspid()).isEqualTo("Org1MSP");
    assertThat(sid.getIdBytes().toStringUtf8())
        .isEqualTo(SUITE.encodeCertificatePem(id.certificate()));
    byte[] message = "proposal".getBytes(StandardCharsets.UTF_8);
    assertThat(SUITE.verify(id.certificate().getPublicKey(), message, id.sign(message))).isTrue();

    // The identity's own MSP folder is a valid verifying MSP too (peers load it at start).
    FabricMSPConfig local = MspDirectory.load(peer.resolve("msp"), "Org1MSP");
    assertThat(local.getRootCerts(0))
        .isEqualTo(MspDirectory.load(org.orgMspDir(), "Org1MSP").getRootCerts(0));
  }

  @Test
  void keyFromAnotherIdentityIsNotAccepted() throws Exception {
    OrgCa org =
        OrgCa.create(
            tmp.resolve("org1"), "Org1MSP", "org1.example.com", SUITE, TestClock.at(Instant.now()));
    Path a = org.issue("User1", Role.CLIENT, List.of(), tmp.resolve("a"));
    Path b = org.issue("User2", Role.CLIENT, List.of(), tmp.resolve("b"));
    Files.delete(a.resolve("msp/keystore/priv_sk"));
    Files.copy(b.resolve("msp/keystore/priv_sk"), a.resolve("msp/keystore/priv_sk"));
    assertThatThrownBy(() -> MspDirectory.loadSigningIdentity(a.resolve("msp"), "Org1MSP", SUITE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("no private key in");
  }

  @Test
  void missingCaCertsIsAClearError() throws Exception {
    Files.createDirectories(tmp.resolve("msp/cacerts"));
    assertThatThrownBy(() -> MspDirectory.load(tmp.resolve("msp"), "X"))
        .hasMessageStartingWith("could not load a valid ca certificate from directory");
    assertThatThrownBy(() -> MspDirectory.load(tmp.resolve("nope"), "X"))
        .hasMessageContaining("does not exist");
  }
}
