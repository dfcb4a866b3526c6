package org.openbcs.peer.committer;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.openbcs.crypto.CryptoSuite;
import org.openbcs.crypto.SignatureVerifier;
import org.openbcs.identity.Identity;
import org.openbcs.identity.IdentityException;
import org.openbcs.peer.channel.ChaincodeDefinition;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.endorser.TxIds;
import org.openbcs.peer.policy.EndorsementPolicy;

/**
 * The cheap, structural half of Fabric's transaction validation (core/common/validation
 * msgvalidation.go + the committer's namespace checks). It never verifies a signature: it
 * deserializes the creator and endorsers and appends their signature requests to the block's
 * batch, so the expensive part runs once, in parallel, for the whole block.
 *
 * <p>Code choices where Fabric is not one-to-one: an undefined chaincode is INVALID_CHAINCODE (25);
 * an unparsable Envelope or Payload is BAD_PAYLOAD; a creator that does not deserialize is
 * BAD_CREATOR_SIGNATURE (as Fabric's checkSignatureFromCreator); CONFIG envelopes are VALID only
 * in block 0 (channel config updates are not supported: INVALID_CONFIG_TRANSACTION).
 */
final class EnvelopeInspector {
  /** The namespace chaincode definitions live in, written only by {@code _lifecycle} txs. */
  static final String LIFECYCLE = "_lifecycle";

  private final PeerChannel channel;
  private final EndorsementPolicy lifecyclePolicy;

  EnvelopeInspector(PeerChannel channel, EndorsementPolicy lifecyclePolicy) {
    this.channel = channel;
    this.lifecyclePolicy = lifecyclePolicy;
  }

  /** Not an error of the code: an input that fails a check, with its Fabric code. */
  private static final class Invalid extends Exception {
    final TxValidationCode code;

