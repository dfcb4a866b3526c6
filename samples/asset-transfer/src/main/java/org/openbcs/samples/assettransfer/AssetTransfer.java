package org.openbcs.samples.assettransfer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.contract.ContractInterface;
import org.hyperledger.fabric.contract.annotation.Contact;
import org.hyperledger.fabric.contract.annotation.Contract;
import org.hyperledger.fabric.contract.annotation.Default;
import org.hyperledger.fabric.contract.annotation.Info;
import org.hyperledger.fabric.contract.annotation.License;
import org.hyperledger.fabric.contract.annotation.Transaction;
import org.hyperledger.fabric.protos.peer.QueryResponseMetadata;
import org.hyperledger.fabric.shim.Chaincode;
import org.hyperledger.fabric.shim.ChaincodeException;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyModification;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;
import org.hyperledger.fabric.shim.ledger.QueryResultsIteratorWithMetadata;
import org.json.JSONObject;

/**
 * Asset transfer on the public contract API: create, read, update, delete and transfer assets,
 * range and paginated queries, key history, events and chaincode-to-chaincode calls. Every
 * response body is JSON with a fixed field order so that endorsements from different peers match.
 */
@Contract(
    name = "basic",
    info =
        @Info(
            title = "Asset Transfer",
            description = "OpenBCS asset-transfer sample",
            version = "0.1.0",
            license = @License(name = "Apache-2.0"),
            contact = @Contact(name = "OpenBCS")))
@Default
public final class AssetTransfer implements ContractInterface {

  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public void InitLedger(final Context ctx) {
    ChaincodeStub stub = ctx.getStub();
    List<Asset> initial =
        List.of(
            new Asset("asset1", "blue", 5, "Tomoko", 300),
            new Asset("asset2", "red", 5, "Brad", 400),
            new Asset("asset3", "green", 10, "Jin Soo", 500),
            new Asset("asset4", "yellow", 10, "Max", 600),
            new Asset("asset5", "black", 15, "Adriana", 700),
            new Asset("asset6", "white", 15, "Michel", 800));
    for (Asset asset : initial) {
      stub.putState(asset.getId(), asset.toBytes());
    }
  }

  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public String CreateAsset(
      final Context ctx,
      final String assetID,
      final String color,
      final int size,
      final String owner,
      final int appraisedValue) {
    ChaincodeStub stub = ctx.getStub();
    if (exists(stub, assetID)) {
      throw new ChaincodeException("the asset " + assetID + " already exists", "ASSET_ALREADY_EXISTS");
    }
    Asset asset = new Asset(assetID, color, size, owner, appraisedValue);
    stub.putState(assetID, asset.toBytes());
    stub.setEvent("CreateAsset", asset.toBytes());
    return asset.toJson();
  }

  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String ReadAsset(final Context ctx, final String assetID) {
    return read(ctx.getStub(), assetID).toJson();
  }

  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public String UpdateAsset(
      final Context ctx,
      final String assetID,
      final String color,
      final int size,
      final String owner,
      final int appraisedValue) {
    ChaincodeStub stub = ctx.getStub();
    if (!exists(stub, assetID)) {
      throw notFound(assetID);
    }
    Asset asset = new Asset(assetID, color, size, owner, appraisedValue);
    stub.putState(assetID, asset.toBytes());
    return asset.toJson();
  }

  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public void DeleteAsset(final Context ctx, final String assetID) {
    ChaincodeStub stub = ctx.getStub();
    if (!exists(stub, assetID)) {
      throw notFound(assetID);
    }
    stub.delState(assetID);
  }

  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public boolean AssetExists(final Context ctx, final String assetID) {
    return exists(ctx.getStub(), assetID);
  }

  /** Returns the previous owner; emits a "TransferAsset" event carrying the updated asset. */
  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public String TransferAsset(final Context ctx, final String assetID, final String newOwner) {
    ChaincodeStub stub = ctx.getStub();
    Asset asset = read(stub, assetID);
    Asset transferred = asset.withOwner(newOwner);
    stub.putState(assetID, transferred.toBytes());
    stub.setEvent("TransferAsset", transferred.toBytes());
    return asset.getOwner();
  }

  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String GetAllAssets(final Context ctx) {
    return GetAssetsByRange(ctx, "", "");
  }

  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String GetAssetsByRange(final Context ctx, final String startKey, final String endKey) {
    List<String> values = new ArrayList<>();
    try (QueryResultsIterator<KeyValue> results = ctx.getStub().getStateByRange(startKey, endKey)) {
      for (KeyValue kv : results) {
        values.add(kv.getStringValue());
      }
    } catch (Exception e) {
      throw new ChaincodeException("range query failed: " + e.getMessage(), e);
    }
    return jsonArray(values);
  }

