package org.openbcs.chaincode.support;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;

/**
 * Inbound observer for a stream the peer dials: gRPC wants it before the call exists, the
 * {@link ChaincodeStream} needs the call's outbound side, so messages wait here for the target.
 */
final class RelayObserver implements StreamObserver<ChaincodeMessage> {
  private final CompletableFuture<StreamObserver<ChaincodeMessage>> target = new CompletableFuture<>();

  void attach(StreamObserver<ChaincodeMessage> observer) {
    target.complete(observer);
  }

  @Override
  public void onNext(ChaincodeMessage value) {
    target.join().onNext(value);
  }

  @Override
  public void onError(Throwable t) {
    target.join().onError(t);
  }

  @Override
  public void onCompleted() {
    target.join().onCompleted();
  }
}
