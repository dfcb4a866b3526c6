package org.openbcs.peer.deliver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEvent;
import org.hyperledger.fabric.protos.peer.FilteredBlock;
import org.hyperledger.fabric.protos.peer.FilteredChaincodeAction;
import org.hyperledger.fabric.protos.peer.FilteredTransaction;
import org.hyperledger.fabric.protos.peer.FilteredTransactionActions;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * Fabric's {@code toFilteredBlock}: per envelope the tx id, header type and validation code, and
 * for endorser transactions the chaincode events without their payloads.
 */
final class FilteredBlocks {
  private FilteredBlocks() {}

  static FilteredBlock of(String channelId, Block block) {
    ByteString filter = transactionsFilter(block);
    FilteredBlock.Builder out =
        FilteredBlock.newBuilder().setChannelId(channelId).setNumber(block.getHeader().getNumber());
    for (int i = 0; i < block.getData().getDataCount(); i++) {
      // A missing or short filter means "not validated": clients treat it as invalid.
      int code = i < filter.size() ? filter.byteAt(i) & 0xff : TxValidationCode.NOT_VALIDATED_VALUE;
      out.addFilteredTransactions(transaction(block.getData().getData(i), code));
    }
    return out.build();
  }

  static ByteString transactionsFilter(Block block) {
    int slot = BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE;
    return block.getMetadata().getMetadataCount() > slot
        ? block.getMetadata().getMetadata(slot)
        : ByteString.EMPTY;
  }

  private static FilteredTransaction transaction(ByteString data, int code) {
    FilteredTransaction.Builder ft = FilteredTransaction.newBuilder().setTxValidationCodeValue(code);
    try {
      Payload payload = Payload.parseFrom(Envelope.parseFrom(data).getPayload());
      ChannelHeader ch = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
      ft.setTxid(ch.getTxId()).setTypeValue(ch.getType());
      if (ch.getType() == HeaderType.ENDORSER_TRANSACTION_VALUE) {
        ft.setTransactionActions(actions(payload.getData()));
      }
    } catch (InvalidProtocolBufferException e) {
      // An unparsable envelope was already marked invalid at commit; report what we have.
    }
    return ft.build();
  }

  private static FilteredTransactionActions actions(ByteString txBytes)
      throws InvalidProtocolBufferException {
    FilteredTransactionActions.Builder actions = FilteredTransactionActions.newBuilder();
    for (TransactionAction action : Transaction.parseFrom(txBytes).getActionsList()) {
      ChaincodeActionPayload cap = ChaincodeActionPayload.parseFrom(action.getPayload());
      ProposalResponsePayload prp =
          ProposalResponsePayload.parseFrom(cap.getAction().getProposalResponsePayload());
      ChaincodeAction cca = ChaincodeAction.parseFrom(prp.getExtension());
      ChaincodeEvent event = ChaincodeEvent.parseFrom(cca.getEvents());
      // As Fabric: only actions that set an event appear, and never the event's payload.
      if (!event.getChaincodeId().isEmpty()) {
        actions.addChaincodeActions(
            FilteredChaincodeAction.newBuilder().setChaincodeEvent(event.toBuilder().clearPayload()));
      }
    }
    return actions.build();
  }
}
