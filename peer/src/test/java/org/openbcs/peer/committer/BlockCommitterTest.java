package org.openbcs.peer.committer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.SigningIdentity;
import org.openbcs.ledger.CommitResult;
import org.openbcs.ledger.LedgerException;
import org.openbcs.peer.channel.PeerChannel;

@Timeout(120)
class BlockCommitterTest {
  @TempDir Path dir;
  TestNetwork net;
  TxFactory txs;
  PeerChannel channel;
  BlockCommitter committer;
  Block tip;
  SigningIdentity client1;
  SigningIdentity peer1;
  SigningIdentity peer2;

  @BeforeEach
  void setUp() {
    net = new TestNetwork(dir.resolve("crypto"), "Org1MSP", "Org2MSP");
    txs = new TxFactory(net.suite);
    net.define("basic", "AND('Org1MSP.peer','Org2MSP.peer')");
    client1 = net.clients.get("Org1MSP");
    peer1 = net.peers.get("Org1MSP");
    peer2 = net.peers.get("Org2MSP");
  }

  @AfterEach
  void tearDown() {
    net.close();
  }

  private void open(SignatureVerifier verifier) {
    channel = net.openChannel(dir.resolve("ledger"), verifier);
    committer = new BlockCommitter(channel);
    tip = net.config.genesisBlock(net.suite);
    CommitResult genesis = committer.commit(tip);
    assertThat(genesis.validationCodes()).containsExactly(0);
  }

  private byte[] commit(Envelope... envelopes) {
    Block block = txs.nextBlock(tip, List.of(envelopes));
    CommitResult result = committer.commit(block);
    tip = block;
    assertThat(result.blockNum()).isEqualTo(block.getHeader().getNumber());
    return result.validationCodes();
  }

  private static int code(TxValidationCode c) {
    return c.getNumber();
  }

