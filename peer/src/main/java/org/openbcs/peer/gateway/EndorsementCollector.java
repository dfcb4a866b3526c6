package org.openbcs.peer.gateway;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hyperledger.fabric.protos.gateway.ErrorDetail;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.openbcs.common.Verdict;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.peer.endorser.ChaincodeExecutor;
import org.openbcs.peer.endorser.Endorser;
import org.openbcs.peer.endorser.ValidatedProposal;
import org.openbcs.peer.lifecycle.LifecycleNamespace;
import org.openbcs.peer.policy.EndorsementPolicies;
import org.openbcs.peer.policy.EndorsementPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the endorsements a proposal needs. Plan: this peer always simulates (it validated the
 * proposal); if its own endorsement cannot satisfy the chaincode's policy, every other
 * organisation the policy names is asked too, in parallel with the local simulation. With {@code
 * endorsing_organizations} the client's list is followed exactly and the policy is left to the
 * committer. All responses must carry the same proposal response payload.
 */
final class EndorsementCollector {
  private static final Logger log = LoggerFactory.getLogger(EndorsementCollector.class);

  /** The collected result: the payload everybody agreed on and one endorsement per org. */
  record Endorsed(ByteString proposalResponsePayload, List<Endorsement> endorsements) {}

  private final Endorser local;
  private final java.util.function.Supplier<String> localAddress;
  private final RemoteEndorsers remotes;
  private final Duration remoteTimeout;

  EndorsementCollector(
      Endorser local,
      java.util.function.Supplier<String> localAddress,
      RemoteEndorsers remotes,
      Duration remoteTimeout) {
    this.local = local;
    this.localAddress = localAddress;
    this.remotes = remotes;
    this.remoteTimeout = remoteTimeout;
  }

  Endorsed collect(ValidatedProposal proposal, List<String> endorsingOrganizations)
      throws InterruptedException {
    String localMsp = local.mspId();
    EndorsementPolicy policy = policyOf(proposal);
    Set<String> requested = new LinkedHashSet<>(endorsingOrganizations);
    boolean followPolicy = requested.isEmpty();

    // Which other organisations to ask is known before simulating (the policy and whether this
    // peer alone satisfies it), so their endorsements run in parallel with the local one.
    List<String> others = new ArrayList<>();
    if (followPolicy) {
      if (policy != null && !policy.evaluate(List.of(self(proposal))).accepted()) {
        for (String org : new TreeSet<>(policy.organizations())) {
          if (!org.equals(localMsp)) {
            others.add(org);
          }
        }
      }
    } else {
      requested.stream().filter(org -> !org.equals(localMsp)).forEach(others::add);
    }
    List<ErrorDetail> failures = new ArrayList<>();
    Map<String, CompletableFuture<ProposalResponse>> calls = startRemotes(proposal, others, failures);

    Map<String, ProposalResponse> responses = new LinkedHashMap<>();
    if (followPolicy || requested.contains(localMsp)) {
      ProposalResponse own = local.endorse(proposal);
      if (own.getResponse().getStatus() >= 400 || !own.hasEndorsement()) {
        calls.values().forEach(call -> call.cancel(true));
        String message =
            "chaincode response " + own.getResponse().getStatus() + ", " + own.getResponse().getMessage();
        throw GatewayErrors.error(
            Status.Code.UNKNOWN, message, List.of(GatewayErrors.detail(localAddress.get(), localMsp, message)));
      }
      responses.put(localMsp, own);
    }
    awaitRemotes(proposal, calls, responses, failures);

    if (!followPolicy && responses.size() < requested.size()) {
      throw abort(failures);
    }
    if (followPolicy && policy != null) {
      Verdict verdict = evaluate(proposal, policy, responses.values());
      if (!verdict.accepted()) {
        if (failures.isEmpty()) {
          failures.add(GatewayErrors.detail(localAddress.get(), localMsp, verdict.reason()));
        }
        throw abort(failures);
      }
    }
    return consistent(responses);
  }

  private static RuntimeException abort(List<ErrorDetail> failures) {
    return GatewayErrors.error(
        Status.Code.ABORTED,
        "failed to collect enough transaction endorsements, see attached details for more info",
        failures);
  }

  private Map<String, CompletableFuture<ProposalResponse>> startRemotes(
      ValidatedProposal proposal, List<String> orgs, List<ErrorDetail> failures) {
    Map<String, CompletableFuture<ProposalResponse>> calls = new LinkedHashMap<>();
    for (String org : orgs) {
      if (!remotes.knows(org)) {
        failures.add(GatewayErrors.detail("", org, "no peer of organisation " + org + " is known to this gateway"));
        continue;
      }
      calls.put(org, remotes.endorse(org, proposal.signed(), remoteTimeout));
    }
    return calls;
  }

