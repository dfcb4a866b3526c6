package org.openbcs.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.junit.jupiter.api.Test;
import org.openbcs.ledger.state.ParsedTx;

class DecodeBenchTest {
  @Test
  void inputsAreARealCreateAssetAndEveryDecodeReachesTheRwset() throws Exception {
    DecodeBench.Messages m = new DecodeBench.Messages();
    m.build();
    DecodeBench bench = new DecodeBench();

    DecodeBench.ProposalParts proposal = bench.proposalEndorser(m);
    assertThat(proposal.extension().getChaincodeId().getName()).isEqualTo("basic");
    assertThat(proposal.spec().getChaincodeSpec().getInput().getArgsCount()).isEqualTo(6);
    // Real certificates, not filler: the creator is a PEM certificate of Org1MSP.
    SerializedIdentity creator = SerializedIdentity.parseFrom(proposal.signatureHeader().getCreator());
    assertThat(creator.getMspid()).isEqualTo("Org1MSP");
    assertThat(creator.getIdBytes().toStringUtf8()).startsWith("-----BEGIN CERTIFICATE-----");

    DecodeBench.EnvelopeParts envelope = bench.envelopeCommitter(m);
    assertThat(envelope.rwset().getReads(0).hasVersion()).isFalse();
    assertThat(envelope.rwset().getWrites(0).getValue().size()).isBetween(150, 250);
    assertThat(envelope.actionPayload().getAction().getEndorsementsList())
        .extracting(e -> SerializedIdentity.parseFrom(e.getEndorser()).getMspid())
        .containsExactly("Org1MSP", "Org2MSP");

    // The proposal and the envelope describe the same transaction.
    String proposalTxId = ChannelHeader.parseFrom(Header.parseFrom(
        Proposal.parseFrom(org.hyperledger.fabric.protos.peer.SignedProposal.parseFrom(m.signedProposal)
            .getProposalBytes()).getHeader()).getChannelHeader()).getTxId();
    ParsedTx parsed = bench.envelopeLedger(m);
    assertThat(parsed).isInstanceOf(ParsedTx.Endorser.class);
    assertThat(parsed.txId()).isEqualTo(proposalTxId).hasSize(64);
    assertThat(Payload.parseFrom(org.hyperledger.fabric.protos.common.Envelope.parseFrom(m.envelope).getPayload())
        .getHeader().getSignatureHeader()).isEqualTo(proposal.signatureHeader().toByteString());
  }
}