  @Test
  void validTransactionIsCommittedAndItsWritesAreVisible() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("asset1", "blue").build();
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.VALID));
    assertThat(new String(channel.ledger().getState("basic", "asset1").orElseThrow().value()))
        .isEqualTo("blue");
    Block stored = channel.ledger().blocks().blockByNumber(1).orElseThrow();
    assertThat(stored.getMetadata().getMetadata(2).toByteArray()).containsExactly(0);
    assertThat(committer.counters().count(TxValidationCode.VALID)).isEqualTo(2); // genesis + tx
  }

  @Test
  void badCreatorSignatureIsCode4() {
    open(net.verifier);
    Envelope tx =
        txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("a", "1").badCreatorSignature().build();
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.BAD_CREATOR_SIGNATURE));
    assertThat(channel.ledger().getState("basic", "a")).isEmpty();
  }

  @Test
  void rejectionsAreLoggedWithChannelBlockAndTxIdAsStructuredContext() {
    open(net.verifier);
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(BlockCommitter.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
        new ch.qos.logback.core.read.ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      Envelope tx =
          txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("a", "1").badCreatorSignature().build();
      assertThat(commit(tx)).containsExactly(code(TxValidationCode.BAD_CREATOR_SIGNATURE));
    } finally {
      logger.detachAppender(events);
    }
    long blockNum = tip.getHeader().getNumber();
    assertThat(events.list)
        .filteredOn(e -> e.getFormattedMessage().contains("BAD_CREATOR_SIGNATURE"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getMDCPropertyMap())
                  .containsEntry(org.openbcs.common.log.LogContext.CHANNEL, channel.channelId())
                  .containsEntry(org.openbcs.common.log.LogContext.BLOCK, Long.toString(blockNum))
                  .containsKey(org.openbcs.common.log.LogContext.TX_ID);
              assertThat(e.getMDCPropertyMap().get(org.openbcs.common.log.LogContext.TX_ID)).isNotBlank();
            });
    assertThat(org.slf4j.MDC.get(org.openbcs.common.log.LogContext.BLOCK)).as("the scope is closed").isNull();
  }

  @Test
  void tamperedEndorsementFailsThePolicy() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("a", "1").tamperEndorsement().build();
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.ENDORSEMENT_POLICY_FAILURE));
  }

  @Test
  void missingOrganisationForAndFailsThePolicy() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "basic").endorsedBy(peer1).writes("a", "1").build();
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.ENDORSEMENT_POLICY_FAILURE));
    Envelope twice = txs.tx(client1, "basic").endorsedBy(peer1, peer1).writes("a", "1").build();
    assertThat(commit(twice)).containsExactly(code(TxValidationCode.ENDORSEMENT_POLICY_FAILURE));
    Envelope clientEndorsed =
        txs.tx(client1, "basic").endorsedBy(peer1, net.clients.get("Org2MSP")).writes("a", "1").build();
    assertThat(commit(clientEndorsed)).containsExactly(code(TxValidationCode.ENDORSEMENT_POLICY_FAILURE));
    assertThat(committer.counters().count(TxValidationCode.ENDORSEMENT_POLICY_FAILURE)).isEqualTo(3);
  }

  @Test
  void wrongChannelIsTargetChainNotFound() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "basic").channel("otherchannel").endorsedBy(peer1, peer2).writes("a", "1").build();
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.TARGET_CHAIN_NOT_FOUND));
  }

  @Test
  void txIdThatDoesNotRecomputeIsBadProposalTxId() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("a", "1").wrongTxId().build();
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.BAD_PROPOSAL_TXID));
  }

  @Test
  void writeToAnotherNamespaceIsIllegalWriteset() {
    open(net.verifier);
    net.define("other", "OR('Org1MSP.peer')");
    Envelope tx =
        txs.tx(client1, "basic")
            .endorsedBy(peer1, peer2)
            .rwset(TxFactory.ns("other", List.of(), "k", "v"))
            .build();
    Envelope lifecycle =
        txs.tx(client1, "basic")
            .endorsedBy(peer1, peer2)
            .rwset(TxFactory.ns("_lifecycle", List.of(), "basic", "x"))
            .build();
    Envelope readOnlyElsewhere =
        txs.tx(client1, "basic")
            .endorsedBy(peer1, peer2)
            .rwset(TxFactory.ns("other", List.of(TxFactory.readAbsent("k"))))
            .writes("mine", "v")
            .build();
    assertThat(commit(tx, lifecycle, readOnlyElsewhere))
        .containsExactly(
            code(TxValidationCode.ILLEGAL_WRITESET),
            code(TxValidationCode.ILLEGAL_WRITESET),
            code(TxValidationCode.VALID));
    assertThat(channel.ledger().getState("other", "k")).isEmpty();
  }

  @Test
  void undefinedChaincodeIsInvalidChaincode() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "nosuchcc").endorsedBy(peer1, peer2).writes("a", "1").build();
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.INVALID_CHAINCODE));
  }

  @Test
  void lifecycleWritesNeedMajorityOfTheChannel() {
    open(net.verifier);
    Envelope one = txs.tx(client1, "_lifecycle").endorsedBy(peer1).writes("newcc", "def").build();
    Envelope both = txs.tx(client1, "_lifecycle").endorsedBy(peer1, peer2).writes("newcc", "def2").build();
    assertThat(commit(one, both))
        .containsExactly(code(TxValidationCode.ENDORSEMENT_POLICY_FAILURE), code(TxValidationCode.VALID));
    assertThat(new String(channel.ledger().getState("_lifecycle", "newcc").orElseThrow().value()))
        .isEqualTo("def2");
  }

  @Test
  void conflictingReadsInOneBlockAreMvccConflicts() {
    open(net.verifier);
    Envelope first =
        txs.tx(client1, "basic")
            .endorsedBy(peer1, peer2)
            .rwset(TxFactory.ns("basic", List.of(TxFactory.readAbsent("k")), "k", "1"))
            .build();
    Envelope second =
        txs.tx(client1, "basic")
            .endorsedBy(peer1, peer2)
            .rwset(TxFactory.ns("basic", List.of(TxFactory.readAbsent("k")), "k", "2"))
            .build();
    assertThat(commit(first, second))
        .containsExactly(code(TxValidationCode.VALID), code(TxValidationCode.MVCC_READ_CONFLICT));
    assertThat(new String(channel.ledger().getState("basic", "k").orElseThrow().value())).isEqualTo("1");
    assertThat(committer.counters().snapshot()).containsEntry(TxValidationCode.MVCC_READ_CONFLICT, 1L);
  }

  @Test
  void garbageAndUnsignedEnvelopesGetPreciseCodes() {
    open(net.verifier);
    Envelope garbage = Envelope.newBuilder().setPayload(com.google.protobuf.ByteString.copyFromUtf8("junk")).build();
    Envelope unsigned =
        txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("a", "1").build().toBuilder().clearSignature().build();
    Envelope noEndorsement = txs.tx(client1, "basic").writes("a", "1").build();
    assertThat(commit(garbage, unsigned, noEndorsement))
        .containsExactly(
            code(TxValidationCode.BAD_PAYLOAD),
            code(TxValidationCode.BAD_CREATOR_SIGNATURE),
            code(TxValidationCode.ENDORSEMENT_POLICY_FAILURE));
  }

  @Test
  void duplicateTxIdInABlockIsRejectedByTheLedger() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("a", "1").build();
    assertThat(commit(tx, tx))
        .containsExactly(code(TxValidationCode.VALID), code(TxValidationCode.DUPLICATE_TXID));
    assertThat(commit(tx)).containsExactly(code(TxValidationCode.DUPLICATE_TXID));
  }

  @Test
  void configEnvelopeAfterGenesisIsInvalidConfigTransaction() throws Exception {
    open(net.verifier);
    Envelope config = Envelope.parseFrom(tip.getData().getData(0));
    assertThat(commit(config)).containsExactly(code(TxValidationCode.INVALID_CONFIG_TRANSACTION));
  }

  @Test
  void blockThatDoesNotFollowIsRejectedByTheLedger() {
    open(net.verifier);
    Envelope tx = txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("a", "1").build();
    Block block = txs.nextBlock(tip, List.of(tx));
    Block skipped = txs.nextBlock(block, List.of(tx));
    assertThatThrownBy(() -> committer.commit(skipped)).isInstanceOf(LedgerException.class);
    assertThat(channel.ledger().blocks().height()).isEqualTo(1);
  }

  /** Counts calls while delegating to the real verifier. */
  static final class CountingVerifier implements SignatureVerifier {
    final SignatureVerifier delegate;
    final AtomicInteger verifyAllCalls = new AtomicInteger();
    final AtomicInteger verifyCalls = new AtomicInteger();
    volatile int lastBatchSize;

    CountingVerifier(SignatureVerifier delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean verify(Request request) {
      verifyCalls.incrementAndGet();
      return delegate.verify(request);
    }

    @Override
    public boolean[] verifyAll(List<Request> requests) {
      verifyAllCalls.incrementAndGet();
      lastBatchSize = requests.size();
      return delegate.verifyAll(requests);
    }
  }

  @Test
  void twoHundredTransactionsAreVerifiedInOneBatchAndNeverTwice() {
    CountingVerifier counting = new CountingVerifier(net.verifier);
    open(counting);
    List<Envelope> envelopes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      envelopes.add(txs.tx(client1, "basic").endorsedBy(peer1, peer2).writes("key" + i, "v" + i).build());
    }
    Block block = txs.nextBlock(tip, envelopes);
    int callsBefore = counting.verifyAllCalls.get();
    long missesBefore = net.verifier.cacheMisses();

    byte[] codes = committer.commit(block).validationCodes();

    assertThat(codes).hasSize(200).containsOnly(0);
    assertThat(counting.verifyAllCalls.get() - callsBefore).isEqualTo(1);
    assertThat(counting.lastBatchSize).isEqualTo(600); // 200 creators + 400 endorsements
    assertThat(counting.verifyCalls.get()).isZero();
    assertThat(net.verifier.cacheMisses() - missesBefore).isEqualTo(600);

    long hitsBefore = net.verifier.cacheHits();
    assertThat(committer.validate(block)).containsOnly(0);
    assertThat(net.verifier.cacheHits() - hitsBefore).as("re-validation hits the cache").isEqualTo(600);
    assertThat(channel.ledger().getState("basic", "key199")).isPresent();
  }
}
