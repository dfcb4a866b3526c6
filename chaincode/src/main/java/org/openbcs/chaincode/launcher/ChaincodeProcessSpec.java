package org.openbcs.chaincode.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The command line and environment of a chaincode JVM, as Fabric's launcher gives them to a Java
 * chaincode: the package id to register with, the listener address and the TLS files. The same
 * JDK that runs the peer runs the chaincode.
 */
record ChaincodeProcessSpec(List<String> command, Map<String, String> environment, Path logFile) {

  /** Variables of the peer's own environment a JVM needs to start; nothing else is inherited. */
  private static final List<String> INHERITED = List.of("PATH", "HOME", "TMPDIR", "LANG", "TZ");

  /**
   * Log levels of the shim, unless the peer's own environment sets these variables (as Fabric's
   * core.yaml chaincode.logging does). The Java shim applies CORE_CHAINCODE_LOGGING_LEVEL to its
   * own org.hyperledger.fabric.contract package, not to the user's contract, and at INFO that
   * package logs every transaction, formatted and written synchronously on the invoking thread:
   * 12-14 % of the chaincode JVM's CPU in the profile of docs/benchmarks.md "Where the time goes".
   * WARNING keeps errors and the user's own logging.
   */
  static final String LOGGING_LEVEL = "warning";

  static final String SHIM_LOGGING_LEVEL = "warning";

  static ChaincodeProcessSpec of(ChaincodePackage pkg, LauncherConfig config) {
    Path workDir = config.dataDir().resolve("chaincode").resolve(pkg.fileStem());
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(config.jvmOptions());
    command.add("-cp");
    command.add(pkg.classpath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    command.add(pkg.mainClass());

    Map<String, String> env = new LinkedHashMap<>();
    for (String name : INHERITED) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.put("CORE_CHAINCODE_ID_NAME", pkg.packageId());
    env.put("CORE_CHAINCODE_LOGGING_LEVEL", envOr("CORE_CHAINCODE_LOGGING_LEVEL", LOGGING_LEVEL));
    env.put("CORE_CHAINCODE_LOGGING_SHIM", envOr("CORE_CHAINCODE_LOGGING_SHIM", SHIM_LOGGING_LEVEL));
    env.put("CORE_PEER_ADDRESS", config.peerAddress());
    env.put("CORE_PEER_LOCALMSPID", config.mspId());
    env.put("CORE_PEER_TLS_ENABLED", Boolean.toString(config.tls() != null));
    if (config.tls() != null) {
      Path tlsDir = workDir.resolve("tls");
      ChaincodeTls tls = config.tls();
      env.put("CORE_PEER_TLS_ROOTCERT_FILE", tls.rootCert().toAbsolutePath().toString());
      // The shim base64-decodes the *_PATH files (a Fabric quirk); server mode reads *_FILE as PEM.
      env.put("CORE_TLS_CLIENT_CERT_PATH", write(tlsDir, "client.crt.b64", base64Of(tls.clientCert())));
      env.put("CORE_TLS_CLIENT_KEY_PATH", write(tlsDir, "client.key.b64", base64Of(tls.clientKey())));
      env.put("CORE_TLS_CLIENT_CERT_FILE", write(tlsDir, "client.crt", read(tls.clientCert())));
      env.put("CORE_TLS_CLIENT_KEY_FILE", write(tlsDir, "client.key", read(tls.clientKey())));
    }
    Path logFile = config.dataDir().resolve("chaincode").resolve("logs").resolve(pkg.fileStem() + ".log");
    return new ChaincodeProcessSpec(List.copyOf(command), Map.copyOf(env), logFile);
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chaincode TLS file " + file, e);
    }
  }

  private static byte[] base64Of(Path file) {
    return Base64.getEncoder().encode(read(file));
  }

  private static String write(Path dir, String name, byte[] content) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name);
      Files.write(file, content);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the data directory's own protection applies
      }
      return file.toAbsolutePath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chaincode TLS file into " + dir, e);
    }
  }
}