  /** One page: {"records":[...],"fetchedRecordsCount":n,"bookmark":"next start key"}. */
  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String GetAssetsPage(
      final Context ctx,
      final String startKey,
      final String endKey,
      final int pageSize,
      final String bookmark) {
    List<String> values = new ArrayList<>();
    QueryResponseMetadata metadata;
    try (QueryResultsIteratorWithMetadata<KeyValue> results =
        ctx.getStub().getStateByRangeWithPagination(startKey, endKey, pageSize, bookmark)) {
      for (KeyValue kv : results) {
        values.add(kv.getStringValue());
      }
      metadata = results.getMetadata();
    }
    return "{\"records\":" + jsonArray(values)
        + ",\"fetchedRecordsCount\":" + metadata.getFetchedRecordsCount()
        + ",\"bookmark\":" + JSONObject.quote(metadata.getBookmark())
        + "}";
  }

  /** Every write of the key, newest first, as a JSON array. */
  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String GetAssetHistory(final Context ctx, final String assetID) {
    List<String> entries = new ArrayList<>();
    try (QueryResultsIterator<KeyModification> history = ctx.getStub().getHistoryForKey(assetID)) {
      for (KeyModification m : history) {
        String value = m.isDeleted() || m.getValue().length == 0 ? "null" : m.getStringValue();
        entries.add(
            "{\"txId\":" + JSONObject.quote(m.getTxId())
                + ",\"timestamp\":" + JSONObject.quote(String.valueOf(m.getTimestamp()))
                + ",\"isDelete\":" + m.isDeleted()
                + ",\"value\":" + value
                + "}");
      }
    } catch (Exception e) {
      throw new ChaincodeException("history query failed: " + e.getMessage(), e);
    }
    return jsonArray(entries);
  }

  /** Calls {@code fn(arg)} on another chaincode of the same channel and reports its response. */
  @Transaction(intent = Transaction.TYPE.SUBMIT)
  public String CallOther(
      final Context ctx, final String chaincodeName, final String fn, final String arg) {
    Chaincode.Response r = ctx.getStub().invokeChaincodeWithStringArgs(chaincodeName, fn, arg);
    String payload = r.getPayload() == null ? "" : new String(r.getPayload(), StandardCharsets.UTF_8);
    return "{\"status\":" + r.getStatus().getCode()
        + ",\"message\":" + JSONObject.quote(r.getMessage() == null ? "" : r.getMessage())
        + ",\"payload\":" + JSONObject.quote(payload)
        + "}";
  }

  /** A CouchDB-style rich query; on a peer without CouchDB this reports the peer's refusal. */
  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public String QueryAssetsRich(final Context ctx, final String selector) {
    List<String> values = new ArrayList<>();
    try (QueryResultsIterator<KeyValue> results = ctx.getStub().getQueryResult(selector)) {
      for (KeyValue kv : results) {
        values.add(kv.getStringValue());
      }
    } catch (Exception e) {
      throw new ChaincodeException("rich query failed: " + e.getMessage(), e);
    }
    return jsonArray(values);
  }

  /** Reads a key {@code times} times: a deliberately slow transaction for timeout tests. */
  @Transaction(intent = Transaction.TYPE.EVALUATE)
  public int ReadAssetRepeatedly(final Context ctx, final String assetID, final int times) {
    ChaincodeStub stub = ctx.getStub();
    int found = 0;
    for (int i = 0; i < times; i++) {
      byte[] value = stub.getState(assetID);
      if (value != null && value.length > 0) {
        found++;
      }
    }
    return found;
  }

  private static boolean exists(ChaincodeStub stub, String assetID) {
    byte[] value = stub.getState(assetID);
    return value != null && value.length > 0;
  }

  private static Asset read(ChaincodeStub stub, String assetID) {
    byte[] value = stub.getState(assetID);
    if (value == null || value.length == 0) {
      throw notFound(assetID);
    }
    return Asset.fromBytes(value);
  }

  private static ChaincodeException notFound(String assetID) {
    return new ChaincodeException("the asset " + assetID + " does not exist", "ASSET_NOT_FOUND");
  }

  private static String jsonArray(List<String> jsonValues) {
    return "[" + String.join(",", jsonValues) + "]";
  }
}
