package org.openbcs.chaincode.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openbcs.common.bytes.Hex;

/**
 * A Fabric-style chaincode-as-a-service package: a gzip-compressed tar with {@code metadata.json}
 * ({@code "type": "ccaas"}, the label) and {@code code.tar.gz} holding {@code connection.json}.
 * As in Fabric the package id is {@code label:sha256(package file)}, and the chaincode server must
 * register with that id (its {@code CORE_CHAINCODE_ID_NAME}).
 */
public record CcaasPackage(String label, String packageId, CcaasConnection connection) {
  public static final String TYPE = "ccaas";
  static final String METADATA = "metadata.json";
  static final String CODE = "code.tar.gz";
  static final String CONNECTION = "connection.json";
  /** A ccaas package holds two small JSON files; anything bigger is not one. */
  static final long MAX_PACKAGE_BYTES = 4L * 1024 * 1024;
  private static final long MAX_ENTRY_BYTES = 1024 * 1024;

  /** True if {@code path} is a file whose metadata.json says type "ccaas"; never throws for other files. */
  public static boolean recognises(Path path) {
    try {
      if (!Files.isRegularFile(path) || Files.size(path) > MAX_PACKAGE_BYTES) {
        return false;
      }
      Map<String, byte[]> outer = TarGz.read(Files.readAllBytes(path), MAX_ENTRY_BYTES);
      byte[] metadata = outer.get(METADATA);
      return metadata != null
          && TYPE.equalsIgnoreCase(String.valueOf(FlatJson.parse(utf8(metadata)).get("type")));
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  public static CcaasPackage read(Path file) {
    try {
      if (Files.size(file) > MAX_PACKAGE_BYTES) {
        throw new IllegalArgumentException(
            "chaincode package " + file + " is larger than " + MAX_PACKAGE_BYTES + " bytes; not a ccaas package");
      }
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chaincode package " + file, e);
    }
  }

  /** Parses package bytes; {@code origin} names them in errors. */
  public static CcaasPackage parse(byte[] packageBytes, String origin) {
    try {
      Map<String, byte[]> outer = TarGz.read(packageBytes, MAX_ENTRY_BYTES);
      byte[] metadataBytes = outer.get(METADATA);
      if (metadataBytes == null) {
        throw new IllegalArgumentException("it has no " + METADATA);
      }
      Map<String, Object> metadata = FlatJson.parse(utf8(metadataBytes));
      Object type = metadata.get("type");
      if (!TYPE.equalsIgnoreCase(String.valueOf(type))) {
        throw new IllegalArgumentException(METADATA + " has type " + type + ", not \"" + TYPE + "\"");
      }
      if (!(metadata.get("label") instanceof String label)) {
        throw new IllegalArgumentException(METADATA + " has no label");
      }
      PackageId.requireValidLabel(label);
      byte[] code = outer.get(CODE);
      if (code == null) {
        throw new IllegalArgumentException("it has no " + CODE);
      }
      byte[] connection = TarGz.read(code, MAX_ENTRY_BYTES).get(CONNECTION);
      if (connection == null) {
        throw new IllegalArgumentException(CODE + " has no " + CONNECTION);
      }
      return new CcaasPackage(
          label, label + ":" + sha256Hex(packageBytes), CcaasConnection.fromJson(utf8(connection)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid ccaas chaincode package " + origin + ": " + e.getMessage(), e);
    }
  }

  /** The package file for {@code connection}; deterministic, so its id can be computed anywhere. */
  public static byte[] build(String label, CcaasConnection connection) {
    PackageId.requireValidLabel(label);
    Map<String, byte[]> code = new LinkedHashMap<>();
    code.put(CONNECTION, connection.toJson().getBytes(StandardCharsets.UTF_8));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("type", TYPE);
    metadata.put("label", label);
    Map<String, byte[]> outer = new LinkedHashMap<>();
    outer.put(METADATA, FlatJson.write(metadata).getBytes(StandardCharsets.UTF_8));
    outer.put(CODE, TarGz.write(code));
    return TarGz.write(outer);
  }

  /** Fabric's package id of package bytes with the given label. */
  public static String idOf(String label, byte[] packageBytes) {
    return label + ":" + sha256Hex(packageBytes);
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return Hex.encode(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** File-system-safe short name for per-package files. */
  public String fileStem() {
    return label + "-" + packageId.substring(packageId.lastIndexOf(':') + 1, packageId.lastIndexOf(':') + 13);
  }
}
