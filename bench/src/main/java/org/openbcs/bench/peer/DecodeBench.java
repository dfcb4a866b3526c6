package org.openbcs.bench.peer;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.openbcs.ledger.state.ParsedTx;
import org.openbcs.ledger.state.TxParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Protobuf decoding on the peer's per-transaction paths, single thread, one message per operation:
 *
 * <ul>
 *   <li>{@link #proposalEndorser}: a SignedProposal down to its ChaincodeInvocationSpec, the parses
 *       {@code ProposalValidator.validate} makes on every Endorse / ProcessProposal;
 *   <li>{@link #envelopeCommitter}: a block's envelope down to its KVRWSet, the parses the
 *       committer's {@code EnvelopeInspector} makes (plain, copying {@code parseFrom});
 *   <li>{@link #envelopeLedger}: the same envelope through the ledger's public {@link TxParser}, which
 *       the commit runs again (aliasing parse).
 * </ul>
 *
 * <p>The peer's two parsers are package-private, so the first two mirror their parse sequence
 * message for message and nothing else: no signature, identity, hash or policy work. Inputs are an
 * asset-transfer CreateAsset as the Gateway client sends it: see {@link CreateAssetMessages}.
 *
 * <pre>./bcs jmh DecodeBench</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// C2 needs more than 2 x 2 s on the shared box: at -wi 2 scores still rose 2-5x during measurement.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class DecodeBench {

  @State(Scope.Benchmark)
  public static class Messages {
    // Not final: the JIT must not fold the inputs into constants.
    byte[] signedProposal;
    ByteString envelope;

    @Setup(Level.Trial)
    public void build() throws IOException {
      CreateAssetMessages m = CreateAssetMessages.build();
      signedProposal = m.signedProposal().toByteArray();
      envelope = m.envelope().toByteString();
      checkShape(this);
      System.out.printf("%nDecodeBench inputs: SignedProposal %d bytes, Envelope %d bytes (%d endorsements)%n",
          signedProposal.length, envelope.size(), CreateAssetMessages.ENDORSERS);
    }
  }

  /** What the endorser goes on to use; returned so that no parse is dead code. */
  record ProposalParts(SignatureHeader signatureHeader, ChaincodeHeaderExtension extension,
      ChaincodeInvocationSpec spec) {}

  /** What the committer goes on to use; the KVRWSet of the last namespace (CreateAsset has one). */
  record EnvelopeParts(SignatureHeader signatureHeader, ChaincodeHeaderExtension extension,
      ChaincodeActionPayload actionPayload, KVRWSet rwset) {}

  @Benchmark
  public ProposalParts proposalEndorser(Messages m) throws InvalidProtocolBufferException {
    // gRPC hands the endorser a parsed SignedProposal; its parse from the wire is counted here too.
    SignedProposal signed = SignedProposal.parseFrom(m.signedProposal);
    Proposal proposal = Proposal.parseFrom(signed.getProposalBytes());
    Header header = Header.parseFrom(proposal.getHeader());
    ChannelHeader ch = ChannelHeader.parseFrom(header.getChannelHeader());
    SignatureHeader sh = SignatureHeader.parseFrom(header.getSignatureHeader());
    ChaincodeHeaderExtension ext = ChaincodeHeaderExtension.parseFrom(ch.getExtension());
    ChaincodeProposalPayload payload = ChaincodeProposalPayload.parseFrom(proposal.getPayload());
    ChaincodeInvocationSpec spec = ChaincodeInvocationSpec.parseFrom(payload.getInput());
    return new ProposalParts(sh, ext, spec);
  }

  /** EnvelopeInspector's parse sequence for an endorser transaction. */
  @Benchmark
  public EnvelopeParts envelopeCommitter(Messages m) throws InvalidProtocolBufferException {
    Envelope envelope = Envelope.parseFrom(m.envelope);
    Payload payload = Payload.parseFrom(envelope.getPayload());
    ChannelHeader ch = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    SignatureHeader sh = SignatureHeader.parseFrom(payload.getHeader().getSignatureHeader());
    ChaincodeHeaderExtension ext = ChaincodeHeaderExtension.parseFrom(ch.getExtension());
    Transaction tx = Transaction.parseFrom(payload.getData());
    ChaincodeActionPayload cap = ChaincodeActionPayload.parseFrom(tx.getActions(0).getPayload());
    ProposalResponsePayload prp = ProposalResponsePayload.parseFrom(cap.getAction().getProposalResponsePayload());
    ChaincodeAction action = ChaincodeAction.parseFrom(prp.getExtension());
    TxReadWriteSet rwset = TxReadWriteSet.parseFrom(action.getResults());
    KVRWSet kv = null;
    for (NsReadWriteSet ns : rwset.getNsRwsetList()) {
      kv = KVRWSet.parseFrom(ns.getRwset());
    }
    return new EnvelopeParts(sh, ext, cap, kv);
  }

  @Benchmark
  public ParsedTx envelopeLedger(Messages m) {
    return TxParser.parse(m.envelope);
  }

  /** The benchmarks must decode what a CreateAsset carries, or their figures mean nothing. */
  private static void checkShape(Messages m) throws InvalidProtocolBufferException {
    DecodeBench bench = new DecodeBench();
    ProposalParts proposal = bench.proposalEndorser(m);
    require(proposal.spec().getChaincodeSpec().getInput().getArgs(0).toStringUtf8().equals("CreateAsset"),
        "proposal does not invoke CreateAsset");
    EnvelopeParts envelope = bench.envelopeCommitter(m);
    require(envelope.rwset().getReadsCount() == 1 && envelope.rwset().getWritesCount() == 1,
        "committer decode: expected 1 read and 1 write");
    require(envelope.actionPayload().getAction().getEndorsementsCount() == CreateAssetMessages.ENDORSERS,
        "committer decode: wrong endorsement count");
    ParsedTx parsed = bench.envelopeLedger(m);
    require(parsed instanceof ParsedTx.Endorser e && e.nsRwSets().size() == 1
            && e.nsRwSets().get(0).rwset().getWritesCount() == 1,
        "ledger parse: expected an endorser tx with 1 namespace and 1 write, got " + parsed);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException("DecodeBench input: " + message);
    }
  }
}
