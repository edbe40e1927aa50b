package org.veriflow.demo;

import org.veriflow.client.ProgressListener;
import org.veriflow.client.audit.Audit;
import org.veriflow.client.audit.AuditReport;
import org.veriflow.client.audit.ProvJson;
import org.veriflow.client.models.Training;
import org.veriflow.demo.report.DemoResult;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.Attacker;
import org.veriflow.demo.sensors.ReadingImporter;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.metrics.ConfusionMatrix;
import org.veriflow.ml.model.MlpRegressor;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeRunner;
import org.veriflow.ml.recipe.SeedRecipes;
import org.veriflow.ml.recipe.TrainingRun;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The paper's two experiments, end to end on a running node whose verifier is on:
 *
 * <ol>
 *   <li>an organisation, its gateway and the sensors are registered; the readings (a simulated
 *       night, or a real recording) are signed by their devices and forwarded by the gateway; an
 *       attacker alters, forges and replays a share of them, and sends readings of an unknown
 *       device; the ledger judges each one;
 *   <li>the legal readings are snapshotted: the chain-verified dataset;
 *   <li><em>validity</em>: humidity from temperature, trained with the same recipe on the snapshot and
 *       on what a pipeline without a ledger would have stored; both predict at the paper's five
 *       temperatures, next to the simulator's ground truth;
 *   <li><em>traceability</em>: which device produced a reading, trained on the snapshot (shuffled,
 *       80/20 split);
 *   <li>both chain-verified models are recorded with their provenance; the node's verifier replays
 *       them; an administrator approves them; the five predictions are asked of the node, which logs
 *       them as decisions; one decision's lineage is audited, link by link.
 * </ol>
 */
public final class SeedExperiment {
  /** The progress task of the model trained without a ledger. */
  static final String NAIVE_TASK = "training without a ledger";

  /** The paper's Table 1 temperatures, °C. */
  public static final List<BigDecimal> TEMPERATURES = List.of(new BigDecimal("31.2"), new BigDecimal("28.3"),
      new BigDecimal("27.7"), new BigDecimal("26.5"), new BigDecimal("24.8"));
  public static final String VALIDITY_MODEL = "humidity-from-temperature";
  public static final String TRACEABILITY_MODEL = "device-from-reading";
  private static final String STREAM = "room-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the readings come from. */
  public sealed interface Source permits Simulated, Recorded {}

  /** The simulated night: {@code devices} sensors, one reading every {@code interval}, over {@code night}. */
  public record Simulated(int devices, Duration interval, Duration night) implements Source {}

  /** A real recording imported through the same signed path. */
  public record Recorded(ReadingImporter.Format format, Path file, int limit) implements Source {}

  /**
   * @param source what to run on
   * @param attackShare share of the readings the attacker attacks
   * @param seed seeds the simulation, the attack and both trainings
   * @param work where datasets, models and the audit's scratch files go
   */
  public record Config(Source source, double attackShare, long seed, Path work) {}

  private final VeriflowClient client;
  private final SigningKey admin;
  private final PrintWriter out;
  private final ProgressListener progress;
  private final Config config;

  /**
   * @param client the node to run on
   * @param admin a genesis administrator (registers the organisation, approves the models)
   * @param out where the experiment's narrative and figures go, step by step (a command's standard output)
   * @param progress where the progress of long steps goes (ingestion, training epochs, the audit)
   * @param config what to run
   */
  public SeedExperiment(VeriflowClient client, SigningKey admin, PrintWriter out, ProgressListener progress, Config config) {
    this.client = client;
    this.admin = admin;
    this.out = out;
    this.progress = progress;
    this.config = config;
  }

  /** Runs both experiments; {@code nodeDir} is only reported. */
  public DemoResult run(String nodeDir) throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(config.work());
    String chainId = client.chain().chainId();

