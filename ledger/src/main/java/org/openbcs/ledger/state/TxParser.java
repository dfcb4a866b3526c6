package org.openbcs.ledger.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * Envelope -> Payload -> ChannelHeader -> Transaction -> TransactionAction -> ChaincodeActionPayload ->
 * ProposalResponsePayload -> ChaincodeAction -> TxReadWriteSet -> KVRWSet, never throwing: a broken
 * envelope or header is BAD_PAYLOAD, a broken transaction body INVALID_OTHER_REASON.
 */
public final class TxParser {
  private TxParser() {}

  public static ParsedTx parse(ByteString envelopeBytes) {
    ChannelHeader ch;
    try {
      Envelope env = parse(Envelope.parser(), envelopeBytes);
      Payload payload = parse(Payload.parser(), env.getPayload());
      if (!payload.hasHeader()) {
        return new ParsedTx.Malformed("", TxValidationCode.BAD_PAYLOAD_VALUE, "payload has no header");
      }
      ch = parse(ChannelHeader.parser(), payload.getHeader().getChannelHeader());
      if (ch.getType() != HeaderType.ENDORSER_TRANSACTION_VALUE) {
        return new ParsedTx.NonEndorser(ch.getTxId(), ch.getType());
      }
      if (ch.getTxId().isEmpty()) {
        return new ParsedTx.Malformed("", TxValidationCode.BAD_PAYLOAD_VALUE, "endorser transaction without tx id");
      }
      return parseBody(ch, payload.getData());
    } catch (InvalidProtocolBufferException e) {
      return new ParsedTx.Malformed("", TxValidationCode.BAD_PAYLOAD_VALUE, "undecodable envelope: " + e.getMessage());
    }
  }

  /**
   * Parses with aliasing: nested bytes fields become views of the block's immutable envelope bytes
   * instead of copies at each of the eight levels.
   */
  private static <T> T parse(Parser<T> parser, ByteString bytes) throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    in.enableAliasing(true);
    return parser.parseFrom(in);
  }

  private static ParsedTx parseBody(ChannelHeader ch, ByteString data) {
    String txId = ch.getTxId();
    try {
      Transaction tx = parse(Transaction.parser(), data);
      if (tx.getActionsCount() != 1) {
        return new ParsedTx.Malformed(txId, TxValidationCode.INVALID_OTHER_REASON_VALUE,
            "transaction has " + tx.getActionsCount() + " actions, expected exactly 1");
      }
      ChaincodeActionPayload cap = parse(ChaincodeActionPayload.parser(), tx.getActions(0).getPayload());
      ProposalResponsePayload prp =
          parse(ProposalResponsePayload.parser(), cap.getAction().getProposalResponsePayload());
      ChaincodeAction action = parse(ChaincodeAction.parser(), prp.getExtension());
      TxReadWriteSet rwset = parse(TxReadWriteSet.parser(), action.getResults());
      if (rwset.getDataModel() != TxReadWriteSet.DataModel.KV) {
        return new ParsedTx.Malformed(txId, TxValidationCode.INVALID_OTHER_REASON_VALUE,
            "unsupported rwset data model " + rwset.getDataModelValue());
      }
      List<ParsedTx.NsRwSet> sets = new ArrayList<>(rwset.getNsRwsetCount());
      for (NsReadWriteSet ns : rwset.getNsRwsetList()) {
        if (ns.getNamespace().indexOf('\u0000') >= 0) {
          return new ParsedTx.Malformed(txId, TxValidationCode.INVALID_OTHER_REASON_VALUE,
              "namespace contains U+0000");
        }
        sets.add(new ParsedTx.NsRwSet(ns.getNamespace(), parse(KVRWSet.parser(), ns.getRwset())));
      }
      long ts = ch.getTimestamp().getSeconds() * 1000 + ch.getTimestamp().getNanos() / 1_000_000;
      return new ParsedTx.Endorser(txId, ts, sets);
    } catch (InvalidProtocolBufferException e) {
      return new ParsedTx.Malformed(txId, TxValidationCode.INVALID_OTHER_REASON_VALUE,
          "undecodable transaction body: " + e.getMessage());
    }
  }
}
