package org.veriflow.contracts.streams;

import static org.veriflow.protocol.streams.StreamsFailure.ALREADY_REVOKED;
import static org.veriflow.protocol.streams.StreamsFailure.BAD_ARGUMENTS;
import static org.veriflow.protocol.streams.StreamsFailure.DEVICE_EXISTS;
import static org.veriflow.protocol.streams.StreamsFailure.NOT_AUTHORISED;
import static org.veriflow.protocol.streams.StreamsFailure.SNAPSHOT_TOO_LARGE;
import static org.veriflow.protocol.streams.StreamsFailure.STREAM_EXISTS;
import static org.veriflow.protocol.streams.StreamsFailure.UNKNOWN_DEVICE;
import static org.veriflow.protocol.streams.StreamsFailure.UNKNOWN_STREAM;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.veriflow.contracts.SystemContract;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.streams.CreateSnapshot;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.DeviceRecord;
import org.veriflow.protocol.proto.streams.DeviceStatus;
import org.veriflow.protocol.proto.streams.Evidence;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.RegisterDevice;
import org.veriflow.protocol.proto.streams.RevokeDevice;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.StoredReading;
import org.veriflow.protocol.proto.streams.StreamRecord;
import org.veriflow.protocol.proto.streams.SubmitReadings;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.protocol.proto.streams.Verdicts;
import org.veriflow.protocol.streams.SnapshotFormat;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.PublicKeys;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.Limits;

/**
 * The streams contract: sensor streams with a schema, the devices that feed them, and a verdict on
 * every reading a gateway forwards (DESIGN.md, "Streams and readings").
 *
 * <p>A reading is signed by the device itself. For each reading of a batch, in order, the first
 * failing check gives its verdict: {@code WRONG_STREAM} (the reading or its device belongs to another
 * stream), {@code UNKNOWN_DEVICE}, {@code REVOKED_DEVICE}, {@code BAD_SIGNATURE}, {@code DUPLICATE}
 * (the same signed reading is already legal), {@code REPLAYED_SEQUENCE} (sequence not above the
 * device's last legal one), {@code TIME_OUT_OF_WINDOW} (device time further than the stream's window
 * from the block time), {@code SCHEMA_VIOLATION} (wrong number of values, or one out of its range);
 * otherwise {@code LEGAL}. Legal readings become data, indexed by time, device and digest; the others
 * are kept as evidence only (digest, claimed device, verdict). A batch with illegal readings still
 * commits its legal ones; a batch that does not decode is rejected whole.
 *
 * <p>Signatures of a batch are checked in parallel on {@code pool}; each result lands in its own slot
 * and verdicts are then assigned in batch order, so they never depend on the number of threads.
 */
public final class Streams extends SystemContract {
  public static final String NAME = "streams";
  /** Most readings in one {@code submit}. */
  public static final int MAX_BATCH = Limits.READINGS_PER_BATCH;
  /** Most rows in one snapshot; a larger range must be split. */
  public static final int MAX_SNAPSHOT_ROWS = Limits.SNAPSHOT_ROWS;
  private static final int MAX_FIELDS = 32;
  /** About 100 years; a stream that accepts any time says 0. */
  public static final long MAX_TIME_WINDOW_MILLIS = 100L * 366 * 24 * 3600 * 1000;

  /**
   * Checks signatures on a shared pool with one thread per core. (The common pool has one thread
   * fewer than there are cores, and the executing thread only waits for it.)
   */
  public Streams() {
    this(AllCores.POOL);
  }

  /** Created on first use; daemon threads. */
  private static final class AllCores {
    static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
  }

  /** Checks signatures on {@code pool}; its size never changes a verdict. */
  public Streams(ForkJoinPool pool) {
    super(NAME, Map.of("create", new Create(), "register_device", new RegisterDeviceMethod(),
        "revoke_device", new RevokeDeviceMethod(), "submit", new Submit(pool), "snapshot", new Snapshot()));
  }

  // ------------------------------------------------------------------ shared checks

  static void requireStreamId(String id) throws ContractException {
    requireId(id, "stream", BAD_ARGUMENTS);
  }

  private static void requireOwner(ContractContext ctx, String streamId) throws ContractException {
    Optional<StreamRecord> s = StreamsState.stream(ctx.state(), streamId);
    if (s.isPresent() && !s.get().getOwner().equals(ctx.sender().value())) {
      throw new ContractException(NOT_AUTHORISED, "only the owner of stream " + streamId + " may change its devices");
    }
  }

