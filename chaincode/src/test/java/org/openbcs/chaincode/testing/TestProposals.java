package org.openbcs.chaincode.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.openbcs.chaincode.ChaincodeInvocation;

/**
 * Real signed proposals, as the Gateway client builds them: the contract API parses the creator
 * certificate on every call, so tests cannot pass an empty proposal.
 */
public final class TestProposals {
  public static final String CHANNEL = "mychannel";
  public static final String MSP_ID = "Org1MSP";

  private final TestCerts.Issued client = TestCerts.selfSigned("User1@org1.example.com", false);
  private final AtomicLong counter = new AtomicLong();

  public ChaincodeInvocation invocation(String chaincode, String... args) {
    String txId = "tx" + counter.incrementAndGet() + "-" + System.nanoTime();
    return invocationWithTxId(txId, chaincode, args);
  }

  public ChaincodeInvocation invocationWithTxId(String txId, String chaincode, String... args) {
    ChaincodeInput.Builder input = ChaincodeInput.newBuilder();
    for (String a : args) {
      input.addArgs(ByteString.copyFrom(a, StandardCharsets.UTF_8));
    }
    ChaincodeInput in = input.build();
    ChaincodeID id = ChaincodeID.newBuilder().setName(chaincode).build();
    long now = System.currentTimeMillis();
    ChannelHeader ch =
        ChannelHeader.newBuilder()
            .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
            .setChannelId(CHANNEL)
            .setTxId(txId)
            .setTimestamp(Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000))
            .setExtension(ChaincodeHeaderExtension.newBuilder().setChaincodeId(id).build().toByteString())
            .build();
    byte[] nonce = Arrays.copyOf(HexFormat.of().parseHex("0123456789abcdef0123456789abcdef"), 24);
    SignatureHeader sh =
        SignatureHeader.newBuilder()
            .setCreator(
                SerializedIdentity.newBuilder()
                    .setMspid(MSP_ID)
                    .setIdBytes(ByteString.copyFrom(client.certPem(), StandardCharsets.UTF_8))
                    .build()
                    .toByteString())
            .setNonce(ByteString.copyFrom(nonce))
            .build();
    Proposal proposal =
        Proposal.newBuilder()
            .setHeader(
                Header.newBuilder()
                    .setChannelHeader(ch.toByteString())
                    .setSignatureHeader(sh.toByteString())
                    .build()
                    .toByteString())
            .setPayload(
                ChaincodeProposalPayload.newBuilder()
                    .setInput(
                        ChaincodeInvocationSpec.newBuilder()
                            .setChaincodeSpec(
                                ChaincodeSpec.newBuilder()
                                    .setType(ChaincodeSpec.Type.JAVA)
                                    .setChaincodeId(id)
                                    .setInput(in))
                            .build()
                            .toByteString())
                    .build()
                    .toByteString())
            .build();
    byte[] bytes = proposal.toByteArray();
    SignedProposal signed =
        SignedProposal.newBuilder()
            .setProposalBytes(ByteString.copyFrom(bytes))
            .setSignature(ByteString.copyFrom(sign(bytes)))
            .build();
    return new ChaincodeInvocation(CHANNEL, txId, chaincode, signed, in);
  }

  private byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(client.key());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
