package org.openbcs.node.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes {@link BenchResult} as JSON (Gson, which the Fabric Gateway client brings). */
public final class BenchJson {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private BenchJson() {}

  public static String toJson(Object result) {
    return GSON.toJson(result);
  }

  public static BenchResult fromJson(String json) {
    return GSON.fromJson(json, BenchResult.class);
  }

  /** Writes any result document (a {@link BenchResult}, or several runs with their ratios) as JSON. */
  public static void write(Object result, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(result) + "\n", StandardCharsets.UTF_8);
  }

  /** Every numeric leaf of a JSON document by its dotted path, in document order. */
  static Map<String, Double> numericLeaves(String json) {
    Map<String, Double> out = new LinkedHashMap<>();
    flatten("", JsonParser.parseString(json), out);
    return out;
  }

  private static void flatten(String path, JsonElement e, Map<String, Double> out) {
    if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      o.entrySet().forEach(en -> flatten(path.isEmpty() ? en.getKey() : path + "." + en.getKey(), en.getValue(), out));
    } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      out.put(path, e.getAsDouble());
    }
  }
}
