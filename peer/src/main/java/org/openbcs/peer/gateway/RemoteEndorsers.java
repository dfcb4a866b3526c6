package org.openbcs.peer.gateway;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.peer.EndorserGrpc;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.transport.GrpcTransport;

/**
 * The other organisations' peers this gateway asks for endorsements ({@code
 * protos.Endorser/ProcessProposal} over TLS), one long-lived channel per peer.
 */
public final class RemoteEndorsers implements AutoCloseable {
  private record Remote(Endpoint endpoint, ManagedChannel channel, EndorserGrpc.EndorserStub stub) {}

  private final Map<String, Remote> byMsp = new LinkedHashMap<>();

  /**
   * @param peers mspId to host:port of that organisation's peer
   * @param tlsRoots PEM bundle of the remote peers' TLS CAs (null: plaintext)
   * @param clientCert client certificate presented for mutual TLS (may be null)
   */
  public RemoteEndorsers(Map<String, String> peers, Path tlsRoots, Path clientCert, Path clientKey) {
    peers.forEach(
        (mspId, address) -> {
          Endpoint endpoint = Endpoint.parse(address);
          ManagedChannel channel =
              GrpcTransport.channel(endpoint.host(), endpoint.port(), tlsRoots, clientCert, clientKey);
          byMsp.put(mspId, new Remote(endpoint, channel, EndorserGrpc.newStub(channel)));
        });
  }

  public Set<String> organizations() {
    return byMsp.keySet();
  }

  public boolean knows(String mspId) {
    return byMsp.containsKey(mspId);
  }

  public String address(String mspId) {
    Remote remote = byMsp.get(mspId);
    return remote == null ? "" : remote.endpoint().toString();
  }

  public CompletableFuture<ProposalResponse> endorse(
      String mspId, SignedProposal proposal, Duration timeout) {
    Remote remote = byMsp.get(mspId);
    CompletableFuture<ProposalResponse> result = new CompletableFuture<>();
    if (remote == null) {
      result.completeExceptionally(
          new IllegalArgumentException("no peer of organisation " + mspId + " is configured"));
      return result;
    }
    // A peer that was down leaves the channel in exponential reconnect backoff; a new proposal is
    // a good reason to try again now. The call then waits (within its deadline) for the connection.
    if (remote.channel().getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
      remote.channel().resetConnectBackoff();
    }
    remote
        .stub()
        .withWaitForReady()
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .processProposal(
            proposal,
            new StreamObserver<>() {
              @Override
              public void onNext(ProposalResponse value) {
                result.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                // Every successful call ends here after onNext: building the exception (message
                // and stack trace) only when it can still matter keeps it off the hot path.
                if (!result.isDone()) {
                  result.completeExceptionally(
                      new IllegalStateException("peer " + remote.endpoint() + " sent no response"));
                }
              }
            });
    return result;
  }

  @Override
  public void close() {
    for (Remote remote : byMsp.values()) {
      remote.channel().shutdownNow();
    }
    for (Remote remote : byMsp.values()) {
      try {
        remote.channel().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