  private void awaitRemotes(
      ValidatedProposal proposal,
      Map<String, CompletableFuture<ProposalResponse>> calls,
      Map<String, ProposalResponse> responses,
      List<ErrorDetail> failures)
      throws InterruptedException {
    for (Map.Entry<String, CompletableFuture<ProposalResponse>> call : calls.entrySet()) {
      String org = call.getKey();
      String address = remotes.address(org);
      try {
        ProposalResponse response =
            call.getValue().get(remoteTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        String problem = check(proposal, org, response);
        if (problem == null) {
          responses.put(org, response);
        } else {
          failures.add(GatewayErrors.detail(address, org, problem));
        }
      } catch (ExecutionException e) {
        failures.add(GatewayErrors.detail(address, org, Status.fromThrowable(e.getCause()).toString()));
      } catch (TimeoutException e) {
        failures.add(GatewayErrors.detail(address, org, "endorsement timed out"));
      }
    }
    if (!failures.isEmpty()) {
      log.info(
          "channel={} tx={} endorsement failures: {}",
          proposal.channelId(),
          proposal.txId(),
          failures.stream().map(f -> f.getMspId() + ": " + f.getMessage()).toList());
    }
  }

  /** Null when the remote response is a usable endorsement, else what is wrong with it. */
  private static String check(ValidatedProposal proposal, String org, ProposalResponse response) {
    if (response.getResponse().getStatus() >= 400) {
      return "chaincode response " + response.getResponse().getStatus() + ", " + response.getResponse().getMessage();
    }
    if (!response.hasEndorsement() || response.getPayload().isEmpty()) {
      return "peer returned no endorsement";
    }
    Endorsement endorsement = response.getEndorsement();
    Identity endorser;
    try {
      endorser = proposal.channel().msps().deserialize(endorsement.getEndorser().toByteArray());
    } catch (IdentityException e) {
      return "endorser identity is not valid: " + e.getMessage();
    }
    if (!endorser.mspId().equals(org)) {
      return "endorsement is from " + endorser.mspId() + ", not " + org;
    }
    // Verified through the channel's caching verifier, so the committer does not pay for it again.
    boolean ok =
        proposal
            .channel()
            .verifier()
            .verify(
                new SignatureVerifier.Request(
                    endorser.publicKey(),
                    response.getPayload().concat(endorsement.getEndorser()).toByteArray(),
                    endorsement.getSignature().toByteArray()));
    return ok ? null : "endorsement signature is not valid";
  }

  private static Endorsed consistent(Map<String, ProposalResponse> responses) {
    ByteString payload = null;
    List<Endorsement> endorsements = new ArrayList<>();
    for (ProposalResponse r : responses.values()) {
      if (payload == null) {
        payload = r.getPayload();
      } else if (!payload.equals(r.getPayload())) {
        throw GatewayErrors.error(Status.Code.ABORTED, "ProposalResponsePayloads do not match");
      }
      endorsements.add(r.getEndorsement());
    }
    return new Endorsed(payload, endorsements);
  }

  /** The policy planning follows: the chaincode's, MAJORITY for _lifecycle, none for qscc. */
  private EndorsementPolicy policyOf(ValidatedProposal proposal) {
    if (proposal.chaincodeName().equals(LifecycleNamespace.NAME)) {
      return EndorsementPolicies.channelMajority(proposal.channel().config(), proposal.channel().msps());
    }
    if (local.executor().isSystemChaincode(proposal.chaincodeName())) {
      return null;
    }
    return ChaincodeExecutor.definitionOf(proposal).endorsementPolicy();
  }

  /** This peer's identity as the channel's MSPs see it (cached by the MSP manager). */
  private Identity self(ValidatedProposal proposal) {
    return proposal.channel().msps().deserialize(local.signer().serialized());
  }

  private static Verdict evaluate(
      ValidatedProposal proposal, EndorsementPolicy policy, java.util.Collection<ProposalResponse> responses) {
    List<Identity> endorsers = new ArrayList<>();
    for (ProposalResponse r : responses) {
      endorsers.add(proposal.channel().msps().deserialize(r.getEndorsement().getEndorser().toByteArray()));
    }
    return policy.evaluate(endorsers);
  }
}
