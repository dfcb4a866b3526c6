package org.openbcs.peer.policy;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Locale;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;

/** ROLE principals ({@code 'Org1MSP.peer'}) between their text form and Fabric's protos. */
final class Principals {
  private Principals() {}

  static MSPPrincipal role(String mspId, MSPRole.MSPRoleType role) {
    return MSPPrincipal.newBuilder()
        .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
        .setPrincipal(MSPRole.newBuilder().setMspIdentifier(mspId).setRole(role).build().toByteString())
        .build();
  }

  /** The role named in policy text, or null if the word is not a role. */
  static MSPRole.MSPRoleType roleNamed(String word) {
    return switch (word) {
      case "member" -> MSPRole.MSPRoleType.MEMBER;
      case "admin" -> MSPRole.MSPRoleType.ADMIN;
      case "client" -> MSPRole.MSPRoleType.CLIENT;
      case "peer" -> MSPRole.MSPRoleType.PEER;
      case "orderer" -> MSPRole.MSPRoleType.ORDERER;
      default -> null;
    };
  }

  /** {@code Org1MSP.peer}; the quotes are added by the caller. */
  static String text(MSPPrincipal principal) {
    if (principal.getPrincipalClassification() != MSPPrincipal.Classification.ROLE) {
      throw new IllegalArgumentException(
          "unsupported principal classification " + principal.getPrincipalClassification()
              + " (only ROLE principals are supported)");
    }
    MSPRole role = parseRole(principal);
    if (role.getRole() == MSPRole.MSPRoleType.UNRECOGNIZED) {
      throw new IllegalArgumentException("unknown MSP role value " + role.getRoleValue());
    }
    return role.getMspIdentifier() + "." + role.getRole().name().toLowerCase(Locale.ROOT);
  }

  static MSPRole parseRole(MSPPrincipal principal) {
    try {
      return MSPRole.parseFrom(principal.getPrincipal());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("malformed MSPRole in policy principal: " + e.getMessage(), e);
    }
  }
}
