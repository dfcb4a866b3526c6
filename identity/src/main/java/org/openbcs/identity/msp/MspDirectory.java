package org.openbcs.identity.msp;

import org.openbcs.crypto.encoding.Pem;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.msp.FabricCryptoConfig;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.FabricNodeOUs;
import org.hyperledger.fabric.protos.msp.FabricOUIdentifier;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.openbcs.crypto.CryptoException;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.identity.IdentityException;
import org.openbcs.identity.SigningIdentity;

/**
 * Reads Fabric's MSP folder layout (cacerts, intermediatecerts, admincerts, crls, tlscacerts,
 * signcerts, keystore, config.yaml).
 */
public final class MspDirectory {
  /** Fabric's MSPConfig.type for an X.509 (FABRIC) MSP. */
  public static final int FABRIC_MSP_TYPE = 0;

  private MspDirectory() {}

  /**
   * The verifying MSP config of {@code mspDir} (no private key), as it goes into channel config.
   */
  public static FabricMSPConfig load(Path mspDir, String mspId) {
    if (!Files.isDirectory(mspDir)) {
      throw new IdentityException("MSP directory " + mspDir + " of '" + mspId + "' does not exist");
    }
    List<ByteString> roots = pemBlocks(mspDir.resolve("cacerts"), "CERTIFICATE");
    if (roots.isEmpty()) {
      throw new IdentityException(
          "could not load a valid ca certificate from directory " + mspDir.resolve("cacerts"));
    }
    FabricMSPConfig.Builder b =
        FabricMSPConfig.newBuilder()
            .setName(mspId)
            .addAllRootCerts(roots)
            .addAllIntermediateCerts(pemBlocks(mspDir.resolve("intermediatecerts"), "CERTIFICATE"))
            .addAllAdmins(pemBlocks(mspDir.resolve("admincerts"), "CERTIFICATE"))
            .addAllRevocationList(pemBlocks(mspDir.resolve("crls"), "X509 CRL"))
            .addAllTlsRootCerts(pemBlocks(mspDir.resolve("tlscacerts"), "CERTIFICATE"))
            .addAllTlsIntermediateCerts(
                pemBlocks(mspDir.resolve("tlsintermediatecerts"), "CERTIFICATE"))
            .setCryptoConfig(
                FabricCryptoConfig.newBuilder()
                    .setSignatureHashFamily("SHA2")
                    .setIdentityIdentifierHashFunction("SHA256"));
    Path configYaml = mspDir.resolve("config.yaml");
    if (Files.isRegularFile(configYaml)) {
      applyConfigYaml(b, mspDir, configYaml);
    }
    return b.build();
  }

  /**
   * The channel-config wrapper of a verifying MSP config: {@code MSPConfig{type=FABRIC, config}}.
   */
  public static MSPConfig toMspConfig(FabricMSPConfig config) {
    return MSPConfig.newBuilder().setType(FABRIC_MSP_TYPE).setConfig(config.toByteString()).build();
  }

  /** The local signing identity: signcerts/*.pem and the matching keystore key. */
  public static SigningIdentity loadSigningIdentity(Path mspDir, String mspId, CryptoSuite suite) {
    List<ByteString> certs = pemBlocks(mspDir.resolve("signcerts"), "CERTIFICATE");
    if (certs.isEmpty()) {
      throw new IdentityException(
          "no signing certificate in " + mspDir.resolve("signcerts") + " of MSP '" + mspId + "'");
    }
    byte[] pem = certs.get(0).toByteArray();
    X509Certificate cert;
    try {
      cert = suite.parseCertificate(pem);
    } catch (CryptoException e) {
      throw new IdentityException(
          "malformed signing certificate in " + mspDir.resolve("signcerts") + ": " + e.getMessage(),
          e);
    }
    PrivateKey key = matchingKey(mspDir.resolve("keystore"), cert, suite);
    byte[] serialized =
        SerializedIdentity.newBuilder()
            .setMspid(mspId)
            .setIdBytes(ByteString.copyFrom(pem))
            .build()
            .toByteArray();
    return new X509SigningIdentity(mspId, cert, key, serialized, suite);
  }

