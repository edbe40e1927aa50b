package org.veriflow.client.audit;

import org.veriflow.protocol.Limits;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.StoredReading;
import org.veriflow.protocol.proto.streams.SubmitReadings;
import org.veriflow.protocol.streams.SnapshotFormat;

/**
 * Checks every reading of a dataset snapshot in bulk: pages of readings with their signed bytes
 * ({@code signed=true}, 1,000 a request, the next page fetched while the current one is checked),
 * each distinct batch transaction fetched and its inclusion checked once, device signatures verified
 * in parallel on the audit's pool with results kept in reading order. The readings checked are then
 * re-hashed into the snapshot's CSV SHA-256 and RFC 6962 readings root, so that what was checked is
 * exactly what the snapshot holds.
 */
final class ReadingsAudit {
  static final int PAGE = Limits.MAX_PAGE;
  private static final int EXAMPLES = 3;
  private static final int MAX_DEVICES_LISTED = 8;

  /** The aspects of one reading, each counted on its own. */
  private enum Aspect {
    DIGEST(AuditCode.BAD_DIGEST),
    VALUES(AuditCode.VALUES_MISMATCH),
    DEVICE(AuditCode.UNKNOWN_DEVICE),
    SIGNATURE(AuditCode.BAD_SIGNATURE),
    BATCH(AuditCode.BATCH_MISMATCH);

    final AuditCode code;

    Aspect(AuditCode code) {
      this.code = code;
    }
  }

  /** A device's registered key, or why it cannot vouch for readings. */
  private record DeviceKey(Responses.Device device, PublicKey key, String problem) {}

  /** A batch transaction as fetched: its readings, or why its content is wrong; whether it is in the log. */
  private record Batch(String txId, List<SignedReading> readings, String contentProblem, Check inclusion) {}

  record Result(List<Check> checks, SortedMap<String, Long> readingsByDevice) {}

  private final VeriflowClient client;
  private final Responses.Snapshot snapshot;
  private final Responses.Stream stream;
  private final LogChecks log;
  private final ForkJoinPool pool;
  private final ProgressListener progress;
  private final String section;
  private final Map<String, DeviceKey> devices = new HashMap<>();
  // Written by the fetch thread, read by the checking threads once the page's batches are in.
  private final Map<String, Batch> batches = new ConcurrentHashMap<>();
  private final Set<String> batchOrder = new LinkedHashSet<>();

  ReadingsAudit(VeriflowClient client, Responses.Snapshot snapshot, Responses.Stream stream, LogChecks log, ForkJoinPool pool,
      ProgressListener progress, String section) {
    this.client = client;
    this.snapshot = snapshot;
    this.stream = stream;
    this.log = log;
    this.pool = pool;
    this.progress = progress;
    this.section = section;
    for (Responses.Device d : stream.devices()) {
      devices.put(d.deviceId(), deviceKey(d));
    }
  }

  private static DeviceKey deviceKey(Responses.Device d) {
    PublicKey key;
    try {
      key = PublicKey.decode(SignatureAlgorithm.valueOf(d.algorithm()), Hex.decode(d.publicKeyHex()));
    } catch (IllegalArgumentException e) {
      return new DeviceKey(d, null, "device " + d.deviceId() + " has no valid registered key: " + e.getMessage());
    }
    if (!key.id().value().equals(d.deviceId())) {
      return new DeviceKey(d, null, "device " + d.deviceId() + "'s registered key has id " + key.id().value());
    }
    return new DeviceKey(d, key, null);
  }

