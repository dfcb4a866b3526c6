package org.openbcs.node.cli;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.cert.CertificateException;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.openbcs.node.network.MspFiles;
import org.openbcs.node.network.NetworkLayout;
import org.openbcs.node.network.NetworkLayout.PeerOrg;
import org.openbcs.transport.GrpcTransport;
import picocli.CommandLine.Option;

/** How a client command finds the network and its identity: defaults to User1 of Org1MSP of ./.bcs. */
final class ClientOptions {
  @Option(names = "--data", description = "Data directory of the network (default: ${DEFAULT-VALUE}).", defaultValue = ".bcs")
  Path data;

  @Option(names = "--org", description = "Organisation whose peer and user to use (default: ${DEFAULT-VALUE}).", defaultValue = "Org1MSP")
  String org;

  @Option(names = "--user", description = "User name in that organisation (default: ${DEFAULT-VALUE}).", defaultValue = "User1")
  String user;

  @Option(names = "--channel", description = "Channel (default: the network's channel).")
  String channel;

  /** An open gateway connection; close the returned handle to release it. */
  record Connection(Gateway gateway, ManagedChannel grpc, String channel) implements AutoCloseable {
    @Override
    public void close() {
      gateway.close();
      grpc.shutdownNow();
    }
  }

  Connection connect() throws IOException, CertificateException, InvalidKeyException {
    NetworkLayout layout = NetworkLayout.load(data);
    PeerOrg peerOrg = layout.org(org);
    Path msp = layout.userDir(peerOrg, user).resolve("msp");
    Path cert = MspFiles.signingCertificate(msp);
    Path key = MspFiles.privateKey(msp);
    ManagedChannel grpc =
        GrpcTransport.channel(layout.host(), peerOrg.peerPort(), layout.tlsRootsBundle(), null, null);
    Gateway gateway =
        Gateway.newInstance()
            .identity(new X509Identity(org, Identities.readX509Certificate(Files.readString(cert))))
            .signer(Signers.newPrivateKeySigner(Identities.readPrivateKey(Files.readString(key))))
            .connection(grpc)
            .connect();
    return new Connection(gateway, grpc, channel != null ? channel : layout.channelId());
  }
}