  /**
   * The keystore key whose signatures the certificate's public key verifies. A probe signature
   * rather than key comparison keeps this free of algorithm-specific key arithmetic.
   */
  private static PrivateKey matchingKey(Path keystore, X509Certificate cert, CryptoSuite suite) {
    byte[] probe = "openbcs key match probe".getBytes(StandardCharsets.US_ASCII);
    for (Path file : files(keystore)) {
      PrivateKey key;
      try {
        key = suite.decodePrivateKey(read(file));
      } catch (CryptoException e) {
        continue;
      }
      if (suite.verify(cert.getPublicKey(), probe, suite.sign(key, probe))) {
        return key;
      }
    }
    throw new IdentityException(
        "no private key in "
            + keystore
            + " matches the certificate "
            + cert.getSubjectX500Principal());
  }

  private static void applyConfigYaml(FabricMSPConfig.Builder b, Path mspDir, Path file) {
    Map<String, Object> yaml;
    try {
      yaml = MspYaml.parse(new String(read(file), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IdentityException("cannot parse " + file + ": " + e.getMessage(), e);
    }
    if (yaml.get("OrganizationalUnitIdentifiers") instanceof List<?> ous) {
      for (Object ou : ous) {
        b.addOrganizationalUnitIdentifiers(ouIdentifier(ou, mspDir, file));
      }
    }
    if (yaml.get("NodeOUs") instanceof Map<?, ?> nodeOus) {
      FabricNodeOUs.Builder n =
          FabricNodeOUs.newBuilder().setEnable("true".equalsIgnoreCase(str(nodeOus.get("Enable"))));
      if (nodeOus.get("ClientOUIdentifier") != null) {
        n.setClientOuIdentifier(ouIdentifier(nodeOus.get("ClientOUIdentifier"), mspDir, file));
      }
      if (nodeOus.get("PeerOUIdentifier") != null) {
        n.setPeerOuIdentifier(ouIdentifier(nodeOus.get("PeerOUIdentifier"), mspDir, file));
      }
      if (nodeOus.get("AdminOUIdentifier") != null) {
        n.setAdminOuIdentifier(ouIdentifier(nodeOus.get("AdminOUIdentifier"), mspDir, file));
      }
      if (nodeOus.get("OrdererOUIdentifier") != null) {
        n.setOrdererOuIdentifier(ouIdentifier(nodeOus.get("OrdererOUIdentifier"), mspDir, file));
      }
      b.setFabricNodeOus(n);
    }
  }

  private static FabricOUIdentifier ouIdentifier(Object node, Path mspDir, Path file) {
    if (!(node instanceof Map<?, ?> map)) {
      throw new IdentityException(
          file + ": an OU identifier must be a mapping, got '" + node + "'");
    }
    String ou = str(map.get("OrganizationalUnitIdentifier"));
    if (ou.isEmpty()) {
      throw new IdentityException(file + ": OU identifier without OrganizationalUnitIdentifier");
    }
    FabricOUIdentifier.Builder b =
        FabricOUIdentifier.newBuilder().setOrganizationalUnitIdentifier(ou);
    String certPath = str(map.get("Certificate"));
    if (!certPath.isEmpty()) {
      Path cert = mspDir.resolve(certPath);
      List<Pem.Block> blocks = blocksOf(cert);
      if (blocks.isEmpty() || !blocks.get(0).label().equals("CERTIFICATE")) {
        throw new IdentityException(file + ": " + cert + " does not hold a PEM certificate");
      }
      b.setCertificate(ByteString.copyFromUtf8(blocks.get(0).text()));
    }
    return b.build();
  }

  private static String str(Object o) {
    return o instanceof String s ? s.strip() : "";
  }

  /**
   * Every PEM block of type {@code type} in the files of {@code dir}, one entry per block, files in
   * name order.
   */
  private static List<ByteString> pemBlocks(Path dir, String type) {
    List<ByteString> out = new ArrayList<>();
    for (Path file : files(dir)) {
      List<Pem.Block> blocks = blocksOf(file);
      if (blocks.isEmpty()) {
        throw new IdentityException(file + " holds no PEM data");
      }
      for (Pem.Block block : blocks) {
        if (!block.label().equals(type)) {
          throw new IdentityException(file + " holds a PEM " + block.label() + ", expected " + type);
        }
        out.add(ByteString.copyFromUtf8(block.text()));
      }
    }
    return out;
  }

  private static List<Pem.Block> blocksOf(Path file) {
    try {
      return Pem.decodeAll(read(file));
    } catch (IllegalArgumentException | org.openbcs.crypto.CryptoException e) {
      throw new IdentityException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Regular, non-hidden files of {@code dir} sorted by name (so genesis config is reproducible);
   * none if absent.
   */
  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IdentityException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IdentityException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
