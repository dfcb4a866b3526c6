package org.openbcs.peer.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekNewest;
import org.hyperledger.fabric.protos.orderer.SeekNextCommit;
import org.hyperledger.fabric.protos.orderer.SeekOldest;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.hyperledger.fabric.protos.orderer.SeekSpecified;
import org.hyperledger.fabric.protos.peer.DeliverGrpc;
import org.hyperledger.fabric.protos.peer.DeliverResponse;
import org.hyperledger.fabric.protos.peer.FilteredBlock;
import org.hyperledger.fabric.protos.peer.FilteredTransaction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.committer.BlockCommitter;
import org.openbcs.peer.committer.TestNetwork;
import org.openbcs.peer.committer.TxFactory;
import org.openbcs.transport.GrpcTransport;

@Timeout(60)
class DeliverServiceTest {
  static final long WAIT_SECONDS = 10;

  @TempDir Path dir;
  TestNetwork net;
  TxFactory txs;
  PeerChannel channel;
  BlockCommitter committer;
  Block tip;
  DeliverService service;
  Server server;
  ManagedChannel client;
  SigningIdentity user;
  String eventTxId;
  String invalidTxId;

  @BeforeEach
  void setUp() throws IOException {
    net = new TestNetwork(dir.resolve("crypto"), "Org1MSP", "Org2MSP");
    txs = new TxFactory(net.suite);
    net.define("basic", "AND('Org1MSP.peer','Org2MSP.peer')");
    channel = net.openChannel(dir.resolve("ledger"));
    committer = new BlockCommitter(channel);
    tip = net.config.genesisBlock(net.suite);
    committer.commit(tip);
    user = net.clients.get("Org1MSP");
    SigningIdentity p1 = net.peers.get("Org1MSP");
    SigningIdentity p2 = net.peers.get("Org2MSP");
    TxFactory.Tx withEvent = txs.tx(user, "basic").endorsedBy(p1, p2).writes("a", "1").event("created");
    Envelope e1 = withEvent.build();
    eventTxId = withEvent.txId();
    TxFactory.Tx invalid = txs.tx(user, "basic").endorsedBy(p1).writes("b", "2");
    Envelope e2 = invalid.build();
    invalidTxId = invalid.txId();
    commitNext(e1, e2);

    service = new DeliverService(id -> id.equals(TestNetwork.CHANNEL) ? channel : null);
    server = GrpcTransport.serverBuilder("127.0.0.1", 0, null, false).addService(service).build().start();
    client = GrpcTransport.channel("127.0.0.1", server.getPort(), null, null, null);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    client.shutdownNow();
    service.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    net.close();
  }

  private void commitNext(Envelope... envelopes) {
    Block block = txs.nextBlock(tip, List.of(envelopes));
    committer.commit(block);
    tip = block;
  }

  /** Responses of one call, and the end of the call as a terminal marker. */
  static final class Call {
    static final Object COMPLETED = new Object();
    final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    volatile ClientCallStreamObserver<Envelope> requests;

    ClientResponseObserver<Envelope, DeliverResponse> observer() {
      return new ClientResponseObserver<>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<Envelope> r) {
          requests = r;
        }

        @Override
        public void onNext(DeliverResponse value) {
          inbox.add(value);
        }

        @Override
        public void onError(Throwable t) {
          inbox.add(t);
        }

