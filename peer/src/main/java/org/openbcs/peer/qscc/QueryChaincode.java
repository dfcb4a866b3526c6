package org.openbcs.peer.qscc;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.peer.ProcessedTransaction;
import org.hyperledger.fabric.protos.peer.Response;
import org.openbcs.chaincode.ChaincodeResult;
import org.openbcs.ledger.BlockchainInfo;
import org.openbcs.ledger.PeerLedger;
import org.openbcs.ledger.TxRecord;
import org.openbcs.ledger.TxSimulator;
import org.openbcs.peer.channel.PeerChannel;
import org.openbcs.peer.endorser.SystemChaincode;
import org.openbcs.peer.endorser.ValidatedProposal;

/**
 * Fabric's ledger query system chaincode {@code qscc}, read-only, answered from the block store:
 * GetChainInfo, GetBlockByNumber, GetBlockByHash, GetTransactionByID, GetBlockByTxID. The first
 * argument after the function names the channel to query (as in Fabric).
 */
public final class QueryChaincode implements SystemChaincode {
  public static final String NAME = "qscc";

  private final Function<String, PeerChannel> channels;

  public QueryChaincode(Function<String, PeerChannel> channels) {
    this.channels = channels;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ChaincodeResult invoke(ValidatedProposal proposal, TxSimulator simulator) {
    List<ByteString> args = proposal.input().getArgsList();
    String function = args.get(0).toStringUtf8();
    if (args.size() < 2) {
      return error("Incorrect number of arguments, " + args.size());
    }
    String channelId = args.get(1).toStringUtf8();
    PeerChannel channel = channels.apply(channelId);
    if (channel == null) {
      return error("Invalid chain ID, " + channelId);
    }
    PeerLedger ledger = channel.ledger();
    return switch (function) {
      case "GetChainInfo" -> chainInfo(ledger);
      case "GetBlockByNumber" -> withArg(args, function, a -> blockByNumber(ledger, a.toStringUtf8()));
      case "GetBlockByHash" -> withArg(args, function, a -> blockByHash(ledger, a));
      case "GetTransactionByID" -> withArg(args, function, a -> transactionById(ledger, a.toStringUtf8()));
      case "GetBlockByTxID" -> withArg(args, function, a -> blockByTxId(ledger, a.toStringUtf8()));
      default -> error("Requested function " + function + " not found.");
    };
  }

  private static ChaincodeResult withArg(
      List<ByteString> args, String function, Function<ByteString, ChaincodeResult> body) {
    if (args.size() != 3) {
      return error("missing 3rd argument for " + function);
    }
    return body.apply(args.get(2));
  }

  private static ChaincodeResult chainInfo(PeerLedger ledger) {
    BlockchainInfo info = ledger.info();
    return ok(
        org.hyperledger.fabric.protos.common.BlockchainInfo.newBuilder()
            .setHeight(info.height())
            .setCurrentBlockHash(ByteString.copyFrom(info.currentBlockHash()))
            .setPreviousBlockHash(ByteString.copyFrom(info.previousBlockHash()))
            .build()
            .toByteString());
  }

  private static ChaincodeResult blockByNumber(PeerLedger ledger, String text) {
    long number;
    try {
      number = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return error("Failed to parse block number with error " + e.getMessage());
    }
    return block(
        number < 0 ? Optional.empty() : ledger.blocks().blockByNumber(number),
        "Failed to get block number " + number + ", error no such block number [" + number
            + "] in index");
  }

  private static ChaincodeResult blockByHash(PeerLedger ledger, ByteString hash) {
    return block(
        ledger.blocks().blockByHash(hash.toByteArray()),
        "Failed to get block hash " + org.openbcs.common.bytes.Hex.encode(hash.toByteArray())
            + ", error no such block hash in index");
  }

  private static ChaincodeResult transactionById(PeerLedger ledger, String txId) {
    Optional<TxRecord> tx = ledger.transaction(txId);
    if (tx.isEmpty()) {
      return error("Failed to get transaction with id " + txId + ", error no such transaction ID ["
          + txId + "] in index");
    }
    return ok(
        ProcessedTransaction.newBuilder()
            .setTransactionEnvelope(tx.get().envelope())
            .setValidationCode(tx.get().validationCode())
            .build()
            .toByteString());
  }

  private static ChaincodeResult blockByTxId(PeerLedger ledger, String txId) {
    Optional<Long> number = ledger.blocks().blockNumberOfTx(txId);
    return block(
        number.flatMap(n -> ledger.blocks().blockByNumber(n)),
        "Failed to get block for txID " + txId + ", error no such transaction ID [" + txId
            + "] in index");
  }

  private static ChaincodeResult block(Optional<Block> block, String missing) {
    return block.map(b -> ok(b.toByteString())).orElseGet(() -> error(missing));
  }

  private static ChaincodeResult ok(ByteString payload) {
    return new ChaincodeResult(Response.newBuilder().setStatus(200).setPayload(payload).build(), null);
  }

  private static ChaincodeResult error(String message) {
    return new ChaincodeResult(
        Response.newBuilder().setStatus(500).setMessage(message).build(), null);
  }
}
