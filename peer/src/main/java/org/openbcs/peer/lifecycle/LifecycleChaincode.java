package org.openbcs.peer.lifecycle;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hyperledger.fabric.protos.peer.ApplicationPolicy;
import org.hyperledger.fabric.protos.peer.Response;
import org.hyperledger.fabric.protos.peer.lifecycle.CommitChaincodeDefinitionArgs;
import org.hyperledger.fabric.protos.peer.lifecycle.QueryChaincodeDefinitionResult;
import org.hyperledger.fabric.protos.peer.lifecycle.QueryChaincodeDefinitionsResult;
import org.openbcs.chaincode.ChaincodeResult;
import org.openbcs.ledger.StatePage;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.ledger.VersionedValue;
import org.openbcs.peer.endorser.SystemChaincode;
import org.openbcs.peer.endorser.ValidatedProposal;
import org.openbcs.peer.policy.EndorsementPolicies;

/**
 * The {@code _lifecycle} system chaincode, OpenBCS's one-step form of Fabric's approve+commit:
 *
 * <ul>
 *   <li>{@code DeployChaincode(name, version, sequence, policy)} writes the definition; the
 *       sequence must be the current one + 1. The transaction is endorsed and validated with the
 *       channel's MAJORITY policy, which plays the part of Fabric's per-org approvals.
 *   <li>{@code QueryChaincodeDefinition(name)} returns a serialized {@code
 *       QueryChaincodeDefinitionResult}.
 *   <li>{@code QueryChaincodeDefinitions()} returns a serialized {@code
 *       QueryChaincodeDefinitionsResult}.
 * </ul>
 */
public final class LifecycleChaincode implements SystemChaincode {
  public static final String DEPLOY = "DeployChaincode";
  public static final String QUERY = "QueryChaincodeDefinition";
  public static final String QUERY_ALL = "QueryChaincodeDefinitions";

  @Override
  public String name() {
    return LifecycleNamespace.NAME;
  }

  @Override
  public ChaincodeResult invoke(ValidatedProposal proposal, TxSimulator simulator) {
    List<String> args =
        proposal.input().getArgsList().stream().map(ByteString::toStringUtf8).toList();
    String function = args.get(0);
    try {
      return switch (function) {
        case DEPLOY -> deploy(args, simulator);
        case QUERY -> query(args, simulator);
        case QUERY_ALL -> queryAll(simulator);
        default ->
            error(
                400,
                "unknown function '"
                    + function
                    + "' of _lifecycle, known: "
                    + DEPLOY
                    + ", "
                    + QUERY
                    + ", "
                    + QUERY_ALL);
      };
    } catch (IllegalArgumentException e) {
      return error(400, function + " failed: " + e.getMessage());
    }
  }

  private ChaincodeResult deploy(List<String> args, TxSimulator simulator) {
    expectArgs(args, 5, "DeployChaincode(name, version, sequence, policy)");
    String name = args.get(1);
    String version = args.get(2);
    String policyText = args.get(4);
    if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.+-]*") || name.startsWith("_")) {
      throw new IllegalArgumentException("invalid chaincode name '" + name + "'");
    }
    if (version.isEmpty()) {
      throw new IllegalArgumentException("chaincode version must not be empty");
    }
    long sequence;
    try {
      sequence = Long.parseLong(args.get(3));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("sequence '" + args.get(3) + "' is not a number");
    }
    byte[] current = simulator.getState(LifecycleNamespace.NAME, name);
    long currentSequence =
        current == null ? 0 : LifecycleNamespace.parseRecord(name, current).getSequence();
    if (sequence != currentSequence + 1) {
      throw new IllegalArgumentException(
          "requested sequence is "
              + sequence
              + ", but new definition must be sequence "
              + (currentSequence + 1));
    }
    ApplicationPolicy policy = EndorsementPolicies.toApplicationPolicy(policyText);
    CommitChaincodeDefinitionArgs record =
        LifecycleNamespace.record(name, version, sequence, policy);
    simulator.putState(LifecycleNamespace.NAME, name, record.toByteArray());
    return ok(
        ByteString.copyFrom(
            "chaincode " + name + " version " + version + " sequence " + sequence,
            StandardCharsets.UTF_8));
  }

  private ChaincodeResult query(List<String> args, TxSimulator simulator) {
    expectArgs(args, 2, "QueryChaincodeDefinition(name)");
    String name = args.get(1);
    byte[] value = simulator.getState(LifecycleNamespace.NAME, name);
    if (value == null) {
      return error(404, "namespace " + name + " is not defined");
    }
    return ok(toResult(LifecycleNamespace.parseRecord(name, value)).toByteString());
  }

  private ChaincodeResult queryAll(TxSimulator simulator) {
    QueryChaincodeDefinitionsResult.Builder all = QueryChaincodeDefinitionsResult.newBuilder();
    String bookmark = "";
    do {
      StatePage page = simulator.getStateRange(LifecycleNamespace.NAME, "", "", 0, bookmark);
      for (VersionedValue v : page.results()) {
        CommitChaincodeDefinitionArgs record = LifecycleNamespace.parseRecord(v.key(), v.value());
        QueryChaincodeDefinitionResult r = toResult(record);
        all.addChaincodeDefinitions(
            QueryChaincodeDefinitionsResult.ChaincodeDefinition.newBuilder()
                .setName(v.key())
                .setSequence(r.getSequence())
                .setVersion(r.getVersion())
                .setValidationParameter(r.getValidationParameter())
                .setInitRequired(false));
      }
      bookmark = page.bookmark();
    } while (!bookmark.isEmpty());
    return ok(all.build().toByteString());
  }

  private static QueryChaincodeDefinitionResult toResult(CommitChaincodeDefinitionArgs record) {
    return QueryChaincodeDefinitionResult.newBuilder()
        .setSequence(record.getSequence())
        .setVersion(record.getVersion())
        .setValidationParameter(record.getValidationParameter())
        .setInitRequired(false)
        .build();
  }

  private static void expectArgs(List<String> args, int count, String usage) {
    if (args.size() != count) {
      throw new IllegalArgumentException(
          "expected " + (count - 1) + " arguments, got " + (args.size() - 1) + ": " + usage);
    }
  }

  static ChaincodeResult ok(ByteString payload) {
    return new ChaincodeResult(Response.newBuilder().setStatus(200).setPayload(payload).build(), null);
  }

  static ChaincodeResult error(int status, String message) {
    return new ChaincodeResult(
        Response.newBuilder().setStatus(status).setMessage(message).build(), null);
  }
}
