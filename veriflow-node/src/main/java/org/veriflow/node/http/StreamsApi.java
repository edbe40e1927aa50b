package org.veriflow.node.http;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.veriflow.protocol.http.EvidencePage;
import org.veriflow.protocol.http.Reading;
import org.veriflow.protocol.http.ReadingPage;
import org.veriflow.protocol.http.Snapshot;
import org.veriflow.protocol.http.Stream;
import org.veriflow.protocol.http.StreamDevice;
import org.veriflow.protocol.http.StreamField;
import org.veriflow.protocol.http.StreamStats;

import org.veriflow.protocol.Limits;

import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.contracts.streams.StreamsState;
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
    QueryParameters.get(app, "/v1/streams/{id}", this::stream);
    QueryParameters.get(app, "/v1/streams/{id}/readings", this::readings, "from", "to", "limit", "device", "cursor", "signed");
    QueryParameters.get(app, "/v1/streams/{id}/stats", this::stats);
    QueryParameters.get(app, "/v1/streams/{id}/evidence", this::evidence, "limit", "cursor");
    QueryParameters.get(app, "/v1/readings/{digest}", this::reading);
    QueryParameters.get(app, "/v1/snapshots/{id}", this::snapshot);
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
    List<StreamField> fields = new ArrayList<>();
    for (FieldSpec f : s.getFieldsList()) {
      fields.add(new StreamField(f.getName(), f.getUnit(), f.getMin(), f.getMax(), f.getDecimals()));
    }
    List<StreamDevice> devices = new ArrayList<>();
    for (DeviceRecord d : StreamsState.devices(state(), s.getStreamId())) {
      boolean revoked = d.getRevokedHeight() > 0;
      devices.add(new StreamDevice(d.getDeviceId(), d.getName(), d.getAlgorithm().name(), Hex.encode(d.getPublicKey().toByteArray()),
          d.getStatus() == org.veriflow.protocol.proto.streams.DeviceStatus.DEVICE_ACTIVE ? "ACTIVE" : "REVOKED",
          d.getLastSequence(), d.getRegisteredHeight(), revoked ? d.getRevokedHeight() : null, revoked ? d.getRevocationReason() : null));
    }
    Json.answer(ctx, new Stream(s.getStreamId(), s.getOwner(), s.getDescription(), fields, s.getSamplingIntervalMillis(),
        s.getTimeWindowMillis(), s.getCreatedHeight(), devices));
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
    List<Reading> readings = new ArrayList<>();
    // A page of 1,000 readings usually comes from one or two batches: decode each batch once.
    Map<Hash, SubmitReadings> batches = new HashMap<>();
    for (StoredReading r : page.readings()) {
      readings.add(reading(r, signed ? signed(r, batches) : null));
    }
    Json.answer(ctx, new ReadingPage(readings, page.next().orElse(null)));
  }

  /** A reading as the API shows it, with the signed bytes and signature when {@code signed} is not null. */
  private static Reading reading(StoredReading r, SignedReading signed) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new Reading(Hex.encode(r.getDigest().toByteArray()), r.getDeviceId(), r.getSequence(), r.getTimestampMillis(),
        r.getValuesList(), Hex.encode(r.getTxId().toByteArray()), r.getIndex(), r.getHeight(),
        signed == null ? null : b64.encodeToString(signed.getReading().toByteArray()),
        signed == null ? null : b64.encodeToString(signed.getSignature().toByteArray()));
  }

  private void stats(Context ctx) {
    Optional<StreamRecord> s = stream(ctx, ctx.pathParam("id"));
    if (s.isEmpty()) {
      return;
    }
    Map<String, Map<String, Long>> stats = StreamsState.stats(state(), s.get().getStreamId());
    SortedMap<String, Long> totals = new TreeMap<>();
    SortedMap<String, SortedMap<String, Long>> devices = new TreeMap<>();
    for (Map.Entry<String, Map<String, Long>> d : stats.entrySet()) {
      devices.put(d.getKey(), new TreeMap<>(d.getValue()));
      d.getValue().forEach((verdict, count) -> totals.merge(verdict, count, Long::sum));
    }
    Json.answer(ctx, new StreamStats(s.get().getStreamId(), devices, totals));
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
    List<org.veriflow.protocol.http.Evidence> evidence = new ArrayList<>();
    for (Evidence e : page.evidence()) {
      evidence.add(new org.veriflow.protocol.http.Evidence(Hex.encode(e.getDigest().toByteArray()), e.getClaimedDevice(), e.getVerdict().name(),
          Hex.encode(e.getTxId().toByteArray()), e.getIndex(), e.getHeight()));
    }
    Json.answer(ctx, new EvidencePage(evidence, page.next().orElse(null)));
  }

  /** A legal reading by digest, with the signed bytes as its batch carried them, for offline checks. */
  private void reading(Context ctx) {
    Hash digest = HttpApi.hashParam(ctx.pathParam("digest"), "reading digest");
    Optional<StoredReading> found = StreamsState.readingByDigest(state(), digest.bytes());
    if (found.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_READING", "no legal reading has digest " + digest);
      return;
    }
    Json.answer(ctx, reading(found.get(), signed(found.get(), new HashMap<>())));
  }

  /**
   * The serialised Reading exactly as its device signed it, and the signature, taken from the batch
   * transaction that carried {@code r}; {@code batches} caches decoded batches by transaction id.
   */
  private SignedReading signed(StoredReading r, Map<Hash, SubmitReadings> batches) {
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
    return batch.getReadings(r.getIndex());
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
    // An open bound (the whole past or future) is left out rather than sent as a 64-bit extreme.
    Json.answer(ctx, new Snapshot(s.getSnapshotId(), s.getStreamId(), s.getFromMillis() == Long.MIN_VALUE ? null : s.getFromMillis(),
        s.getToMillis() == Long.MAX_VALUE ? null : s.getToMillis(), s.getTitle(), s.getRowCount(),
        Hex.encode(s.getCsvSha256().toByteArray()), Hex.encode(s.getReadingsRoot().toByteArray()), s.getCreator(), s.getHeight()));
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
