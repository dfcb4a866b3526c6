package org.openbcs.it;

import org.openbcs.transport.RawGrpc;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.hyperledger.fabric.protos.gateway.EvaluateResponse;
import org.hyperledger.fabric.protos.gateway.GatewayGrpc;
import org.hyperledger.fabric.protos.orderer.AtomicBroadcastGrpc;
import org.hyperledger.fabric.protos.orderer.BroadcastResponse;
import org.hyperledger.fabric.protos.peer.ChaincodeSupportGrpc;
import org.hyperledger.fabric.protos.peer.DeliverGrpc;
import org.hyperledger.fabric.protos.peer.EndorserGrpc;
import org.hyperledger.fabric.protos.peer.ProposalResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openbcs.common.time.TimeSource;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.CryptoSuites;
import org.openbcs.identity.Role;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.identity.ca.OrgCa;
import org.openbcs.identity.msp.MspDirectory;
import org.openbcs.transport.RawGrpc.Outcome;
import org.openbcs.node.network.NetworkLayout.PeerOrg;
import org.openbcs.transport.GrpcTransport;

/**
 * Bad input to every gRPC method a network serves — bytes that are no protobuf, messages over the
 * transport limit, requests for a channel that does not exist, requests signed by an organisation
 * that is not in the channel — gets a precise refusal, and the node keeps serving afterwards.
 * Requests go over TLS with raw bytes, so nothing on the client side filters them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class BadInputTest {
  private static final String NO_SUCH_CHANNEL = "no-such-channel";
  private static final String CHANNEL_NOT_FOUND = "channel '" + NO_SUCH_CHANNEL + "' not found";
  private static final String FOREIGN_MSP = "Org3MSP";
  private static final String UNKNOWN_MSP = "unknown MSP '" + FOREIGN_MSP + "'";

  /** 'n' is the tag of field 13 with wire type 6, which does not exist. */
  private static final byte[] GARBAGE = "not a protobuf".getBytes(StandardCharsets.US_ASCII);

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private TestNetwork net;
  private String channelId;
  private ManagedChannel peer;
  private ManagedChannel orderer;
  private ManagedChannel chaincodeListener;
  private SigningIdentity user;
  private SigningIdentity peerIdentity;
  private SigningIdentity foreigner;
  private final SignedRequests requests = new SignedRequests();

  /** Where a method is served. */
  private enum Node {
    PEER,
    ORDERER,
    CHAINCODE_LISTENER
  }

  record Target(Node node, MethodDescriptor<?, ?> method) {
    @Override
    public String toString() {
      return method.getFullMethodName();
    }
  }

  @BeforeAll
  void startNetwork() throws Exception {
    net = TestNetwork.start(dir.resolve("net"));
    channelId = net.layout.channelId();
    PeerOrg org1 = net.layout.org("Org1MSP");
    // TLS everywhere; the peer's own TLS certificate is the client certificate, as nodes present it.
    Path tls = net.layout.peerDir(org1).resolve("tls");
    Path roots = net.layout.tlsRootsBundle();
    String host = net.layout.host();
    peer = GrpcTransport.channel(host, org1.peerPort(), roots, tls.resolve("server.crt"), tls.resolve("server.key"));
    orderer =
        GrpcTransport.channel(host, net.layout.ordererPort(), roots, tls.resolve("server.crt"), tls.resolve("server.key"));
    chaincodeListener =
        GrpcTransport.channel(host, org1.chaincodePort(), roots, tls.resolve("server.crt"), tls.resolve("server.key"));

    CryptoSuite suite = CryptoSuites.byName(net.layout.cryptoSuite());
    user = MspDirectory.loadSigningIdentity(net.layout.userDir(org1, "User1").resolve("msp"), "Org1MSP", suite);
    peerIdentity = MspDirectory.loadSigningIdentity(net.layout.peerDir(org1).resolve("msp"), "Org1MSP", suite);
    // A well-formed identity of an organisation the channel has never heard of.
    OrgCa org3 = OrgCa.create(dir.resolve("org3"), FOREIGN_MSP, "org3.example.com", suite, TimeSource.SYSTEM);
    Path org3User = org3.issue("User1", Role.CLIENT, List.of(), dir.resolve("org3").resolve("users").resolve("User1"));
    foreigner = MspDirectory.loadSigningIdentity(org3User.resolve("msp"), FOREIGN_MSP, suite);
    awaitChaincode();
  }

  /**
   * The first transaction starts the chaincode's JVM, which on a busy machine takes longer than the
   * deadline the checks after each test use; wait for it once, bounded.
   */
  private void awaitChaincode() throws Exception {
    SignedRequests.SignedTx tx = requests.proposal(user, channelId, "basic", "AssetExists", "warm-up");
    Outcome evaluated =
        RawGrpc.call(peer, GatewayGrpc.getEvaluateMethod(), SignedRequests.evaluate(tx), Duration.ofMinutes(2));
    assertThat(evaluated.code()).as("first evaluate: %s", evaluated.status()).isEqualTo(Status.Code.OK);
  }

  @AfterAll
  void stopNetwork() {
    for (ManagedChannel c : new ManagedChannel[] {peer, orderer, chaincodeListener}) {
      if (c != null) {
        c.shutdownNow();
      }
    }
    if (net != null) {
      net.close();
    }
  }

  /** After every refusal the peer (with its chaincode) and the orderer still answer valid requests. */
  @AfterEach
  void nodesStillServe() throws Exception {
    SignedRequests.SignedTx tx = requests.proposal(user, channelId, "basic", "AssetExists", "nothing-here");
    Outcome evaluated = RawGrpc.call(peer, GatewayGrpc.getEvaluateMethod(), SignedRequests.evaluate(tx), DEADLINE);
    assertThat(evaluated.code()).as("peer evaluate after bad input: %s", evaluated.status()).isEqualTo(Status.Code.OK);
    assertThat(EvaluateResponse.parseFrom(evaluated.responses().getFirst()).getResult().getPayload().toStringUtf8())
        .isEqualTo("false");

    Outcome delivered =
        RawGrpc.call(orderer, AtomicBroadcastGrpc.getDeliverMethod(), requests.seek(peerIdentity, channelId, 0, 0), DEADLINE);
    assertThat(delivered.code()).as("orderer deliver after bad input: %s", delivered.status()).isEqualTo(Status.Code.OK);
    assertThat(delivered.responses()).hasSize(2);
    var first = org.hyperledger.fabric.protos.orderer.DeliverResponse.parseFrom(delivered.responses().get(0));
    var last = org.hyperledger.fabric.protos.orderer.DeliverResponse.parseFrom(delivered.responses().get(1));
    assertThat(first.getBlock().getHeader().getNumber()).isZero();
    assertThat(last.getStatus()).isEqualTo(org.hyperledger.fabric.protos.common.Status.SUCCESS);
  }

  /** Every method of the peer's and the orderer's client-facing services. */
  Stream<Target> peerAndOrdererMethods() {
    return Stream.of(
            targets(Node.PEER, GatewayGrpc.getServiceDescriptor()),
            targets(Node.PEER, EndorserGrpc.getServiceDescriptor()),
            targets(Node.PEER, DeliverGrpc.getServiceDescriptor()),
            targets(Node.ORDERER, AtomicBroadcastGrpc.getServiceDescriptor()))
        .flatMap(s -> s);
  }

  /** Those and the peer's chaincode listener (which only chaincodes with an org TLS certificate reach). */
  Stream<Target> everyMethod() {
    return Stream.concat(
        peerAndOrdererMethods(), targets(Node.CHAINCODE_LISTENER, ChaincodeSupportGrpc.getServiceDescriptor()));
  }

  private static Stream<Target> targets(Node node, ServiceDescriptor service) {
    return service.getMethods().stream().map(m -> new Target(node, m));
  }

  private Channel channelOf(Node node) {
    return switch (node) {
      case PEER -> peer;
      case ORDERER -> orderer;
      case CHAINCODE_LISTENER -> chaincodeListener;
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMethod")
  void bytesThatAreNoProtobufAreAnInvalidArgumentNamingWhatFailedToParse(Target target) throws Exception {
    MethodDescriptor<?, ?> method = target.method();
    Outcome outcome = RawGrpc.call(channelOf(target.node()), method, List.of(GARBAGE), DEADLINE);

    assertThat(outcome.code()).as("%s", outcome.status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(outcome.description())
        .startsWith(
            "malformed " + method.getFullMethodName() + " request (not a " + RawGrpc.requestType(method) + "): ")
        .containsIgnoringCase("invalid wire type");
    assertThat(outcome.responses()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMethod")
  void aMessageOverTheTransportLimitIsResourceExhausted(Target target) throws Exception {
    byte[] oversized = new byte[GrpcTransport.MAX_MESSAGE_BYTES + 1024 * 1024];
    Outcome outcome =
        RawGrpc.call(channelOf(target.node()), target.method(), List.of(oversized), Duration.ofSeconds(60));

    assertThat(outcome.code()).as("%s", outcome.status()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(outcome.description()).contains(Integer.toString(GrpcTransport.MAX_MESSAGE_BYTES));
    assertThat(outcome.responses()).isEmpty();
  }

  @Test
  void gatewayCallsForAnUnknownChannelAreNotFound() throws Exception {
    SignedRequests.SignedTx tx = requests.proposal(user, NO_SUCH_CHANNEL, "basic", "AssetExists", "x");
    SoftAssertions softly = new SoftAssertions();
    expectStatus(softly, "Evaluate", gateway(GatewayGrpc.getEvaluateMethod(), SignedRequests.evaluate(tx)),
        Status.Code.NOT_FOUND, CHANNEL_NOT_FOUND);
    expectStatus(softly, "Endorse", gateway(GatewayGrpc.getEndorseMethod(), SignedRequests.endorse(tx)),
        Status.Code.NOT_FOUND, CHANNEL_NOT_FOUND);
    expectStatus(softly, "Submit",
        gateway(GatewayGrpc.getSubmitMethod(),
            SignedRequests.submit(requests.transaction(user, NO_SUCH_CHANNEL), NO_SUCH_CHANNEL)),
        Status.Code.NOT_FOUND, CHANNEL_NOT_FOUND);
    expectStatus(softly, "CommitStatus",
        gateway(GatewayGrpc.getCommitStatusMethod(), SignedRequests.commitStatus(user, NO_SUCH_CHANNEL, tx.txId())),
        Status.Code.NOT_FOUND, CHANNEL_NOT_FOUND);
    expectStatus(softly, "ChaincodeEvents",
        gateway(GatewayGrpc.getChaincodeEventsMethod(), SignedRequests.chaincodeEvents(user, NO_SUCH_CHANNEL, "basic")),
        Status.Code.NOT_FOUND, CHANNEL_NOT_FOUND);
    softly.assertAll();
  }

  @Test
  void gatewayCallsSignedByAnOrganisationOutsideTheChannelAreRefused() throws Exception {
    SignedRequests.SignedTx tx = requests.proposal(foreigner, channelId, "basic", "AssetExists", "x");
    String creatorRefused = "access denied: channel [" + channelId + "] creator is not valid: " + UNKNOWN_MSP;
    String identityRefused = "access denied: identity is not valid: " + UNKNOWN_MSP;
    SoftAssertions softly = new SoftAssertions();
    expectStatus(softly, "Evaluate", gateway(GatewayGrpc.getEvaluateMethod(), SignedRequests.evaluate(tx)),
        Status.Code.PERMISSION_DENIED, creatorRefused);
    expectStatus(softly, "Endorse", gateway(GatewayGrpc.getEndorseMethod(), SignedRequests.endorse(tx)),
        Status.Code.PERMISSION_DENIED, creatorRefused);
    // The gateway forwards a prepared transaction as it is; the orderer checks its creator.
    expectStatus(softly, "Submit",
        gateway(GatewayGrpc.getSubmitMethod(), SignedRequests.submit(requests.transaction(foreigner, channelId), channelId)),
        Status.Code.ABORTED,
        "received unsuccessful response from orderer: status=FORBIDDEN, info=creator is not valid: " + UNKNOWN_MSP);
    expectStatus(softly, "CommitStatus",
        gateway(GatewayGrpc.getCommitStatusMethod(), SignedRequests.commitStatus(foreigner, channelId, tx.txId())),
        Status.Code.PERMISSION_DENIED, identityRefused);
    expectStatus(softly, "ChaincodeEvents",
        gateway(GatewayGrpc.getChaincodeEventsMethod(), SignedRequests.chaincodeEvents(foreigner, channelId, "basic")),
        Status.Code.PERMISSION_DENIED, identityRefused);
    softly.assertAll();
  }

  @Test
  void endorserAnswersAnUnknownChannelAndAForeignCreatorWithAStatus500Response() throws Exception {
    SoftAssertions softly = new SoftAssertions();
    expectRejectedProposal(softly, requests.proposal(user, NO_SUCH_CHANNEL, "basic", "AssetExists", "x"), CHANNEL_NOT_FOUND);
    expectRejectedProposal(
        softly,
        requests.proposal(foreigner, channelId, "basic", "AssetExists", "x"),
        "access denied: channel [" + channelId + "] creator is not valid: " + UNKNOWN_MSP);
    softly.assertAll();
  }

  @Test
  void peerDeliverAnswersNotFoundAndForbidden() throws Exception {
    SoftAssertions softly = new SoftAssertions();
    for (MethodDescriptor<?, ?> method : List.of(DeliverGrpc.getDeliverMethod(), DeliverGrpc.getDeliverFilteredMethod())) {
      expectPeerDeliverStatus(softly, method, requests.seek(user, NO_SUCH_CHANNEL, 0, 0),
          org.hyperledger.fabric.protos.common.Status.NOT_FOUND);
      expectPeerDeliverStatus(softly, method, requests.seek(foreigner, channelId, 0, 0),
          org.hyperledger.fabric.protos.common.Status.FORBIDDEN);
    }
    softly.assertAll();
  }

  @Test
  void ordererAnswersNotFoundAndForbidden() throws Exception {
    SoftAssertions softly = new SoftAssertions();
    expectBroadcastStatus(softly, requests.transaction(user, NO_SUCH_CHANNEL),
        org.hyperledger.fabric.protos.common.Status.NOT_FOUND, CHANNEL_NOT_FOUND);
    expectBroadcastStatus(softly, requests.transaction(foreigner, channelId),
        org.hyperledger.fabric.protos.common.Status.FORBIDDEN, "creator is not valid: " + UNKNOWN_MSP);
    expectOrdererDeliverStatus(softly, requests.seek(user, NO_SUCH_CHANNEL, 0, 0),
        org.hyperledger.fabric.protos.common.Status.NOT_FOUND);
    expectOrdererDeliverStatus(softly, requests.seek(foreigner, channelId, 0, 0),
        org.hyperledger.fabric.protos.common.Status.FORBIDDEN);
    softly.assertAll();
  }

  private Outcome gateway(MethodDescriptor<?, ?> method, com.google.protobuf.Message request) throws Exception {
    return RawGrpc.call(peer, method, request, DEADLINE);
  }

  private static void expectStatus(
      SoftAssertions softly, String call, Outcome outcome, Status.Code code, String description) {
    softly.assertThat(outcome.code()).as("%s: %s", call, outcome.status()).isEqualTo(code);
    softly.assertThat(outcome.description()).as("%s description", call).isEqualTo(description);
    softly.assertThat(outcome.responses()).as("%s responses", call).isEmpty();
  }

  private void expectRejectedProposal(SoftAssertions softly, SignedRequests.SignedTx tx, String message)
      throws Exception {
    Outcome outcome = RawGrpc.call(peer, EndorserGrpc.getProcessProposalMethod(), tx.proposal(), DEADLINE);
    softly.assertThat(outcome.code()).as("ProcessProposal: %s", outcome.status()).isEqualTo(Status.Code.OK);
    softly.assertThat(outcome.responses()).hasSize(1);
    if (outcome.responses().size() == 1) {
      ProposalResponse response = ProposalResponse.parseFrom(outcome.responses().getFirst());
      softly.assertThat(response.getResponse().getStatus()).isEqualTo(500);
      softly.assertThat(response.getResponse().getMessage()).isEqualTo(message);
      softly.assertThat(response.hasEndorsement()).isFalse();
    }
  }

  /** A refused seek is answered with one status message and the stream ends normally. */
  private void expectPeerDeliverStatus(
      SoftAssertions softly,
      MethodDescriptor<?, ?> method,
      org.hyperledger.fabric.protos.common.Envelope seek,
      org.hyperledger.fabric.protos.common.Status status)
      throws Exception {
    Outcome outcome = RawGrpc.call(peer, method, seek, DEADLINE);
    softly.assertThat(outcome.code()).as("%s: %s", method.getFullMethodName(), outcome.status()).isEqualTo(Status.Code.OK);
    softly.assertThat(outcome.responses()).as(method.getFullMethodName()).hasSize(1);
    if (outcome.responses().size() == 1) {
      var response = org.hyperledger.fabric.protos.peer.DeliverResponse.parseFrom(outcome.responses().getFirst());
      softly.assertThat(response.getStatus()).as(method.getFullMethodName()).isEqualTo(status);
    }
  }

  private void expectOrdererDeliverStatus(
      SoftAssertions softly,
      org.hyperledger.fabric.protos.common.Envelope seek,
      org.hyperledger.fabric.protos.common.Status status)
      throws Exception {
    Outcome outcome = RawGrpc.call(orderer, AtomicBroadcastGrpc.getDeliverMethod(), seek, DEADLINE);
    softly.assertThat(outcome.code()).as("orderer Deliver: %s", outcome.status()).isEqualTo(Status.Code.OK);
    softly.assertThat(outcome.responses()).as("orderer Deliver").hasSize(1);
    if (outcome.responses().size() == 1) {
      var response = org.hyperledger.fabric.protos.orderer.DeliverResponse.parseFrom(outcome.responses().getFirst());
      softly.assertThat(response.getStatus()).as("orderer Deliver").isEqualTo(status);
    }
  }

  private void expectBroadcastStatus(
      SoftAssertions softly,
      org.hyperledger.fabric.protos.common.Envelope envelope,
      org.hyperledger.fabric.protos.common.Status status,
      String info)
      throws Exception {
    Outcome outcome = RawGrpc.call(orderer, AtomicBroadcastGrpc.getBroadcastMethod(), envelope, DEADLINE);
    softly.assertThat(outcome.code()).as("Broadcast: %s", outcome.status()).isEqualTo(Status.Code.OK);
    softly.assertThat(outcome.responses()).as("Broadcast").hasSize(1);
    if (outcome.responses().size() == 1) {
      BroadcastResponse response = BroadcastResponse.parseFrom(outcome.responses().getFirst());
      softly.assertThat(response.getStatus()).as("Broadcast status").isEqualTo(status);
      softly.assertThat(response.getInfo()).as("Broadcast info").isEqualTo(info);
    }
  }
}
