package org.veriflow.node.http;

import org.veriflow.protocol.Limits;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.veriflow.contracts.Streams;
import org.veriflow.contracts.StreamsState;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.streams.DeviceRecord;
import org.veriflow.protocol.proto.streams.Evidence;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.StoredReading;
import org.veriflow.protocol.proto.streams.StreamRecord;
import org.veriflow.protocol.proto.streams.SubmitReadings;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;

/** HTTP queries over sensor streams, readings, their verdicts and dataset snapshots. */
final class StreamsApi {
  private static final int MAX_PAGE = Limits.MAX_PAGE;

  private final Ledger ledger;

  StreamsApi(Ledger ledger) {
    this.ledger = ledger;
  }

  void routes(Javalin app) {
    app.get("/v1/streams/{id}", this::stream);
    app.get("/v1/streams/{id}/readings", this::readings);
    app.get("/v1/streams/{id}/stats", this::stats);
    app.get("/v1/streams/{id}/evidence", this::evidence);
    app.get("/v1/readings/{digest}", this::reading);
    app.get("/v1/snapshots/{id}", this::snapshot);
  }

  private StateView state() {
    return ledger.state(Streams.NAME);
  }

  private Optional<StreamRecord> stream(Context ctx, String id) {
    Optional<StreamRecord> s = StreamsState.stream(state(), id);
    if (s.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_STREAM", "no stream " + id);
    }
    return s;
  }

  private void stream(Context ctx) {
    Optional<StreamRecord> found = stream(ctx, ctx.pathParam("id"));
    if (found.isEmpty()) {
      return;
    }
    StreamRecord s = found.get();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("streamId", s.getStreamId()).put("owner", s.getOwner()).put("description", s.getDescription());
    ArrayNode fields = n.putArray("fields");
    for (FieldSpec f : s.getFieldsList()) {
      fields.addObject().put("name", f.getName()).put("unit", f.getUnit()).put("min", f.getMin()).put("max", f.getMax()).put("decimals", f.getDecimals());
    }
    n.put("samplingIntervalMillis", s.getSamplingIntervalMillis()).put("timeWindowMillis", s.getTimeWindowMillis()).put("createdHeight", s.getCreatedHeight());
    ArrayNode devices = n.putArray("devices");
    for (DeviceRecord d : StreamsState.devices(state(), s.getStreamId())) {
      ObjectNode dn = devices.addObject();
      dn.put("deviceId", d.getDeviceId()).put("name", d.getName()).put("algorithm", d.getAlgorithm().name())
          .put("publicKey", Hex.encode(d.getPublicKey().toByteArray()))
          .put("status", d.getStatus() == org.veriflow.protocol.proto.streams.DeviceStatus.DEVICE_ACTIVE ? "ACTIVE" : "REVOKED")
          .put("lastSequence", d.getLastSequence()).put("registeredHeight", d.getRegisteredHeight());
      if (d.getRevokedHeight() > 0) {
        dn.put("revokedHeight", d.getRevokedHeight()).put("revocationReason", d.getRevocationReason());
      }
    }
    ctx.json(n);
  }

