package org.openbcs.identity.ca.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openbcs.identity.Role;
import org.openbcs.identity.ca.CaException;
import org.openbcs.identity.ca.OrgCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bcs ca issue}: issues an identity (MSP + TLS folders) from an existing organisation CA.
 */
@Command(
    name = "issue",
    mixinStandardHelpOptions = true,
    description =
        "Issue a client, peer, admin or orderer identity: OUT/msp and OUT/tls in Fabric's layout.")
public final class CaIssueCommand implements Callable<Integer> {
  @Mixin CaOptions options;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "Identity name, e.g. peer0 or User1 (the domain is appended)")
  String name;

  @Option(
      names = "--role",
      required = true,
      paramLabel = "ROLE",
      description = "client, peer, admin or orderer")
  String role;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "TLS host name or IP (repeatable); localhost and 127.0.0.1 are always included")
  List<String> hosts = new ArrayList<>();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write msp/ and tls/ into")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Role r = parseRole(role);
    OrgCa ca = options.load();
    Path dir = ca.issue(name, r, hosts, out);
    spec.commandLine()
        .getOut()
        .println(
            "issued "
                + r.name().toLowerCase(Locale.ROOT)
                + " "
                + ca.commonName(name, r)
                + " of "
                + ca.mspId()
                + " into "
                + dir);
    return 0;
  }

  static Role parseRole(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "client" -> Role.CLIENT;
      case "peer" -> Role.PEER;
      case "admin" -> Role.ADMIN;
      case "orderer" -> Role.ORDERER;
      default ->
          throw new CaException(
              "unknown role '" + text + "': expected client, peer, admin or orderer");
    };
  }
}
