package org.openbcs.ledger.blockstore;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;

/** Tx ids of a block's envelopes, tolerant of malformed ones (empty id), for the tx index. */
public final class EnvelopeHeaders {
  private EnvelopeHeaders() {}

  public static String txId(ByteString envelopeBytes) {
    try {
      Envelope env = Envelope.parseFrom(envelopeBytes);
      Payload payload = Payload.parseFrom(env.getPayload());
      return ChannelHeader.parseFrom(payload.getHeader().getChannelHeader()).getTxId();
    } catch (InvalidProtocolBufferException e) {
      return "";
    }
  }

  public static List<String> txIds(Block block) {
    List<String> ids = new ArrayList<>(block.getData().getDataCount());
    for (ByteString env : block.getData().getDataList()) {
      ids.add(txId(env));
    }
    return ids;
  }
}