  private void readings(Context ctx) {
    Optional<StreamRecord> s = stream(ctx, ctx.pathParam("id"));
    if (s.isEmpty()) {
      return;
    }
    long from = ctx.queryParam("from") == null ? Long.MIN_VALUE : signedLong(ctx.queryParam("from"), "from");
    long to = ctx.queryParam("to") == null ? Long.MAX_VALUE : signedLong(ctx.queryParam("to"), "to");
    int limit = ctx.queryParam("limit") == null ? 100 : (int) Math.min(MAX_PAGE, Math.max(1, HttpApi.longParam(ctx.queryParam("limit"), "limit")));
    String device = ctx.queryParam("device");
    if (device != null) {
      HttpApi.idParam(device);
    }
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && !cursor.matches("([0-9a-f]{2}){1,256}")) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'cursor' must be the 'next' value of a previous page");
    }
    boolean signed = booleanParam(ctx.queryParam("signed"), "signed");
    StreamsState.ReadingPage page = StreamsState.readings(state(), s.get().getStreamId(), device, from, to, limit, cursor);
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode arr = n.putArray("readings");
    // A page of 1,000 readings usually comes from one or two batches: decode each batch once.
    Map<Hash, SubmitReadings> batches = new HashMap<>();
    for (StoredReading r : page.readings()) {
      ObjectNode rn = arr.addObject();
      reading(rn, r);
      if (signed) {
        signed(rn, r, batches);
      }
    }
    page.next().ifPresent(c -> n.put("next", c));
    ctx.json(n);
  }

  private static void reading(ObjectNode n, StoredReading r) {
    n.put("digest", Hex.encode(r.getDigest().toByteArray())).put("deviceId", r.getDeviceId())
        .put("sequence", r.getSequence()).put("timestamp", r.getTimestampMillis());
    ArrayNode values = n.putArray("values");
    r.getValuesList().forEach(values::add);
    n.put("txId", Hex.encode(r.getTxId().toByteArray())).put("index", r.getIndex()).put("height", r.getHeight());
  }

  private void stats(Context ctx) {
    Optional<StreamRecord> s = stream(ctx, ctx.pathParam("id"));
    if (s.isEmpty()) {
      return;
    }
    Map<String, Map<String, Long>> stats = StreamsState.stats(state(), s.get().getStreamId());
    Map<String, Long> totals = new TreeMap<>();
    ObjectNode n = Json.MAPPER.createObjectNode().put("streamId", s.get().getStreamId());
    ObjectNode devices = n.putObject("devices");
    for (Map.Entry<String, Map<String, Long>> d : stats.entrySet()) {
      ObjectNode dn = devices.putObject(d.getKey());
      for (Map.Entry<String, Long> v : d.getValue().entrySet()) {
        dn.put(v.getKey(), v.getValue());
        totals.merge(v.getKey(), v.getValue(), Long::sum);
      }
    }
    ObjectNode t = n.putObject("totals");
    totals.forEach(t::put);
    ctx.json(n);
  }

  private void evidence(Context ctx) {
    Optional<StreamRecord> s = stream(ctx, ctx.pathParam("id"));
    if (s.isEmpty()) {
      return;
    }
    int limit = ctx.queryParam("limit") == null ? 100 : (int) Math.min(MAX_PAGE, Math.max(1, HttpApi.longParam(ctx.queryParam("limit"), "limit")));
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && !cursor.matches("([0-9a-f]{2}){1,256}")) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'cursor' must be the 'next' value of a previous page");
    }
    StreamsState.EvidencePage page = StreamsState.evidence(state(), s.get().getStreamId(), limit, cursor);
    ArrayNode arr = Json.MAPPER.createArrayNode();
    for (Evidence e : page.evidence()) {
      arr.addObject().put("digest", Hex.encode(e.getDigest().toByteArray())).put("claimedDevice", e.getClaimedDevice())
          .put("verdict", e.getVerdict().name()).put("txId", Hex.encode(e.getTxId().toByteArray())).put("index", e.getIndex()).put("height", e.getHeight());
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.set("evidence", arr);
    page.next().ifPresent(c -> n.put("next", c));
    ctx.json(n);
  }

  /** A legal reading by digest, with the signed bytes as its batch carried them, for offline checks. */
  private void reading(Context ctx) {
    Hash digest = HttpApi.hashParam(ctx.pathParam("digest"), "reading digest");
    Optional<StoredReading> found = StreamsState.readingByDigest(state(), digest.bytes());
    if (found.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_READING", "no legal reading has digest " + digest);
      return;
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    reading(n, found.get());
    signed(n, found.get(), new HashMap<>());
    ctx.json(n);
  }

  /**
   * Adds {@code reading} (the serialised Reading exactly as its device signed it) and {@code
   * signature}, both base64, taken from the batch transaction that carried {@code r}; {@code
   * batches} caches decoded batches by transaction id.
   */
  private void signed(ObjectNode n, StoredReading r, Map<Hash, SubmitReadings> batches) {
    Hash txId = Hash.of(r.getTxId().toByteArray());
    SubmitReadings batch = batches.computeIfAbsent(txId, id -> {
      Ledger.TxRecord tx = ledger.transaction(id).orElseThrow(() -> new IllegalStateException(
          "reading " + Hex.encode(r.getDigest().toByteArray()) + " points to a missing transaction " + id));
      try {
        return SubmitReadings.parseFrom(TxPayload.parseFrom(tx.tx().getPayload()).getArguments());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the batch " + id + " carrying reading " + Hex.encode(r.getDigest().toByteArray()) + " does not decode", e);
      }
    });
    SignedReading signed = batch.getReadings(r.getIndex());
    n.put("reading", Base64.getEncoder().encodeToString(signed.getReading().toByteArray()));
    n.put("signature", Base64.getEncoder().encodeToString(signed.getSignature().toByteArray()));
  }

  private void snapshot(Context ctx) {
    String id = ctx.pathParam("id").toLowerCase(Locale.ROOT);
    HttpApi.hashParam(id, "snapshot id");
    Optional<SnapshotRecord> found = StreamsState.snapshot(state(), id);
    if (found.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_SNAPSHOT", "no snapshot " + id);
      return;
    }
    SnapshotRecord s = found.get();
    ctx.json(Json.MAPPER.createObjectNode()
        .put("snapshotId", s.getSnapshotId()).put("streamId", s.getStreamId()).put("from", s.getFromMillis()).put("to", s.getToMillis())
        .put("title", s.getTitle()).put("rowCount", s.getRowCount()).put("csvSha256", Hex.encode(s.getCsvSha256().toByteArray()))
        .put("readingsRoot", Hex.encode(s.getReadingsRoot().toByteArray())).put("creator", s.getCreator()).put("height", s.getHeight()));
  }

  /** {@code true} or {@code false}; absent is {@code false}. */
  private static boolean booleanParam(String s, String what) {
    if (s == null || s.equals("false")) {
      return false;
    }
    if (s.equals("true")) {
      return true;
    }
    throw new HttpApi.BadRequest("INVALID_PARAMETER", "'" + what + "' must be true or false, not '" + s + "'");
  }

  private static long signedLong(String s, String what) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'" + what + "' must be a time in milliseconds since the epoch, not '" + s + "'");
    }
  }
}