        @Override
        public void onCompleted() {
          inbox.add(COMPLETED);
        }
      };
    }

    DeliverResponse next() throws InterruptedException {
      Object o = inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(o).as("a response within %d s", WAIT_SECONDS).isInstanceOf(DeliverResponse.class);
      return (DeliverResponse) o;
    }

    void assertCompleted() throws InterruptedException {
      assertThat(inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isSameAs(COMPLETED);
    }
  }

  enum Kind {
    BLOCKS,
    FILTERED,
    PRIVATE
  }

  private Call call(Kind kind, Envelope request) {
    Call call = new Call();
    DeliverGrpc.DeliverStub stub = DeliverGrpc.newStub(client);
    switch (kind) {
      case BLOCKS -> stub.deliver(call.observer());
      case FILTERED -> stub.deliverFiltered(call.observer());
      case PRIVATE -> stub.deliverWithPrivateData(call.observer());
    }
    call.requests.onNext(request);
    return call;
  }

  static SeekPosition oldest() {
    return SeekPosition.newBuilder().setOldest(SeekOldest.getDefaultInstance()).build();
  }

  static SeekPosition newest() {
    return SeekPosition.newBuilder().setNewest(SeekNewest.getDefaultInstance()).build();
  }

  static SeekPosition nextCommit() {
    return SeekPosition.newBuilder().setNextCommit(SeekNextCommit.getDefaultInstance()).build();
  }

  static SeekPosition specified(long n) {
    return SeekPosition.newBuilder().setSpecified(SeekSpecified.newBuilder().setNumber(n)).build();
  }

  private Envelope seek(SeekPosition start, SeekPosition stop) {
    return seek(TestNetwork.CHANNEL, start, stop, SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, user, System.currentTimeMillis(), false);
  }

  static Envelope seek(
      String channelId,
      SeekPosition start,
      SeekPosition stop,
      SeekInfo.SeekBehavior behavior,
      SigningIdentity signer,
      long timestampMillis,
      boolean badSignature) {
    return seek(channelId, start, stop, behavior, signer, timestampMillis, badSignature, new byte[0]);
  }

  static Envelope seek(
      String channelId,
      SeekPosition start,
      SeekPosition stop,
      SeekInfo.SeekBehavior behavior,
      SigningIdentity signer,
      long timestampMillis,
      boolean badSignature,
      byte[] tlsCertHash) {
    ByteString payload =
        Payload.newBuilder()
            .setHeader(
                Header.newBuilder()
                    .setChannelHeader(
                        ChannelHeader.newBuilder()
                            .setType(HeaderType.DELIVER_SEEK_INFO_VALUE)
                            .setChannelId(channelId)
                            .setTimestamp(Timestamp.newBuilder().setSeconds(timestampMillis / 1000))
                            .setTlsCertHash(ByteString.copyFrom(tlsCertHash))
                            .build()
                            .toByteString())
                    .setSignatureHeader(
                        SignatureHeader.newBuilder()
                            .setCreator(ByteString.copyFrom(signer.serialized()))
                            .build()
                            .toByteString()))
            .setData(SeekInfo.newBuilder().setStart(start).setStop(stop).setBehavior(behavior).build().toByteString())
            .build()
            .toByteString();
    byte[] signed = badSignature ? payload.concat(ByteString.copyFromUtf8("x")).toByteArray() : payload.toByteArray();
    return Envelope.newBuilder().setPayload(payload).setSignature(ByteString.copyFrom(signer.sign(signed))).build();
  }

  @Test
  void oldestToNewestStreamsCommittedBlocksThenSuccess() throws InterruptedException {
    Call call = call(Kind.BLOCKS, seek(oldest(), newest()));
    Block b0 = call.next().getBlock();
    Block b1 = call.next().getBlock();
    assertThat(b0.getHeader().getNumber()).isZero();
    assertThat(b1.getHeader().getNumber()).isEqualTo(1);
    assertThat(b1.getMetadata().getMetadata(2).toByteArray())
        .containsExactly(0, TxValidationCode.ENDORSEMENT_POLICY_FAILURE_VALUE);
    assertThat(b1).isEqualTo(channel.ledger().blocks().blockByNumber(1).orElseThrow());
    assertThat(call.next().getStatus()).isEqualTo(Status.SUCCESS);
  }

  @Test
  void nextCommitWaitsForTheNextBlockAndCancellationEndsTheWorker() throws InterruptedException {
    Call call = call(Kind.BLOCKS, seek(nextCommit(), specified(Long.MAX_VALUE)));
    // Nothing is committed yet: the stream must stay silent rather than send a status.
    assertThat(call.inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();
    // The server resolves next_commit when its worker reads the request; on a loaded machine that
    // may be after our first commit, so commit until a block arrives: it must be the newest one.
    DeliverResponse r = null;
    for (int attempt = 0; attempt < 3 && r == null; attempt++) {
      commitNext(
          txs.tx(user, "basic")
              .endorsedBy(net.peers.get("Org1MSP"), net.peers.get("Org2MSP"))
              .writes("c" + attempt, "3")
              .build());
      Object o = call.inbox.poll(3, TimeUnit.SECONDS);
      r = (DeliverResponse) o;
    }
    assertThat(r).as("a block after a commit").isNotNull();
    assertThat(r.hasBlock()).isTrue();
    assertThat(r.getBlock().getHeader().getNumber()).isEqualTo(tip.getHeader().getNumber());
    assertThat(service.openStreams()).isEqualTo(1);

    call.requests.cancel("test done", null);
    awaitNoOpenStreams();
  }

  /** The worker notices cancellation or close within one wait slice and releases its permit. */
  private void awaitNoOpenStreams() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (service.openStreams() > 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    assertThat(service.openStreams()).isZero();
  }

  @Test
  void filteredBlocksCarryCodesAndEventNamesWithoutPayloads() throws InterruptedException {
    Call call = call(Kind.FILTERED, seek(specified(1), specified(1)));
    FilteredBlock fb = call.next().getFilteredBlock();
    assertThat(fb.getNumber()).isEqualTo(1);
    assertThat(fb.getChannelId()).isEqualTo(TestNetwork.CHANNEL);
    assertThat(fb.getFilteredTransactionsList()).hasSize(2);
    FilteredTransaction valid = fb.getFilteredTransactions(0);
    assertThat(valid.getTxid()).isEqualTo(eventTxId);
    assertThat(valid.getType()).isEqualTo(HeaderType.ENDORSER_TRANSACTION);
    assertThat(valid.getTxValidationCode()).isEqualTo(TxValidationCode.VALID);
    var event = valid.getTransactionActions().getChaincodeActions(0).getChaincodeEvent();
    assertThat(event.getEventName()).isEqualTo("created");
    assertThat(event.getChaincodeId()).isEqualTo("basic");
    assertThat(event.getTxId()).isEqualTo(eventTxId);
    assertThat(event.getPayload().isEmpty()).isTrue();
    FilteredTransaction invalid = fb.getFilteredTransactions(1);
    assertThat(invalid.getTxid()).isEqualTo(invalidTxId);
    assertThat(invalid.getTxValidationCode()).isEqualTo(TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    assertThat(invalid.getTransactionActions().getChaincodeActionsCount()).isZero();
    assertThat(call.next().getStatus()).isEqualTo(Status.SUCCESS);
  }

  @Test
  void badSignatureIsForbidden() throws InterruptedException {
    Call call =
        call(
            Kind.BLOCKS,
            seek(TestNetwork.CHANNEL, oldest(), newest(), SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, user,
                System.currentTimeMillis(), true));
    assertThat(call.next().getStatus()).isEqualTo(Status.FORBIDDEN);
    call.assertCompleted();
  }

  @Test
  void unknownChannelIsNotFound() throws InterruptedException {
    Call call =
        call(
            Kind.FILTERED,
            seek("nochannel", oldest(), newest(), SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, user,
                System.currentTimeMillis(), false));
    assertThat(call.next().getStatus()).isEqualTo(Status.NOT_FOUND);
    call.assertCompleted();
  }

  @Test
  void aSeekBoundToAnotherTlsSessionIsBadRequest() throws Exception {
    // Over this plaintext connection there is no client certificate for the claimed hash to name.
    byte[] someHash = net.suite.hash("another session's certificate".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Call call =
        call(
            Kind.BLOCKS,
            seek(TestNetwork.CHANNEL, oldest(), newest(), SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, user,
                System.currentTimeMillis(), false, someHash));
    assertThat(call.next().getStatus()).isEqualTo(Status.BAD_REQUEST);
    call.assertCompleted();

    // The same check with a session certificate: its own hash passes, another's does not.
    SeekRequests requests = new SeekRequests(id -> id.equals(TestNetwork.CHANNEL) ? channel : null,
        org.openbcs.common.time.TimeSource.SYSTEM);
    byte[] der = user.certificate().getEncoded();
    var session = org.openbcs.transport.TlsClientCertificate.of(der);
    Envelope bound = seek(TestNetwork.CHANNEL, oldest(), newest(), SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, user,
        System.currentTimeMillis(), false, net.suite.hash(der));
    assertThat(requests.check(bound, session)).isInstanceOf(SeekRequests.Accepted.class);
    Envelope other = seek(TestNetwork.CHANNEL, oldest(), newest(), SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, user,
        System.currentTimeMillis(), false, someHash);
    assertThat(requests.check(other, session))
        .isInstanceOfSatisfying(SeekRequests.Rejected.class, r -> {
          assertThat(r.status()).isEqualTo(Status.BAD_REQUEST);
          assertThat(r.reason()).contains("does not match the hash");
        });
  }

  @Test
  void staleTimestampIsBadRequest() throws InterruptedException {
    long twentyMinutesAgo = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(20);
    Call call =
        call(
            Kind.BLOCKS,
            seek(TestNetwork.CHANNEL, oldest(), newest(), SeekInfo.SeekBehavior.BLOCK_UNTIL_READY, user,
                twentyMinutesAgo, false));
    assertThat(call.next().getStatus()).isEqualTo(Status.BAD_REQUEST);
  }

  @Test
  void failIfNotReadyBeyondTheTipIsNotFound() throws InterruptedException {
    Call call =
        call(
            Kind.BLOCKS,
            seek(TestNetwork.CHANNEL, specified(1), specified(5), SeekInfo.SeekBehavior.FAIL_IF_NOT_READY, user,
                System.currentTimeMillis(), false));
    assertThat(call.next().getBlock().getHeader().getNumber()).isEqualTo(1);
    assertThat(call.next().getStatus()).isEqualTo(Status.NOT_FOUND);
    call.assertCompleted();
  }

  @Test
  void privateDataIsNotSupported() throws InterruptedException {
    Call call = call(Kind.PRIVATE, seek(oldest(), newest()));
    assertThat(call.next().getStatus()).isEqualTo(Status.BAD_REQUEST);
    call.assertCompleted();
  }

  @Test
  void closingTheServiceEndsWaitingStreamsWithUnavailable() throws InterruptedException {
    Call call = call(Kind.FILTERED, seek(specified(100), specified(Long.MAX_VALUE)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (service.openStreams() == 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    service.close();
    Object end = call.inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(end).isInstanceOf(io.grpc.StatusRuntimeException.class);
    assertThat(((io.grpc.StatusRuntimeException) end).getStatus().getCode())
        .isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
    awaitNoOpenStreams();
  }

  @Test
  void startAfterStopIsBadRequest() throws InterruptedException {
    Call call = call(Kind.BLOCKS, seek(specified(1), specified(0)));
    assertThat(call.next().getStatus()).isEqualTo(Status.BAD_REQUEST);
  }
}
