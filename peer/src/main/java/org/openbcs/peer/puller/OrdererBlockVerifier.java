package org.openbcs.peer.puller;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.Metadata;
import org.hyperledger.fabric.protos.common.MetadataSignature;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.openbcs.common.Verdict;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.ledger.BlockHashing;
import org.openbcs.ordering.channel.ChannelConfig;
import org.openbcs.peer.channel.PeerChannel;

/**
 * Checks a block pulled from an orderer before it reaches the committer: it is the next block, it
 * links to the tip, its data hash matches, and an orderer of the channel signed it (Fabric's
 * BlockValidation policy, "ANY Writers" of the orderer organisations). The genesis block carries
 * no orderer signature in Fabric, so block 0 is checked for structure only.
 */
final class OrdererBlockVerifier {
  private final PeerChannel channel;
  private final Set<String> ordererMsps = new HashSet<>();

  OrdererBlockVerifier(PeerChannel channel) {
    this.channel = channel;
    for (ChannelConfig.OrgSpec org : channel.config().ordererOrgs()) {
      ordererMsps.add(org.mspId());
    }
  }

  Verdict verify(Block block, long expectedNumber, byte[] tipHash) {
    long number = block.getHeader().getNumber();
    if (number != expectedNumber) {
      return Verdict.reject("received block %d, expected block %d", number, expectedNumber);
    }
    if (number > 0 && !Arrays.equals(block.getHeader().getPreviousHash().toByteArray(), tipHash)) {
      return Verdict.reject("block %d previous hash does not match the hash of block %d", number, number - 1);
    }
    byte[] dataHash = BlockHashing.dataHash(channel.suite(), block.getData());
    if (!Arrays.equals(dataHash, block.getHeader().getDataHash().toByteArray())) {
      return Verdict.reject("block %d data hash does not match its data", number);
    }
    return number == 0 ? Verdict.accept() : signatures(block);
  }

  private Verdict signatures(Block block) {
    long number = block.getHeader().getNumber();
    int slot = BlockMetadataIndex.SIGNATURES_VALUE;
    if (block.getMetadata().getMetadataCount() <= slot) {
      return Verdict.reject("block %d has no SIGNATURES metadata", number);
    }
    Metadata md;
    try {
      md = Metadata.parseFrom(block.getMetadata().getMetadata(slot));
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject("block %d has malformed SIGNATURES metadata: %s", number, e.getMessage());
    }
    ByteString header = ByteString.copyFrom(BlockHashing.headerDer(block.getHeader()));
    String lastReason = "no signatures";
    for (MetadataSignature sig : md.getSignaturesList()) {
      Identity signer;
      try {
        SignatureHeader sh = SignatureHeader.parseFrom(sig.getSignatureHeader());
        signer = channel.msps().deserialize(sh.getCreator().toByteArray());
      } catch (InvalidProtocolBufferException | IdentityException e) {
        lastReason = "signer rejected: " + e.getMessage();
        continue;
      }
      if (!ordererMsps.contains(signer.mspId())) {
        lastReason = "signer of MSP " + signer.mspId() + " is not an orderer organisation " + ordererMsps;
        continue;
      }
      byte[] message = md.getValue().concat(sig.getSignatureHeader()).concat(header).toByteArray();
      if (channel
          .verifier()
          .verify(new SignatureVerifier.Request(signer.publicKey(), message, sig.getSignature().toByteArray()))) {
        return Verdict.accept();
      }
      lastReason = "signature of " + signer.mspId() + " orderer does not verify";
    }
    return Verdict.reject("block %d is not signed by an orderer of the channel: %s", number, lastReason);
  }
}