    step("an organisation, its gateway and the sensors");
    SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey gateway = SigningKey.generate(SignatureAlgorithm.ED25519);
    expect(session(admin).submit(b -> b.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Room lab", List.of()), true));
    expect(session(org).submit(b -> b.registerIdentity(gateway.publicKey(), IdentityKind.MEMBER, "Room gateway", List.of("gateway")), true));
    out.println("   organisation " + org.id() + ", gateway " + gateway.id());

    Ingested data = config.source() instanceof Simulated s ? simulate(s, org) : record((Recorded) config.source(), org);
    StreamAdmin streams = new StreamAdmin(client, org);
    streams.create(data.stream());
    streams.registerDevices(data.stream().getStreamId(), data.devices());
    out.println("   stream " + data.stream().getStreamId() + ": " + data.devices().size() + " devices registered ("
        + data.devices().get(0).key().algorithm().label() + " keys)");
    Gateway forwarder = new Gateway(client, gateway, Gateway.DEFAULT_BATCH);
    forwarder.submit(data.stream().getStreamId(), data.readings(), progress);

    step("the attacker: altered, forged, replayed and unknown-device readings on " + Math.round(config.attackShare() * 100) + " % of them");
    Attacker.Plan plan = Attacker.plan(data.readings(), data.stream().getFieldsList(), config.attackShare(), config.seed(),
        SensorDevice.generate("forger", 1, SignatureAlgorithm.ED25519, new SecureRandom()).get(0),
        SensorDevice.generate("intruder", 1, SignatureAlgorithm.ED25519, new SecureRandom()).get(0));
    forwarder.submit(data.stream().getStreamId(), plan.readings(), ProgressListener.NONE);
    Responses.StreamStats stats = client.streams().streamStats(data.stream().getStreamId());
    SortedMap<String, Long> rejected = new TreeMap<>(stats.totals());
    long legal = rejected.getOrDefault("LEGAL", 0L);
    rejected.remove("LEGAL");
    SortedMap<String, Long> expected = new TreeMap<>();
    plan.expectedVerdicts().forEach((v, n) -> expected.put(v.name(), n.longValue()));
    if (legal != data.readings().size() || !rejected.equals(expected)) {
      throw new IllegalStateException("the ledger's verdicts (" + verdicts(stats.totals()) + ") differ from what was sent: "
          + data.readings().size() + " honest readings and " + verdicts(expected));
    }
    SortedMap<String, Integer> attacks = new TreeMap<>();
    plan.counts().forEach((k, n) -> attacks.put(k.label(), n));
    out.println("   the ledger kept " + legal + " legal readings and refused " + verdicts(rejected));

    step("the chain-verified dataset: a snapshot of the legal readings");
    String snapshotId = expect(session(org).submit(b -> b.snapshot(data.stream().getStreamId(), Long.MIN_VALUE, Long.MAX_VALUE,
        "the night's legal readings"), true)).id();
    Responses.Snapshot snapshot = client.streams().snapshot(snapshotId);
    out.println("   snapshot " + snapshotId + ": " + snapshot.rowCount() + " readings, CSV " + snapshot.csvSha256().substring(0, 16)
        + "..., readings root " + snapshot.readingsRoot().substring(0, 16) + "...");
    byte[] naive = withoutLedgerCsv(data.stream().getFieldsList(), Attacker.withoutLedger(data.readings(), plan));
    Path naiveFile = config.work().resolve("without-ledger.csv");
    Files.write(naiveFile, naive);
    out.println("   without a ledger, the same pipeline would have stored " + (data.readings().size() + plan.attacks().size() - plan.of(Attacker.Kind.ALTERED).size())
        + " rows, " + plan.of(Attacker.Kind.ALTERED).size() + " of them altered: " + naiveFile);

    step("validity: humidity from temperature, on the chain-verified data and without a ledger");
    Sha256 csv = Sha256.fromHex(snapshot.csvSha256());
    Recipe validityRecipe = SeedRecipes.humidityFromTemperature(snapshotId, csv, "temperature", "humidity", config.seed());
    TrainingRun chainRun = registered(Training.trainAndRegister(session(org), validityRecipe, VALIDITY_MODEL, config.work().resolve("models"), progress));
    Recipe naiveRecipe = SeedRecipes.humidityFromTemperature("without-ledger.csv", Sha256.of(naive), "temperature", "humidity", config.seed());
    TrainingRun naiveRun;
    try (Parallelism threads = Parallelism.allProcessors()) {
      naiveRun = RecipeRunner.run(naiveRecipe, naive, threads,
          (epoch, max) -> progress.progress(NAIVE_TASK, epoch.epoch(), max, String.format(Locale.ROOT, "loss %.5f", epoch.trainLoss())));
    }
    progress.finished(NAIVE_TASK, naiveRun.history().map(h -> (long) h.epochs().size()).orElse(0L), "");

    step("traceability: which device produced a reading");
    List<String> features = data.stream().getFieldsList().stream().map(FieldSpec::getName).toList();
    Recipe traceRecipe = SeedRecipes.deviceFromReading(snapshotId, csv, features, "device_id", config.seed());
    TrainingRun traceRun = registered(Training.trainAndRegister(session(org), traceRecipe, TRACEABILITY_MODEL, config.work().resolve("models"), progress));
    out.printf(Locale.ROOT, "   validation accuracy %.2f %% (the paper: 92.39 %%)%n", 100 * traceRun.metrics().getOrDefault("validation.accuracy", Double.NaN));

    step("proof of training: the node's verifier replays both models; an administrator approves them");
    for (String model : List.of(VALIDITY_MODEL, TRACEABILITY_MODEL)) {
      Responses.Model m = awaitReplay(model);
      out.println("   " + model + ": " + m.stage() + " (" + m.attestations().stream().filter(Responses.Attestation::match).count()
          + " matching replay)");
      if (!m.stage().equals("VERIFIED")) {
        throw new IllegalStateException("model " + model + " is " + m.stage() + " after its replay: " + m.history().get(m.history().size() - 1).reason());
      }
      expect(session(admin).submit(b -> b.changeModelStage(model, ModelStage.APPROVED, "replayed by the validators; demo approval"), true));
    }

    step("decisions: the five predictions, logged on chain by the node");
    List<String> inputs = TEMPERATURES.stream().map(t -> "{\"temperature\":" + t.toPlainString() + "}").toList();
    Responses.Predictions predictions = client.models().predict(VALIDITY_MODEL, inputs, true, org);
    MlpRegressor naiveModel = (MlpRegressor) naiveRun.model();
    List<DemoResult.ValidityRow> rows = new ArrayList<>();
    List<String> decisionIds = new ArrayList<>();
    for (int i = 0; i < TEMPERATURES.size(); i++) {
      double t = TEMPERATURES.get(i).doubleValue();
      Responses.Prediction p = predictions.decisions().get(i);
      JsonNode output = JSON.readTree(p.outputJson());
      double chain = output.path("humidity").asDouble(Double.NaN);
      Optional<Double> truth = config.source() instanceof Simulated ? Optional.of(RoomModel.trueHumidityAtTemperature(t)) : Optional.empty();
      rows.add(new DemoResult.ValidityRow(t, truth, chain, naiveModel.predict(new double[] {t})));
      decisionIds.add(p.decisionId());
    }
    out.println("   " + decisionIds.size() + " decisions in transaction " + predictions.txId() + " under root " + predictions.batchRoot().substring(0, 16) + "...");

    step("audit: one decision's lineage, down to the devices' signatures and the blocks");
    String audited = decisionIds.get(2);
    Path reportDir = config.work().resolve("report");
    Files.createDirectories(reportDir);
    Path prov = reportDir.resolve("lineage.prov.json");
    AuditReport audit = Audit.decision(client, audited, config.work().resolve("audit"), progress,
        Audit.Options.defaults());
    ProvJson.write(audit, prov);
    out.println("   " + audit.summary());
    List<DemoResult.Check> checks = audit.checks().stream()
        .map(c -> new DemoResult.Check(c.section() + ": " + c.name(), !c.failed(), c.detail())).toList();

    List<DemoResult.ModelRow> models = new ArrayList<>();
    for (String[] m : new String[][] {{VALIDITY_MODEL, "validity"}, {TRACEABILITY_MODEL, "traceability"}}) {
      Responses.Model record = client.models().model(m[0]);
      models.add(new DemoResult.ModelRow(m[0], m[1], record.artifactSha256(), record.recipeSha256(), record.stage(),
          (int) record.attestations().stream().filter(Responses.Attestation::match).count()));
    }
    ConfusionMatrix confusion = traceRun.confusion().get("validation");
    DemoResult.Traceability traceability = new DemoResult.Traceability(traceRun.metrics().get("train.accuracy"),
        traceRun.metrics().get("validation.accuracy"), traceRun.history().orElseThrow(), data.names(confusion.classes()), confusion.counts());
    DemoResult.Validity validity = new DemoResult.Validity(rows, chainRun.history().orElseThrow(), naiveRun.history().orElseThrow(),
        snapshot.rowCount(), naiveRun.trainRows() + naiveRun.validationRows() + naiveRun.testRows(), decisionIds);
    DemoResult.Ledger ledger = new DemoResult.Ledger(data.readings().size() + plan.readings().size(), legal, rejected, attacks,
        snapshotId, snapshot.rowCount());
    return new DemoResult(data.source(), nodeDir, ledger, validity, traceability, models,
        new DemoResult.Audit(audited, audit.passed(), checks, prov.getFileName().toString()),
        series(data, plan), (System.nanoTime() - started) / 1e9);
  }

  // ------------------------------------------------------------ sources

  /** Readings to submit, the stream they go to and the devices that signed them. */
  private record Ingested(String source, CreateStream stream, List<SensorDevice> devices, List<SignedReading> readings) {
    /** Display names of device ids: the device's name and the start of its id. */
    List<String> names(List<String> ids) {
      Map<String, String> byId = new LinkedHashMap<>();
      for (SensorDevice d : devices) {
        byId.put(d.id(), d.name());
      }
      return ids.stream().map(id -> byId.containsKey(id) ? byId.get(id) + " (" + id.substring(0, 11) + "...)" : id).toList();
    }
  }

  private Ingested simulate(Simulated s, SigningKey org) {
    step("the night: " + s.devices() + " temperature/humidity sensors, one reading every " + s.interval().toSeconds() + " s for "
        + s.night().toMinutes() / 60.0 + " h, in accelerated time");
    RoomModel room = new RoomModel(s.devices(), s.interval(), s.night(), config.seed());
    List<SensorDevice> devices = SensorDevice.generate("sensor", s.devices(), SignatureAlgorithm.P256, new SecureRandom());
    List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(room, devices, STREAM, Instant.now());
    return new Ingested("simulated night: " + s.devices() + " sensors, every " + s.interval().toSeconds() + " s, "
        + String.format(Locale.ROOT, "%.1f h", s.night().toMinutes() / 60.0), SensorSimulator.stream(STREAM, room, SensorSimulator.DEFAULT_WINDOW),
        devices, SensorSimulator.signed(night));
  }

  private Ingested record(Recorded r, SigningKey org) {
    step("a real recording: " + r.format().label() + (r.file() == null ? " (bundled)" : " " + r.file()));
    Instant now = Instant.now();
    Duration interval = r.format() == ReadingImporter.Format.INTEL_LAB ? ReadingImporter.INTEL_LAB_INTERVAL : RoomModel.DEFAULT_INTERVAL;
    ReadingImporter.Recording recording = ReadingImporter.read(r.format(), r.file(), now, interval, r.limit());
    if (r.format() == ReadingImporter.Format.LWSNDR) {
      out.println("   " + ReadingImporter.LWSNDR_ATTRIBUTION);
    }
    out.println("   " + recording.rows().size() + " readings of " + recording.devices().size() + " motes"
        + (recording.skipped() > 0 ? ", " + recording.skipped() + " malformed lines skipped" : ""));
    if (recording.devices().size() < 2) {
      throw new IllegalArgumentException("traceability needs readings of at least two motes; the recording"
          + (r.limit() < Integer.MAX_VALUE ? "'s first " + r.limit() + " lines hold" : " holds") + " only " + recording.devices()
          + (r.limit() < Integer.MAX_VALUE ? "; raise --limit" : ""));
    }
    for (String needed : List.of("temperature", "humidity")) {
      if (recording.fields().stream().noneMatch(f -> f.getName().equals(needed))) {
        throw new IllegalArgumentException("the recording has no " + needed + " field; its fields are "
            + recording.fields().stream().map(FieldSpec::getName).toList());
      }
    }
    ReadingImporter.Imported imported = ReadingImporter.sign(recording, STREAM, SignatureAlgorithm.P256, new SecureRandom());
    return new Ingested(recording.source(), ReadingImporter.stream(recording, STREAM, interval), imported.devices(), imported.readings());
  }

  // ------------------------------------------------------------ helpers

  /** The rows without a ledger, in the snapshot's CSV columns, so that the same recipe reads both. */
  private static byte[] withoutLedgerCsv(List<FieldSpec> fields, List<Attacker.Row> rows) {
    StringBuilder b = new StringBuilder("timestamp_millis,device_id");
    for (FieldSpec f : fields) {
      b.append(',').append(f.getName());
    }
    b.append('\n');
    for (Attacker.Row r : rows) {
      b.append(r.timeMillis()).append(',').append(r.device());
      for (Double v : r.values()) {
        b.append(',').append(new BigDecimal(v).round(new java.math.MathContext(12)).stripTrailingZeros().toPlainString());
      }
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private List<DemoResult.SensorSeries> series(Ingested data, Attacker.Plan plan) {
    long start = Long.MAX_VALUE;
    List<Reading> decoded = new ArrayList<>(data.readings().size());
    for (SignedReading s : data.readings()) {
      Reading r = Readings.decode(s);
      decoded.add(r);
      start = Math.min(start, r.getTimestampMillis());
    }
    int t = fieldIndex(data.stream(), "temperature");
    int h = fieldIndex(data.stream(), "humidity");
    Map<String, List<DemoResult.Point>> points = new LinkedHashMap<>();
    Map<String, List<DemoResult.RejectedPoint>> refused = new LinkedHashMap<>();
    for (SensorDevice d : data.devices()) {
      points.put(d.id(), new ArrayList<>());
      refused.put(d.id(), new ArrayList<>());
    }
    for (Reading r : decoded) {
      points.get(r.getDeviceId()).add(new DemoResult.Point(hours(r, start), r.getValues(t), r.getValues(h)));
    }
    for (Attacker.Attack a : plan.attacks()) {
      Reading r = a.reading();
      refused.computeIfAbsent(r.getDeviceId(), k -> new ArrayList<>())
          .add(new DemoResult.RejectedPoint(hours(r, start), r.getValues(t), r.getValues(h), a.kind().expectedVerdict().name()));
    }
    List<DemoResult.SensorSeries> out = new ArrayList<>();
    for (Map.Entry<String, List<DemoResult.RejectedPoint>> e : refused.entrySet()) {
      String name = data.names(List.of(e.getKey())).get(0);
      out.add(new DemoResult.SensorSeries(name.equals(e.getKey()) ? "unregistered " + e.getKey().substring(0, 11) + "..." : name,
          points.getOrDefault(e.getKey(), List.of()), e.getValue()));
    }
    return out;
  }

  private static double hours(Reading r, long start) {
    return (r.getTimestampMillis() - start) / 3_600_000.0;
  }

  private static int fieldIndex(CreateStream stream, String name) {
    for (int i = 0; i < stream.getFieldsCount(); i++) {
      if (stream.getFields(i).getName().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("the stream has no field " + name);
  }

  /** Waits, block by block (long-polling the node), until the verifier's attestation moves the model on. */
  private Responses.Model awaitReplay(String model) throws InterruptedException {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < end) {
      // The height first: an attestation committed after it wakes the wait below.
      long next = client.latestBlock().height() + 1;
      Responses.Model m = client.models().model(model);
      if (!m.stage().equals("REGISTERED")) {
        return m;
      }
      client.awaitBlock(next, java.time.Duration.ofSeconds(10));
      if (Thread.interrupted()) {
        throw new InterruptedException("waiting for the replay of model " + model);
      }
    }
    throw new IllegalStateException("no validator replayed model " + model + " within 5 minutes; is the node's verifier on?");
  }

  /** A fresh session, which reads the identity's nonce from the node: other senders of the demo share its keys. */
  private Session session(SigningKey key) {
    return new Session(client, key);
  }

  private static Responses.TxInfo expect(Responses.TxInfo info) {
    if (!info.committed()) {
      throw new IllegalStateException("transaction " + info.id() + " is " + info.status() + ": " + info.code().orElse("") + " "
          + info.message().orElse(""));
    }
    return info;
  }

  private int stepNumber;

  private void step(String what) {
    out.println();
    out.println(++stepNumber + ". " + what);
  }

  /** Prints the registration's transaction id, as every signing step of the demo does, and returns the run. */
  private TrainingRun registered(Training.Registered r) {
    out.println(r.tx().id());
    return r.run();
  }

  /** Verdict counts as {@code CODE count} pairs in the map's order, e.g. {@code BAD_SIGNATURE 65, DUPLICATE 45}. */
  private static String verdicts(Map<String, Long> counts) {
    return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
  }
}
