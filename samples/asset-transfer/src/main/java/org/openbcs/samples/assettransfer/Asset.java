package org.openbcs.samples.assettransfer;

import java.nio.charset.StandardCharsets;
import org.hyperledger.fabric.contract.annotation.DataType;
import org.hyperledger.fabric.contract.annotation.Property;
import org.json.JSONObject;

/**
 * One asset as stored in the world state. Its JSON has a fixed field order: every endorsing peer
 * must produce byte-identical writes, and org.json's own object serialisation does not promise an
 * order.
 */
@DataType
public final class Asset {
  @Property private final String id;
  @Property private final String color;
  @Property private final int size;
  @Property private final String owner;
  @Property private final int appraisedValue;

  public Asset(String id, String color, int size, String owner, int appraisedValue) {
    this.id = id;
    this.color = color;
    this.size = size;
    this.owner = owner;
    this.appraisedValue = appraisedValue;
  }

  public String getId() {
    return id;
  }

  public String getColor() {
    return color;
  }

  public int getSize() {
    return size;
  }

  public String getOwner() {
    return owner;
  }

  public int getAppraisedValue() {
    return appraisedValue;
  }

  public Asset withOwner(String newOwner) {
    return new Asset(id, color, size, newOwner, appraisedValue);
  }

  public String toJson() {
    return "{\"ID\":" + JSONObject.quote(id)
        + ",\"Color\":" + JSONObject.quote(color)
        + ",\"Size\":" + size
        + ",\"Owner\":" + JSONObject.quote(owner)
        + ",\"AppraisedValue\":" + appraisedValue
        + "}";
  }

  public byte[] toBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  public static Asset fromJson(String json) {
    JSONObject o = new JSONObject(json);
    return new Asset(
        o.getString("ID"),
        o.getString("Color"),
        o.getInt("Size"),
        o.getString("Owner"),
        o.getInt("AppraisedValue"));
  }

  public static Asset fromBytes(byte[] bytes) {
    return fromJson(new String(bytes, StandardCharsets.UTF_8));
  }
}
