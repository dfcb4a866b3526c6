package org.openbcs.chaincode.support;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.hyperledger.fabric.protos.peer.ChaincodeMessage;

/** Builders for the messages the peer side sends; every reply echoes channel id and tx id. */
final class ShimMessages {
  private ShimMessages() {}

  static ChaincodeMessage of(ChaincodeMessage.Type type) {
    return ChaincodeMessage.newBuilder().setType(type).build();
  }

  static ChaincodeMessage response(ChaincodeMessage request, ByteString payload) {
    return ChaincodeMessage.newBuilder()
        .setType(ChaincodeMessage.Type.RESPONSE)
        .setChannelId(request.getChannelId())
        .setTxid(request.getTxid())
        .setPayload(payload)
        .build();
  }

  static ChaincodeMessage error(String channelId, String txId, String text) {
    return ChaincodeMessage.newBuilder()
        .setType(ChaincodeMessage.Type.ERROR)
        .setChannelId(channelId)
        .setTxid(txId)
        .setPayload(ByteString.copyFrom(text, StandardCharsets.UTF_8))
        .build();
  }

  static ChaincodeMessage error(ChaincodeMessage request, String text) {
    return error(request.getChannelId(), request.getTxid(), text);
  }

  /** Key the shim correlates by. */
  static String txKey(String channelId, String txId) {
    return channelId + "\u0000" + txId;
  }
}