  private static StreamRecord existingStream(ContractContext ctx, String streamId) throws ContractException {
    return StreamsState.stream(ctx.state(), streamId)
        .orElseThrow(() -> new ContractException(UNKNOWN_STREAM, "no stream " + streamId));
  }

  // ------------------------------------------------------------------ create

  static final class Create implements ContractMethod<CreateStream> {
    @Override
    public CreateStream decode(byte[] arguments) throws ContractException {
      CreateStream m = parse(CreateStream.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireStreamId(m.getStreamId());
      if (m.getFieldsCount() == 0 || m.getFieldsCount() > MAX_FIELDS) {
        throw new ContractException(BAD_ARGUMENTS, "a stream needs 1 to " + MAX_FIELDS + " fields");
      }
      TreeSet<String> names = new TreeSet<>();
      for (FieldSpec f : m.getFieldsList()) {
        if (!f.getName().matches("[a-z][a-z0-9_]{0,31}") || !names.add(f.getName())) {
          throw new ContractException(BAD_ARGUMENTS, "field name '" + f.getName() + "' must be unique lower-case letters, digits and '_'");
        }
        if (!Double.isFinite(f.getMin()) || !Double.isFinite(f.getMax()) || f.getMin() > f.getMax()) {
          throw new ContractException(BAD_ARGUMENTS, "field " + f.getName() + " needs finite bounds with min <= max");
        }
        // decimals is a uint32: Java sees values of 2^31 and above as negative.
        if (Integer.compareUnsigned(f.getDecimals(), 9) > 0 || f.getUnit().length() > 32) {
          throw new ContractException(BAD_ARGUMENTS, "field " + f.getName() + ": at most 9 decimals and a unit of at most 32 characters");
        }
      }
      if (Long.compareUnsigned(m.getTimeWindowMillis(), MAX_TIME_WINDOW_MILLIS) > 0) {
        throw new ContractException(BAD_ARGUMENTS, "time window must be at most " + MAX_TIME_WINDOW_MILLIS + " ms (0: any time)");
      }
      if (m.getSamplingIntervalMillis() == 0 || m.getDescription().length() > 512) {
        throw new ContractException(BAD_ARGUMENTS, "a stream needs a sampling interval above 0 and a description of at most 512 characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, CreateStream args) throws ContractException {
      if (Identities.activeSender(ctx, NOT_AUTHORISED).getKind() != IdentityKind.ORGANISATION) {
        throw new ContractException(NOT_AUTHORISED, "only an organisation may create a stream");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, CreateStream args) throws ContractException {
      if (ctx.state().get(StreamKeys.stream(args.getStreamId())).isPresent()) {
        throw new ContractException(STREAM_EXISTS, "stream " + args.getStreamId() + " already exists");
      }
      StreamRecord r = StreamRecord.newBuilder()
          .setStreamId(args.getStreamId())
          .setOwner(ctx.sender().value())
          .setDescription(args.getDescription())
          .addAllFields(args.getFieldsList())
          .setSamplingIntervalMillis(args.getSamplingIntervalMillis())
          .setTimeWindowMillis(args.getTimeWindowMillis())
          .setCreatedHeight(ctx.height())
          .build();
      ctx.put(StreamKeys.stream(args.getStreamId()), r.toByteArray());
      ctx.emit("stream_created", StreamKeys.utf8(args.getStreamId()));
    }
  }

  // ------------------------------------------------------------------ devices

  /** Decoded {@code register_device} arguments with the validated key. */
  record DeviceArgs(RegisterDevice message, PublicKey key) {}

  static final class RegisterDeviceMethod implements ContractMethod<DeviceArgs> {
    @Override
    public DeviceArgs decode(byte[] arguments) throws ContractException {
      RegisterDevice m = parse(RegisterDevice.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireStreamId(m.getStreamId());
      if (m.getName().length() > 128) {
        throw new ContractException(BAD_ARGUMENTS, "device name is longer than 128 characters");
      }
      try {
        return new DeviceArgs(m, PublicKeys.decode(algorithm(m.getAlgorithm(), BAD_ARGUMENTS), m.getPublicKey().toByteArray()));
      } catch (IllegalArgumentException e) {
        throw new ContractException(BAD_ARGUMENTS, "device key: " + e.getMessage());
      }
    }

    @Override
    public void authorise(ContractContext ctx, DeviceArgs args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
      requireOwner(ctx, args.message().getStreamId());
    }

    @Override
    public void execute(ExecutionContext ctx, DeviceArgs args) throws ContractException {
      String stream = existingStream(ctx, args.message().getStreamId()).getStreamId();
      String device = args.key().id().value();
      Optional<byte[]> elsewhere = ctx.state().get(StreamKeys.deviceStream(device));
      if (elsewhere.isPresent()) {
        throw new ContractException(DEVICE_EXISTS, "device " + device + " is already registered in stream " + new String(elsewhere.get(), java.nio.charset.StandardCharsets.UTF_8));
      }
      DeviceRecord r = DeviceRecord.newBuilder()
          .setDeviceId(device)
          .setStreamId(stream)
          .setPublicKey(args.message().getPublicKey())
          .setAlgorithm(args.message().getAlgorithm())
          .setName(args.message().getName())
          .setStatus(DeviceStatus.DEVICE_ACTIVE)
          .setRegisteredHeight(ctx.height())
          .build();
      ctx.put(StreamKeys.device(stream, device), r.toByteArray());
      ctx.put(StreamKeys.deviceStream(device), StreamKeys.utf8(stream));
      ctx.emit("device_registered", StreamKeys.utf8(device));
      ctx.output(StreamKeys.utf8(device));
    }
  }

  static final class RevokeDeviceMethod implements ContractMethod<RevokeDevice> {
    @Override
    public RevokeDevice decode(byte[] arguments) throws ContractException {
      RevokeDevice m = parse(RevokeDevice.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireStreamId(m.getStreamId());
      if (!IdentityId.isWellFormed(m.getDeviceId()) || m.getReason().length() > 256) {
        throw new ContractException(BAD_ARGUMENTS, "'" + m.getDeviceId() + "' is not a device id, or the reason exceeds 256 characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, RevokeDevice args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
      requireOwner(ctx, args.getStreamId());
    }

    @Override
    public void execute(ExecutionContext ctx, RevokeDevice args) throws ContractException {
      existingStream(ctx, args.getStreamId());
      DeviceRecord d = StreamsState.device(ctx.state(), args.getStreamId(), args.getDeviceId())
          .orElseThrow(() -> new ContractException(UNKNOWN_DEVICE, "no device " + args.getDeviceId() + " in stream " + args.getStreamId()));
      if (d.getStatus() == DeviceStatus.DEVICE_REVOKED) {
        throw new ContractException(ALREADY_REVOKED, "device " + args.getDeviceId() + " was revoked at height " + d.getRevokedHeight());
      }
      ctx.put(StreamKeys.device(args.getStreamId(), args.getDeviceId()), d.toBuilder()
          .setStatus(DeviceStatus.DEVICE_REVOKED).setRevokedHeight(ctx.height()).setRevocationReason(args.getReason()).build().toByteArray());
      ctx.emit("device_revoked", StreamKeys.utf8(args.getDeviceId()));
    }
  }

  // ------------------------------------------------------------------ submit

  /** One reading of a batch, decoded, with the digest of its bytes as signed. */
  record Item(Reading reading, byte[] bytes, byte[] signature, Hash digest) {}

  /** A decoded batch. */
  record Batch(String streamId, List<Item> items) {}

  static final class Submit implements ContractMethod<Batch> {
    private final ForkJoinPool pool;

    Submit(ForkJoinPool pool) {
      this.pool = pool;
    }

    @Override
    public Batch decode(byte[] arguments) throws ContractException {
      SubmitReadings m = parse(SubmitReadings.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireStreamId(m.getStreamId());
      if (m.getReadingsCount() == 0 || m.getReadingsCount() > MAX_BATCH) {
        throw new ContractException(BAD_ARGUMENTS, "a batch holds 1 to " + MAX_BATCH + " readings, not " + m.getReadingsCount());
      }
      List<Item> items = new ArrayList<>(m.getReadingsCount());
      for (int i = 0; i < m.getReadingsCount(); i++) {
        SignedReading sr = m.getReadings(i);
        byte[] bytes = sr.getReading().toByteArray();
        Reading r;
        try {
          r = Reading.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new ContractException(BAD_ARGUMENTS, "reading " + i + " of the batch does not decode");
        }
        items.add(new Item(r, bytes, sr.getSignature().toByteArray(), Hash.sha256(bytes)));
      }
      return new Batch(m.getStreamId(), items);
    }

    @Override
    public void authorise(ContractContext ctx, Batch args) {
      // Any registered identity may act as a gateway: each reading carries its device's signature.
    }

    @Override
    public void execute(ExecutionContext ctx, Batch batch) throws ContractException {
      StreamRecord stream = existingStream(ctx, batch.streamId());
      StateView state = ctx.state();
      List<Item> items = batch.items();
      int n = items.size();
      Verdict[] verdicts = new Verdict[n];
      PublicKey[] keys = new PublicKey[n];
      String[] claimed = new String[n];
      // Devices touched by this batch, as updated by it so far (written once at the end).
      Map<String, DeviceRecord> devices = new TreeMap<>();

      for (int i = 0; i < n; i++) {
        Reading r = items.get(i).reading();
        String device = r.getDeviceId();
        claimed[i] = IdentityId.isWellFormed(device) ? device : "invalid";
        if (!r.getStreamId().equals(stream.getStreamId())) {
          verdicts[i] = Verdict.WRONG_STREAM;
          continue;
        }
        if (!IdentityId.isWellFormed(device)) {
          verdicts[i] = Verdict.UNKNOWN_DEVICE;
          continue;
        }
        DeviceRecord d = devices.get(device);
        if (d == null) {
          Optional<DeviceRecord> stored = StreamsState.device(state, stream.getStreamId(), device);
          if (stored.isEmpty()) {
            verdicts[i] = state.get(StreamKeys.deviceStream(device)).isPresent() ? Verdict.WRONG_STREAM : Verdict.UNKNOWN_DEVICE;
            continue;
          }
          d = stored.get();
          devices.put(device, d);
        }
        if (d.getStatus() != DeviceStatus.DEVICE_ACTIVE) {
          verdicts[i] = Verdict.REVOKED_DEVICE;
          continue;
        }
        keys[i] = PublicKeys.decode(d.getAlgorithm() == KeyAlgorithm.P256
            ? org.veriflow.core.crypto.SignatureAlgorithm.P256 : org.veriflow.core.crypto.SignatureAlgorithm.ED25519, d.getPublicKey().toByteArray());
      }

      boolean[] signed = new boolean[n];
      pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
        if (keys[i] != null) {
          signed[i] = keys[i].verify(items.get(i).bytes(), items.get(i).signature()).isValid();
        }
      })).join();

      TreeMap<String, Long> stats = new TreeMap<>();
      // Evidence is numbered per stream in the order it is judged, so that listing it follows submission.
      long evidenceBefore = state.get(StreamKeys.evidenceCount(stream.getStreamId())).map(StreamKeys::count).orElse(0L);
      long evidenceNext = evidenceBefore;
      java.util.Set<Hash> legalInBatch = new TreeSet<>();
      byte[] txId = ctx.txId().bytes();
      Verdicts.Builder out = Verdicts.newBuilder();
      for (int i = 0; i < n; i++) {
        Item item = items.get(i);
        Reading r = item.reading();
        if (verdicts[i] == null) {
          DeviceRecord d = devices.get(r.getDeviceId());
          if (!signed[i]) {
            verdicts[i] = Verdict.BAD_SIGNATURE;
          } else if (legalInBatch.contains(item.digest()) || state.get(StreamKeys.digest(item.digest().bytes())).isPresent()) {
            verdicts[i] = Verdict.DUPLICATE;
          } else if (Long.compareUnsigned(r.getSequence(), d.getLastSequence()) <= 0) {
            verdicts[i] = Verdict.REPLAYED_SEQUENCE;
          } else if (stream.getTimeWindowMillis() > 0
              && Math.abs((double) r.getTimestampMillis() - ctx.timestampMillis()) > stream.getTimeWindowMillis()) {
            verdicts[i] = Verdict.TIME_OUT_OF_WINDOW;
          } else if (!withinSchema(stream, r)) {
            verdicts[i] = Verdict.SCHEMA_VIOLATION;
          } else {
            verdicts[i] = Verdict.LEGAL;
            byte[] key = StreamKeys.reading(stream.getStreamId(), r.getTimestampMillis(), r.getDeviceId(), r.getSequence());
            ctx.put(key, StoredReading.newBuilder()
                .setDigest(ByteString.copyFrom(item.digest().bytes()))
                .setDeviceId(r.getDeviceId())
                .setSequence(r.getSequence())
                .setTimestampMillis(r.getTimestampMillis())
                .addAllValues(r.getValuesList())
                .setTxId(ByteString.copyFrom(txId))
                .setIndex(i)
                .setHeight(ctx.height())
                .build().toByteArray());
            ctx.put(StreamKeys.deviceReading(stream.getStreamId(), r.getDeviceId(), r.getTimestampMillis(), r.getSequence()), new byte[0]);
            ctx.put(StreamKeys.digest(item.digest().bytes()), key);
            legalInBatch.add(item.digest());
            devices.put(r.getDeviceId(), d.toBuilder().setLastSequence(r.getSequence()).build());
          }
        }
        if (verdicts[i] != Verdict.LEGAL) {
          ctx.put(StreamKeys.evidence(stream.getStreamId(), evidenceNext++), Evidence.newBuilder()
              .setDigest(ByteString.copyFrom(item.digest().bytes()))
              .setClaimedDevice(claimed[i])
              .setVerdict(verdicts[i])
              .setTxId(ByteString.copyFrom(txId))
              .setIndex(i)
              .setHeight(ctx.height())
              .build().toByteArray());
        }
        stats.merge(claimed[i] + "/" + verdicts[i].name(), 1L, Long::sum);
        out.addVerdicts(verdicts[i]);
      }
      if (evidenceNext != evidenceBefore) {
        ctx.put(StreamKeys.evidenceCount(stream.getStreamId()), StreamKeys.count(evidenceNext));
      }
      for (Map.Entry<String, DeviceRecord> d : devices.entrySet()) {
        ctx.put(StreamKeys.device(stream.getStreamId(), d.getKey()), d.getValue().toByteArray());
      }
      for (Map.Entry<String, Long> s : stats.entrySet()) {
        int slash = s.getKey().lastIndexOf('/');
        byte[] key = StreamKeys.stats(stream.getStreamId(), s.getKey().substring(0, slash), s.getKey().substring(slash + 1));
        long before = state.get(key).map(StreamKeys::count).orElse(0L);
        ctx.put(key, StreamKeys.count(before + s.getValue()));
      }
      ctx.output(out.build().toByteArray());
    }
  }

  static boolean withinSchema(StreamRecord stream, Reading r) {
    if (r.getValuesCount() != stream.getFieldsCount()) {
      return false;
    }
    for (int i = 0; i < r.getValuesCount(); i++) {
      double v = r.getValues(i);
      FieldSpec f = stream.getFields(i);
      if (!Double.isFinite(v) || v < f.getMin() || v > f.getMax()) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ snapshot

  /** Ends a snapshot's scan as soon as the range is known to be too large. */
  private static final class RangeTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RangeTooLarge() {
      super(null, null, false, false);
    }
  }

  static final class Snapshot implements ContractMethod<CreateSnapshot> {
    @Override
    public CreateSnapshot decode(byte[] arguments) throws ContractException {
      CreateSnapshot m = parse(CreateSnapshot.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireStreamId(m.getStreamId());
      if (m.getFromMillis() >= m.getToMillis()) {
        throw new ContractException(BAD_ARGUMENTS, "a snapshot needs from < to, got " + m.getFromMillis() + " and " + m.getToMillis());
      }
      if (m.getTitle().length() > 256) {
        throw new ContractException(BAD_ARGUMENTS, "title is longer than 256 characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, CreateSnapshot args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, CreateSnapshot args) throws ContractException {
      StreamRecord stream = existingStream(ctx, args.getStreamId());
      SnapshotFormat format = new SnapshotFormat(stream.getFieldsList());
      long[] seen = new long[1];
      // Only readings of earlier blocks: anyone can later select exactly these by height, whatever
      // arrives in the range afterwards, so the export always reproduces the recorded hashes.
      try {
        StreamsState.forEachReading(ctx.state(), stream.getStreamId(), args.getFromMillis(), args.getToMillis(), Long.MAX_VALUE, r -> {
          if (r.getHeight() < ctx.height()) {
            if (++seen[0] > MAX_SNAPSHOT_ROWS) {
              throw new RangeTooLarge();
            }
            format.add(r);
          }
        });
      } catch (RangeTooLarge e) {
        throw new ContractException(SNAPSHOT_TOO_LARGE, "the range holds more than " + MAX_SNAPSHOT_ROWS + " readings; split it");
      }
      String id = ctx.txId().hex();
      SnapshotRecord record = SnapshotRecord.newBuilder()
          .setSnapshotId(id)
          .setStreamId(stream.getStreamId())
          .setFromMillis(args.getFromMillis())
          .setToMillis(args.getToMillis())
          .setTitle(args.getTitle())
          .setRowCount(format.rowCount())
          .setCsvSha256(ByteString.copyFrom(format.csvSha256().bytes()))
          .setReadingsRoot(ByteString.copyFrom(format.readingsRoot().bytes()))
          .setCreator(ctx.sender().value())
          .setHeight(ctx.height())
          .build();
      ctx.put(StreamKeys.snapshot(id), record.toByteArray());
      ctx.put(StreamKeys.streamSnapshot(stream.getStreamId(), id), new byte[0]);
      ctx.emit("snapshot", StreamKeys.utf8(id));
      ctx.output(record.toByteArray());
    }
  }
}
