package org.openbcs.peer.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/** Reads what the gateway needs out of committed blocks: tx ids, validation codes, events. */
final class BlockTransactions {
  private BlockTransactions() {}

  /** One transaction of a committed block. {@code txId} is "" for unparseable envelopes. */
  record Tx(int index, String txId, int headerType, int validationCode, ByteString payloadData) {}

  static List<Tx> of(Block block) {
    ByteString filter =
        block.getMetadata().getMetadataCount() > BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE
            ? block.getMetadata().getMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE)
            : ByteString.EMPTY;
    List<Tx> txs = new ArrayList<>(block.getData().getDataCount());
    for (int i = 0; i < block.getData().getDataCount(); i++) {
      // A missing or short filter means "not validated": clients treat that as invalid too.
      int code = i < filter.size() ? filter.byteAt(i) & 0xff : TxValidationCode.NOT_VALIDATED_VALUE;
      try {
        Envelope envelope = Envelope.parseFrom(block.getData().getData(i));
        Payload payload = Payload.parseFrom(envelope.getPayload());
        ChannelHeader header = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
        txs.add(new Tx(i, header.getTxId(), header.getType(), code, payload.getData()));
      } catch (InvalidProtocolBufferException e) {
        txs.add(new Tx(i, "", -1, code, ByteString.EMPTY));
      }
    }
    return txs;
  }

  /** The chaincode events of the valid endorser transactions, in block order. */
  static List<ChaincodeEvent> events(List<Tx> txs) {
    List<ChaincodeEvent> events = new ArrayList<>();
    for (Tx tx : txs) {
      if (tx.validationCode() != TxValidationCode.VALID_VALUE
          || tx.headerType() != HeaderType.ENDORSER_TRANSACTION_VALUE) {
        continue;
      }
      try {
        Transaction transaction = Transaction.parseFrom(tx.payloadData());
        for (TransactionAction action : transaction.getActionsList()) {
          ChaincodeActionPayload cap = ChaincodeActionPayload.parseFrom(action.getPayload());
          ProposalResponsePayload prp =
              ProposalResponsePayload.parseFrom(cap.getAction().getProposalResponsePayload());
          ChaincodeAction chaincodeAction = ChaincodeAction.parseFrom(prp.getExtension());
          if (!chaincodeAction.getEvents().isEmpty()) {
            events.add(ChaincodeEvent.parseFrom(chaincodeAction.getEvents()));
          }
        }
      } catch (InvalidProtocolBufferException e) {
        // A valid transaction always parses; nothing to report for one that does not.
      }
    }
    return events;
  }
}
