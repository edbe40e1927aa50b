package org.veriflow.node;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.identities.BlobQuota;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.ledger.ChainParams;

/**
 * The genesis file: JSON naming the chain, its first administrators and validators (public keys as
 * PEM), chain parameters and initial credit balances.
 *
 * <pre>{@code
 * {
 *   "chainId": "veriflow-local",
 *   "timestamp": "2026-01-01T00:00:00Z",
 *   "maxTxBytes": 1048576,
 *   "requiredAttestations": 1,
 *   "administrators": [{"name": "admin", "publicKey": "-----BEGIN PUBLIC KEY-----\n..."}],
 *   "validators": [{"name": "node1", "publicKey": "-----BEGIN PUBLIC KEY-----\n..."}],
 *   "balances": {"vf1...": 1000000000},
 *   "blobQuotaBytes": 4294967296,
 *   "blobQuotaCount": 10000
 * }
 * }</pre>
 *
 * <p>Optional: {@code "maxRecipeCost"}, the largest cost of a model's recipe (default {@link
 * Models#DEFAULT_MAX_RECIPE_COST}); written only when it is not the default.
 *
 * <p>Optional: {@code blobQuotaBytes} and {@code blobQuotaCount} (defaults as shown) bound what one
 * identity keeps uploaded on a node ({@link BlobQuota}); they are written only when not the default.
 */
public final class GenesisFile {
  /** As the API's mapper: unknown fields are refused and maps are written in key order. */
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private GenesisFile() {}

  /**
   * @throws IllegalArgumentException naming the file and the problem if it is unreadable or invalid
   */
  public static GenesisSpec read(Path file) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read genesis file " + file + ": " + e.getMessage(), e);
    }
    try {
      return parse(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("genesis file " + file + ": " + e.getMessage(), e);
    }
  }

  static GenesisSpec parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    String chainId = text(root, "chainId");
    long timestamp;
    try {
      timestamp = Instant.parse(text(root, "timestamp")).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'timestamp' must be an ISO-8601 instant such as 2026-01-01T00:00:00Z", e);
    }
    int maxTxBytes = ChainParams.DEFAULT_MAX_TX_BYTES;
    if (root.has("maxTxBytes")) {
      if (!root.get("maxTxBytes").isInt()) {
        throw new IllegalArgumentException("'maxTxBytes' must be a whole number of bytes");
      }
      maxTxBytes = root.get("maxTxBytes").asInt();
    }
    int requiredAttestations = 1;
    if (root.has("requiredAttestations")) {
      if (!root.get("requiredAttestations").isInt()) {
        throw new IllegalArgumentException("'requiredAttestations' must be a whole number of validators");
      }
      requiredAttestations = root.get("requiredAttestations").asInt();
    }
    long maxRecipeCost = Models.DEFAULT_MAX_RECIPE_COST;
    if (root.has("maxRecipeCost")) {
      JsonNode n = root.get("maxRecipeCost");
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 1) {
        throw new IllegalArgumentException("'maxRecipeCost' must be a whole number of at least 1");
      }
      maxRecipeCost = n.asLong();
    }
    List<GenesisSpec.Member> admins = members(root, "administrators");
    List<GenesisSpec.Member> validators = members(root, "validators");
    SortedMap<IdentityId, Long> balances = new TreeMap<>();
    JsonNode b = root.get("balances");
    if (b != null) {
      if (!b.isObject()) {
        throw new IllegalArgumentException("'balances' must be an object of identity id to amount");
      }
      Iterator<Map.Entry<String, JsonNode>> it = b.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
          throw new IllegalArgumentException("balance of " + e.getKey() + " must be a non-negative whole number");
        }
        balances.put(new IdentityId(e.getKey()), e.getValue().asLong());
      }
    }
    if (requiredAttestations < 1 || requiredAttestations > validators.size()) {
      throw new IllegalArgumentException("'requiredAttestations' must be between 1 and the number of validators ("
          + validators.size() + "), not " + requiredAttestations);
    }
    BlobQuota blobQuota = new BlobQuota(positiveLong(root, "blobQuotaBytes", BlobQuota.DEFAULT_MAX_BYTES, "bytes"),
        positiveLong(root, "blobQuotaCount", BlobQuota.DEFAULT_MAX_COUNT, "blobs"));
    return new GenesisSpec(chainId, timestamp, maxTxBytes, requiredAttestations, admins, validators, balances, maxRecipeCost, blobQuota);
  }

  private static long positiveLong(JsonNode root, String field, long defaultValue, String unit) {
    JsonNode n = root.get(field);
    if (n == null) {
      return defaultValue;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 1) {
      throw new IllegalArgumentException("'" + field + "' must be a positive whole number of " + unit);
    }
    return n.asLong();
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' is missing or not a string");
    }
    return n.asText();
  }

  private static List<GenesisSpec.Member> members(JsonNode root, String field) {
    JsonNode arr = root.get(field);
    if (arr == null || !arr.isArray()) {
      throw new IllegalArgumentException("'" + field + "' must be an array");
    }
    List<GenesisSpec.Member> out = new ArrayList<>();
    for (JsonNode m : arr) {
      String name = text(m, "name");
      out.add(new GenesisSpec.Member(name, KeyPem.decodePublic(text(m, "publicKey"))));
    }
    return out;
  }

  /** Writes {@code spec} as a genesis file. */
  public static void write(Path file, GenesisSpec spec) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("chainId", spec.chainId());
    root.put("timestamp", Instant.ofEpochMilli(spec.timestampMillis()).toString());
    root.put("maxTxBytes", spec.maxTxBytes());
    root.put("requiredAttestations", spec.requiredAttestations());
    if (spec.maxRecipeCost() != Models.DEFAULT_MAX_RECIPE_COST) {
      root.put("maxRecipeCost", spec.maxRecipeCost());
    }
    writeMembers(root.putArray("administrators"), spec.administrators());
    writeMembers(root.putArray("validators"), spec.validators());
    ObjectNode balances = root.putObject("balances");
    for (Map.Entry<IdentityId, Long> e : spec.balances().entrySet()) {
      balances.put(e.getKey().value(), e.getValue());
    }
    if (spec.blobQuota().maxBytes() != BlobQuota.DEFAULT_MAX_BYTES) {
      root.put("blobQuotaBytes", spec.blobQuota().maxBytes());
    }
    if (spec.blobQuota().maxCount() != BlobQuota.DEFAULT_MAX_COUNT) {
      root.put("blobQuotaCount", spec.blobQuota().maxCount());
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
  }

  private static void writeMembers(ArrayNode arr, List<GenesisSpec.Member> members) {
    for (GenesisSpec.Member m : members) {
      arr.addObject().put("name", m.name()).put("publicKey", KeyPem.encodePublic(m.key()));
    }
  }
}