    Invalid(TxValidationCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  TxCheck inspect(long blockNum, ByteString data, List<SignatureVerifier.Request> batch) {
    String txId = "";
    try {
      if (data.isEmpty()) {
        throw new Invalid(TxValidationCode.NIL_ENVELOPE, "empty envelope");
      }
      Envelope envelope = parse(Envelope.parser(), data, "Envelope", TxValidationCode.BAD_PAYLOAD);
      Payload payload =
          parse(Payload.parser(), envelope.getPayload(), "Payload", TxValidationCode.BAD_PAYLOAD);
      if (!payload.hasHeader()) {
        throw new Invalid(TxValidationCode.BAD_PAYLOAD, "payload has no header");
      }
      ChannelHeader ch =
          parse(
              ChannelHeader.parser(),
              payload.getHeader().getChannelHeader(),
              "ChannelHeader",
              TxValidationCode.BAD_CHANNEL_HEADER);
      txId = ch.getTxId();
      if (!ch.getChannelId().equals(channel.channelId())) {
        throw new Invalid(
            TxValidationCode.TARGET_CHAIN_NOT_FOUND,
            "channel id '" + ch.getChannelId() + "' is not this channel '" + channel.channelId() + "'");
      }
      if (ch.getType() == HeaderType.CONFIG_VALUE) {
        if (blockNum == 0) {
          return new TxCheck.Accepted(txId);
        }
        throw new Invalid(
            TxValidationCode.INVALID_CONFIG_TRANSACTION, "channel configuration updates are not supported");
      }
      if (ch.getType() != HeaderType.ENDORSER_TRANSACTION_VALUE) {
        throw new Invalid(TxValidationCode.UNKNOWN_TX_TYPE, "unsupported header type " + ch.getType());
      }
      return endorserTransaction(ch, envelope, payload, batch);
    } catch (Invalid e) {
      return new TxCheck.Rejected(txId, e.code, e.getMessage());
    }
  }

  private TxCheck endorserTransaction(
      ChannelHeader ch, Envelope envelope, Payload payload, List<SignatureVerifier.Request> batch)
      throws Invalid {
    SignatureHeader sh =
        parse(
            SignatureHeader.parser(),
            payload.getHeader().getSignatureHeader(),
            "SignatureHeader",
            TxValidationCode.BAD_COMMON_HEADER);
    if (ch.getEpoch() != 0) {
      throw new Invalid(TxValidationCode.BAD_COMMON_HEADER, "invalid epoch " + ch.getEpoch() + ", expected 0");
    }
    if (sh.getNonce().isEmpty()) {
      throw new Invalid(TxValidationCode.BAD_COMMON_HEADER, "empty nonce in signature header");
    }
    if (sh.getCreator().isEmpty()) {
      throw new Invalid(TxValidationCode.BAD_COMMON_HEADER, "empty creator in signature header");
    }
    Identity creator;
    try {
      creator = channel.msps().deserialize(sh.getCreator().toByteArray());
    } catch (IdentityException e) {
      throw new Invalid(TxValidationCode.BAD_CREATOR_SIGNATURE, "creator rejected: " + e.getMessage());
    }
    if (envelope.getSignature().isEmpty()) {
      throw new Invalid(TxValidationCode.BAD_CREATOR_SIGNATURE, "envelope is not signed");
    }
    String expectedTxId = TxIds.compute(sh.getNonce(), sh.getCreator());
    if (!expectedTxId.equals(ch.getTxId())) {
      throw new Invalid(
          TxValidationCode.BAD_PROPOSAL_TXID,
          "incorrectly computed txid '" + ch.getTxId() + "' -- expected '" + expectedTxId + "'");
    }
    ChaincodeHeaderExtension ext =
        parse(
            ChaincodeHeaderExtension.parser(),
            ch.getExtension(),
            "ChaincodeHeaderExtension",
            TxValidationCode.BAD_HEADER_EXTENSION);
    String chaincode = ext.getChaincodeId().getName();
    if (chaincode.isEmpty()) {
      throw new Invalid(TxValidationCode.BAD_HEADER_EXTENSION, "chaincode name missing in header extension");
    }

    Transaction tx =
        parse(Transaction.parser(), payload.getData(), "Transaction", TxValidationCode.BAD_PAYLOAD);
    if (tx.getActionsCount() != 1) {
      throw new Invalid(
          TxValidationCode.INVALID_ENDORSER_TRANSACTION,
          "only one action per transaction is supported, found " + tx.getActionsCount());
    }
    TransactionAction action = tx.getActions(0);
    ChaincodeActionPayload cap =
        parse(
            ChaincodeActionPayload.parser(),
            action.getPayload(),
            "ChaincodeActionPayload",
            TxValidationCode.BAD_PAYLOAD);
    if (!cap.hasAction()) {
      throw new Invalid(TxValidationCode.INVALID_ENDORSER_TRANSACTION, "no endorsed action in transaction");
    }
    ByteString prpBytes = cap.getAction().getProposalResponsePayload();
    ProposalResponsePayload prp =
        parse(
            ProposalResponsePayload.parser(),
            prpBytes,
            "ProposalResponsePayload",
            TxValidationCode.BAD_RESPONSE_PAYLOAD);
    byte[] proposalHash =
        suite()
            .newHasher()
            .update(payload.getHeader().getChannelHeader().toByteArray())
            .update(payload.getHeader().getSignatureHeader().toByteArray())
            .update(cap.getChaincodeProposalPayload().toByteArray())
            .digest();
    if (!ByteString.copyFrom(proposalHash).equals(prp.getProposalHash())) {
      throw new Invalid(
          TxValidationCode.INVALID_ENDORSER_TRANSACTION,
          "proposal hash in the response payload does not match the transaction's proposal");
    }
    ChaincodeAction cca =
        parse(ChaincodeAction.parser(), prp.getExtension(), "ChaincodeAction", TxValidationCode.BAD_RESPONSE_PAYLOAD);
    if (!cca.getChaincodeId().getName().equals(chaincode)) {
      throw new Invalid(
          TxValidationCode.INVALID_ENDORSER_TRANSACTION,
          "chaincode '" + cca.getChaincodeId().getName() + "' in the response does not match '"
              + chaincode + "' in the header");
    }
    checkWrites(chaincode, cca.getResults());

    EndorsementPolicy policy = policyOf(chaincode);
    if (cap.getAction().getEndorsementsCount() == 0) {
      throw new Invalid(TxValidationCode.ENDORSEMENT_POLICY_FAILURE, "transaction has no endorsements");
    }

    int creatorRequest = batch.size();
    batch.add(
        new SignatureVerifier.Request(
            creator.publicKey(), envelope.getPayload().toByteArray(), envelope.getSignature().toByteArray()));
    List<TxCheck.Endorser> endorsers = new ArrayList<>(cap.getAction().getEndorsementsCount());
    List<String> rejected = new ArrayList<>();
    for (Endorsement e : cap.getAction().getEndorsementsList()) {
      Identity endorser;
      try {
        endorser = channel.msps().deserialize(e.getEndorser().toByteArray());
      } catch (IdentityException ex) {
        // Fabric drops signatures of identities it cannot deserialize; the policy decides.
        rejected.add("endorser rejected: " + ex.getMessage());
        continue;
      }
      endorsers.add(new TxCheck.Endorser(endorser, batch.size()));
      batch.add(
          new SignatureVerifier.Request(
              endorser.publicKey(), prpBytes.concat(e.getEndorser()).toByteArray(), e.getSignature().toByteArray()));
    }
    return new TxCheck.Pending(ch.getTxId(), chaincode, creatorRequest, List.copyOf(endorsers), List.copyOf(rejected), policy);
  }

  /** Writes only to the invoked chaincode's own namespace; _lifecycle only through _lifecycle. */
  private static void checkWrites(String chaincode, ByteString results) throws Invalid {
    TxReadWriteSet rwset = parse(TxReadWriteSet.parser(), results, "TxReadWriteSet", TxValidationCode.BAD_RWSET);
    for (NsReadWriteSet ns : rwset.getNsRwsetList()) {
      KVRWSet kv = parse(KVRWSet.parser(), ns.getRwset(), "KVRWSet", TxValidationCode.BAD_RWSET);
      boolean writes = kv.getWritesCount() > 0 || kv.getMetadataWritesCount() > 0;
      if (writes && !ns.getNamespace().equals(chaincode)) {
        throw new Invalid(
            TxValidationCode.ILLEGAL_WRITESET,
            "chaincode '" + chaincode + "' writes to namespace '" + ns.getNamespace() + "'");
      }
      if (ns.getCollectionHashedRwsetCount() > 0) {
        throw new Invalid(TxValidationCode.ILLEGAL_WRITESET, "private data collections are not supported");
      }
    }
  }

  private EndorsementPolicy policyOf(String chaincode) throws Invalid {
    if (chaincode.equals(LIFECYCLE)) {
      return lifecyclePolicy;
    }
    Optional<ChaincodeDefinition> definition;
    try {
      definition = channel.chaincodes().get(chaincode);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new Invalid(
          TxValidationCode.INVALID_CHAINCODE,
          "definition of chaincode '" + chaincode + "' is unusable: " + e.getMessage());
    }
    if (definition.isEmpty()) {
      throw new Invalid(
          TxValidationCode.INVALID_CHAINCODE, "chaincode '" + chaincode + "' is not defined on this channel");
    }
    return definition.get().endorsementPolicy();
  }

  private CryptoSuite suite() {
    return channel.suite();
  }

  private static <T> T parse(Parser<T> parser, ByteString bytes, String what, TxValidationCode code)
      throws Invalid {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new Invalid(code, "malformed " + what + ": " + e.getMessage());
    }
  }
}