  Result run() {
    List<FieldSpec> fields = new ArrayList<>();
    for (Responses.Field f : stream.fields()) {
      fields.add(FieldSpec.newBuilder().setName(f.name()).setUnit(f.unit()).setMin(f.min()).setMax(f.max()).setDecimals(f.decimals()).build());
    }
    SnapshotFormat format = new SnapshotFormat(fields);
    Map<Aspect, Long> failures = new EnumMap<>(Aspect.class);
    Map<Aspect, List<String>> examples = new EnumMap<>(Aspect.class);
    SortedMap<String, Long> byDevice = new TreeMap<>();
    long checked = 0;
    String task = "readings of snapshot " + shortId(snapshot.snapshotId());
    progress.progress(task, 0, snapshot.rowCount(), "");
    ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "audit-readings-fetch");
      t.setDaemon(true);
      return t;
    });
    try {
      // The fetch thread gets page k+1 and its new batch transactions while the pool checks page k.
      CompletableFuture<Responses.SignedReadingPage> next = fetch(fetcher, null);
      while (next != null) {
        Responses.SignedReadingPage page = next.join();
        next = page.next().isPresent() ? fetch(fetcher, page.next().get()) : null;
        // Readings that arrived with or after the snapshot's block are not part of it (as in an export).
        List<Responses.SignedReading> mine = page.readings().stream().filter(r -> r.stored().height() < snapshot.height()).toList();
        List<String[]> outcomes = pool.submit(() -> mine.parallelStream().map(this::check).toList()).join();
        for (int i = 0; i < mine.size(); i++) {
          Responses.StoredReading s = mine.get(i).stored();
          String[] outcome = outcomes.get(i);
          for (Aspect a : Aspect.values()) {
            if (outcome[a.ordinal()] != null) {
              failures.merge(a, 1L, Long::sum);
              List<String> ex = examples.computeIfAbsent(a, k -> new ArrayList<>());
              if (ex.size() < EXAMPLES) {
                ex.add("reading " + s.digest() + ": " + outcome[a.ordinal()]);
              }
            }
          }
          batchOrder.add(s.txId());
          byDevice.merge(s.deviceId(), 1L, Long::sum);
          format.add(StoredReading.newBuilder().setDigest(ByteString.copyFrom(Hex.decode(s.digest()))).setDeviceId(s.deviceId())
              .setSequence(s.sequence()).setTimestampMillis(s.timestamp()).addAllValues(s.values()).build());
          checked++;
        }
        progress.progress(task, checked, snapshot.rowCount(), "");
      }
    } catch (java.util.concurrent.CompletionException e) {
      progress.finished(task, checked, "stopped");
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ClientException ce) {
        return new Result(List.of(Check.failed(section, "readings fetched with their signed bytes", AuditCode.NODE_ERROR,
            "after " + checked + " readings the node answered " + ce.code() + ": " + ce.getMessage())), byDevice);
      }
      throw e;
    } finally {
      fetcher.shutdownNow();
    }
    progress.finished(task, checked, "checked");
    return new Result(checks(checked, format, failures, examples, byDevice), byDevice);
  }

  /** Fetches a page, then each of its batch transactions not seen before (one request each). */
  private CompletableFuture<Responses.SignedReadingPage> fetch(ExecutorService fetcher, String cursor) {
    return CompletableFuture.supplyAsync(() -> {
      Responses.SignedReadingPage page = client.streams().signedReadings(snapshot.streamId(), snapshot.from(), snapshot.to(), PAGE, cursor);
      for (Responses.SignedReading r : page.readings()) {
        String id = r.stored().txId();
        if (!batches.containsKey(id)) { // this thread is the only writer
          batches.put(id, loadBatch(id));
        }
      }
      return page;
    }, fetcher);
  }

  private Batch loadBatch(String txId) {
    Responses.TxBytes tx;
    try {
      tx = client.transactionBytes(txId);
    } catch (ClientException e) {
      Check missing = Check.failed(section, "batch " + txId, AuditCode.NOT_IN_LOG, "transaction " + txId + ": " + e.code() + ": " + e.getMessage());
      return new Batch(txId, List.of(), "the node does not serve it (" + e.code() + ": " + e.getMessage() + ")", missing);
    }
    Check included = log.included(section, "batch " + txId, tx.info());
    byte[] payloadBytes = tx.payload();
    if (!Hash.sha256(payloadBytes).hex().equals(txId)) {
      return new Batch(txId, List.of(), "its payload does not hash to its id", included);
    }
    try {
      TxPayload payload = TxPayload.parseFrom(payloadBytes);
      if (!payload.getContract().equals("streams") || !payload.getMethod().equals("submit")) {
        return new Batch(txId, List.of(), "it is a " + payload.getContract() + "." + payload.getMethod() + " call, not streams.submit", included);
      }
      SubmitReadings batch = SubmitReadings.parseFrom(payload.getArguments());
      if (!batch.getStreamId().equals(snapshot.streamId())) {
        return new Batch(txId, List.of(), "it submits to stream " + batch.getStreamId() + ", not " + snapshot.streamId(), included);
      }
      return new Batch(txId, batch.getReadingsList(), null, included);
    } catch (InvalidProtocolBufferException e) {
      return new Batch(txId, List.of(), "its payload is not a batch of readings", included);
    }
  }

  /** Each aspect's failure, or null where it holds; pure, run in parallel. */
  private String[] check(Responses.SignedReading r) {
    String[] out = new String[Aspect.values().length];
    Responses.StoredReading s = r.stored();
    byte[] bytes = r.reading();
    byte[] signature = r.signature();
    Hash digest = Hash.sha256(bytes);
    if (!digest.hex().equals(s.digest())) {
      out[Aspect.DIGEST.ordinal()] = "its signed bytes hash to " + digest.hex();
    }
    try {
      Reading signed = Reading.parseFrom(bytes);
      List<String> differ = new ArrayList<>();
      if (!signed.getStreamId().equals(snapshot.streamId())) {
        differ.add("stream " + signed.getStreamId());
      }
      if (!signed.getDeviceId().equals(s.deviceId())) {
        differ.add("device " + signed.getDeviceId());
      }
      if (signed.getSequence() != s.sequence()) {
        differ.add("sequence " + Long.toUnsignedString(signed.getSequence()));
      }
      if (signed.getTimestampMillis() != s.timestamp()) {
        differ.add("time " + signed.getTimestampMillis());
      }
      if (!signed.getValuesList().equals(s.values())) {
        differ.add("values " + signed.getValuesList());
      }
      if (!differ.isEmpty()) {
        out[Aspect.VALUES.ordinal()] = "the device signed " + String.join(", ", differ) + "; the chain shows " + s.deviceId() + " #"
            + Long.toUnsignedString(s.sequence()) + " at " + s.timestamp() + " " + s.values();
      }
    } catch (InvalidProtocolBufferException e) {
      out[Aspect.VALUES.ordinal()] = "its signed bytes do not decode as a Reading";
    }
    DeviceKey key = devices.get(s.deviceId());
    if (key == null) {
      out[Aspect.DEVICE.ordinal()] = "device " + s.deviceId() + " is not registered in stream " + snapshot.streamId();
      out[Aspect.SIGNATURE.ordinal()] = "no registered key to check it with";
    } else if (key.problem() != null) {
      out[Aspect.DEVICE.ordinal()] = key.problem();
      out[Aspect.SIGNATURE.ordinal()] = "no valid registered key to check it with";
    } else {
      SignatureCheck sc = key.key().verify(bytes, signature);
      if (!sc.isValid()) {
        out[Aspect.SIGNATURE.ordinal()] = "the signature of device " + s.deviceId() + " is " + sc;
      }
    }
    Batch b = batches.get(s.txId());
    if (b.contentProblem() != null) {
      out[Aspect.BATCH.ordinal()] = "batch " + s.txId() + ": " + b.contentProblem();
    } else if (s.index() < 0 || s.index() >= b.readings().size()) {
      out[Aspect.BATCH.ordinal()] = "batch " + s.txId() + " has " + b.readings().size() + " readings, no index " + s.index();
    } else {
      SignedReading inBatch = b.readings().get(s.index());
      if (!Arrays.equals(inBatch.getReading().toByteArray(), bytes)) {
        out[Aspect.BATCH.ordinal()] = "batch " + s.txId() + " holds other bytes at index " + s.index();
      } else if (!Arrays.equals(inBatch.getSignature().toByteArray(), signature)) {
        out[Aspect.BATCH.ordinal()] = "batch " + s.txId() + " holds another signature at index " + s.index();
      }
    }
    return out;
  }

  private List<Check> checks(long checked, SnapshotFormat format, Map<Aspect, Long> failures, Map<Aspect, List<String>> examples,
      SortedMap<String, Long> byDevice) {
    List<Check> out = new ArrayList<>();
    String rows = format.rowCount() + " rows, readings root " + format.readingsRoot().hex() + ", CSV SHA-256 " + format.csvSha256().hex();
    if (format.rowCount() == snapshot.rowCount() && format.readingsRoot().hex().equals(snapshot.readingsRoot())
        && format.csvSha256().hex().equals(snapshot.csvSha256())) {
      out.add(Check.ok(section, "the readings checked are the snapshot's", rows + " recomputed from them, as the snapshot records"));
    } else {
      out.add(Check.failed(section, "the readings checked are the snapshot's", AuditCode.EXPORT_MISMATCH,
          "the readings served give " + rows + "; the snapshot records " + snapshot.rowCount() + " rows, " + snapshot.readingsRoot()
              + ", " + snapshot.csvSha256()));
    }
    out.add(aspect(Aspect.DIGEST, "signed bytes hash to the readings' digests", checked, failures, examples, checked + " of " + checked + " readings"));
    out.add(aspect(Aspect.VALUES, "stored values equal the signed ones", checked, failures, examples,
        checked + " of " + checked + " readings: stream, device, sequence, time and values"));
    List<String> deviceList = new ArrayList<>();
    for (Map.Entry<String, Long> d : byDevice.entrySet()) {
      if (deviceList.size() == MAX_DEVICES_LISTED) {
        deviceList.add("and " + (byDevice.size() - MAX_DEVICES_LISTED) + " more");
        break;
      }
      DeviceKey k = devices.get(d.getKey());
      deviceList.add(d.getKey() + (k == null ? " (unregistered)" : " (" + k.device().name() + ", " + k.device().algorithm().toLowerCase(java.util.Locale.ROOT)
          + ", " + k.device().status() + ")") + " " + d.getValue() + " readings");
    }
    out.add(aspect(Aspect.DEVICE, "devices registered in the stream, key id = device id", checked, failures, examples,
        byDevice.size() + " devices: " + String.join("; ", deviceList)));
    out.add(aspect(Aspect.SIGNATURE, "device signatures verify with the registered keys", checked, failures, examples,
        checked + " of " + checked + " signatures valid"));
    out.add(aspect(Aspect.BATCH, "batch transactions hold the signed bytes at the recorded index", checked, failures, examples,
        checked + " readings in " + batchOrder.size() + " batch transactions"));
    List<Check> notIncluded = new ArrayList<>();
    for (String id : batchOrder) {
      Check c = batches.get(id).inclusion();
      if (c.failed()) {
        notIncluded.add(c);
      }
    }
    if (notIncluded.isEmpty()) {
      out.add(Check.ok(section, "batch transactions in the signed log", batchOrder.size() + " of " + batchOrder.size()
          + " committed and proven against orderer-signed block headers"));
    } else {
      List<String> ex = new ArrayList<>();
      notIncluded.stream().limit(EXAMPLES).forEach(c -> ex.add(c.code() + ": " + c.detail()));
      out.add(Check.failed(section, "batch transactions in the signed log", notIncluded.get(0).code(),
          notIncluded.size() + " of " + batchOrder.size() + " fail: " + String.join("; ", ex)));
    }
    return out;
  }

  private Check aspect(Aspect a, String name, long checked, Map<Aspect, Long> failures, Map<Aspect, List<String>> examples, String okDetail) {
    long failed = failures.getOrDefault(a, 0L);
    if (failed == 0) {
      return Check.ok(section, name, okDetail);
    }
    return Check.failed(section, name, a.code, failed + " of " + checked + " readings fail, e.g. "
        + String.join("; ", examples.getOrDefault(a, List.of())));
  }

  static String shortId(String hex) {
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }

}
