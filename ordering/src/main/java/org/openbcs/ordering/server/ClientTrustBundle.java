package org.openbcs.ordering.server;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.openbcs.ordering.channel.ChannelConfig;

/**
 * The CA certificates a client certificate may chain to: this node's own TLS CA plus the TLS root
 * and intermediate CAs of every organisation in the served channels, as Fabric orderers trust
 * them (peers trust the same set for their node-to-node clients). Written as one PEM file because
 * the TLS stack loads trust roots from a file.
 */
public final class ClientTrustBundle {
  public static final String FILE_NAME = "tls-client-roots.pem";

  private ClientTrustBundle() {}

  /** Writes the bundle into {@code dataDir} (atomically replacing an older one) and returns it. */
  public static Path write(Path dataDir, Path ownCaFile, Collection<ChannelConfig> channels) {
    ByteArrayOutputStream pem = new ByteArrayOutputStream();
    try {
      appendPem(pem, Files.readAllBytes(ownCaFile));
      for (ChannelConfig c : channels) {
        for (FabricMSPConfig msp : c.allMsps()) {
          for (ByteString cert : msp.getTlsRootCertsList()) {
            appendPem(pem, cert.toByteArray());
          }
          for (ByteString cert : msp.getTlsIntermediateCertsList()) {
            appendPem(pem, cert.toByteArray());
          }
        }
      }
      Files.createDirectories(dataDir);
      Path target = dataDir.resolve(FILE_NAME);
      Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
      Files.write(tmp, pem.toByteArray());
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the TLS client trust bundle in " + dataDir, e);
    }
  }

  private static void appendPem(ByteArrayOutputStream out, byte[] pem) {
    out.writeBytes(pem);
    if (pem.length > 0 && pem[pem.length - 1] != '\n') {
      out.write('\n');
    }
  }
}
