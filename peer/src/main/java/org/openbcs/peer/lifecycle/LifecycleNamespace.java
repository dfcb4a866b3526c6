package org.openbcs.peer.lifecycle;

import com.google.protobuf.InvalidProtocolBufferException;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;
import org.hyperledger.fabric.protos.peer.lifecycle.CommitChaincodeDefinitionArgs;
import org.openbcs.identity.msp.MspManager;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.openbcs.peer.policy.EndorsementPolicies;

/**
 * How chaincode definitions sit in the ledger: namespace {@code _lifecycle}, key = chaincode
 * name, value = serialized {@code CommitChaincodeDefinitionArgs{name, sequence, version,
 * validation_parameter = serialized ApplicationPolicy, init_required = false}}.
 */
public final class LifecycleNamespace {
  /** The system chaincode's name, which is also its state namespace. */
  public static final String NAME = "_lifecycle";

  private LifecycleNamespace() {}

  public static CommitChaincodeDefinitionArgs record(
      String name, String version, long sequence, ApplicationPolicy policy) {
    return CommitChaincodeDefinitionArgs.newBuilder()
        .setName(name)
        .setVersion(version)
        .setSequence(sequence)
        .setValidationParameter(policy.toByteString())
        .setInitRequired(false)
        .build();
  }

  public static CommitChaincodeDefinitionArgs parseRecord(String name, byte[] value) {
    try {
      return CommitChaincodeDefinitionArgs.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "malformed chaincode definition of '" + name + "' in namespace " + NAME, e);
    }
  }

  public static ChaincodeDefinition decode(
      String name, byte[] value, ChannelConfig config, MspManager msps) {
    CommitChaincodeDefinitionArgs args = parseRecord(name, value);
    ApplicationPolicy policy;
    try {
      policy = ApplicationPolicy.parseFrom(args.getValidationParameter());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "malformed endorsement policy in the definition of chaincode '" + name + "'", e);
    }
    return new ChaincodeDefinition(
        name,
        args.getVersion(),
        args.getSequence(),
        EndorsementPolicies.fromApplicationPolicy(policy, config, msps));
  }
}
