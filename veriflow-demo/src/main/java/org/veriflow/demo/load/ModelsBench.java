package org.veriflow.demo.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.audit.Audit;
import org.veriflow.client.audit.AuditReport;
import org.veriflow.client.models.Training;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.protocol.Limits;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The models-on-chain benchmark against a running node whose verifier is on: ingests N signed
 * readings, snapshots them, trains a humidity model on the snapshot (timed), waits for the node's
 * verifier to replay it (its replay time read from the node's metrics), audits the model (timed,
 * next to the time this machine needs just to check the readings' signatures, in the same run),
 * then logs decisions one per request and in batches. Training and the audit run through the SDK
 * ({@link Training}, {@link Audit}), as {@code veriflow model train} and {@code veriflow audit model} do.
 */
public final class ModelsBench {
  /** The figures of one run; seconds are wall-clock times on this machine. */
  public record Result(long readings, double trainSeconds, double replaySeconds, double auditSeconds, double signatureSeconds,
      boolean auditPassed, int singleDecisions, double singlePerSecond, int batchedDecisions, int batchSize, double batchedPerSecond) {}

  private final VeriflowClient client;
  private final SigningKey admin;
  private final PrintWriter out;
  private final ProgressListener progress;
  private final Path work;

  /**
   * @param client a node whose verifier is on
   * @param admin an administrator's key (registers the benchmark's organisation, approves the model)
   * @param out where the benchmark reports each step's figures
   * @param progress where it shows the progress of ingestion, training and the audit
   * @param work a scratch directory
   */
  public ModelsBench(VeriflowClient client, SigningKey admin, PrintWriter out, ProgressListener progress, Path work) {
    this.client = client;
    this.admin = admin;
    this.out = out;
    this.progress = progress;
    this.work = work;
  }

  /**
   * Runs the benchmark once.
   *
   * @param readings how many readings to ingest (rounded up to whole simulated nights per device)
   * @param epochs training epochs
   * @param singleDecisions decisions logged one per request
   * @param batchedRequests requests of {@code batchSize} decisions each
   * @param batchSize decisions per batched request
   * @param concurrency requests in flight
   * @return the figures
   * @throws Exception if the node refuses a step, or a step fails
   */
  public Result run(int readings, int epochs, int singleDecisions, int batchedRequests, int batchSize, int concurrency) throws Exception {
    Files.createDirectories(work);
    SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
    Session adminSession = new Session(client, admin);
    LoadSupport.expectCommitted(adminSession.submit(b -> b.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "bench-lab", List.of()), true));

    int perDevice = (int) (RoomModel.NIGHT.toSeconds() / RoomModel.DEFAULT_INTERVAL.toSeconds());
    int devices = Math.max(1, (readings + perDevice - 1) / perDevice);
    RoomModel room = new RoomModel(devices, RoomModel.DEFAULT_INTERVAL, RoomModel.NIGHT, 2026L);
    List<SensorDevice> sensors = SensorDevice.generate("bench-sensor", devices, SignatureAlgorithm.ED25519, new SecureRandom());
    String stream = "bench-room-" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffL);
    List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(room, sensors, stream, Instant.now());
    StreamAdmin streams = new StreamAdmin(client, org);
    streams.create(SensorSimulator.stream(stream, room, SensorSimulator.DEFAULT_WINDOW));
    streams.registerDevices(stream, sensors);
    List<SignedReading> signed = SensorSimulator.signed(night);
    out.printf(Locale.ROOT, "ingesting %,d readings from %d devices%n", signed.size(), devices);
    new Gateway(client, org, Limits.READINGS_PER_BATCH).submit(stream, signed, progress);
    String snapshotId = LoadSupport.expectCommitted(new Session(client, org).submit(b -> b.snapshot(stream, Long.MIN_VALUE, Long.MAX_VALUE, "bench night"), true)).id();
    Responses.Snapshot snap = client.streams().snapshot(snapshotId);

    Recipe recipe = Recipe.parse(("{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
        + "\"data\":{\"reference\":\"" + snapshotId + "\",\"sha256\":\"" + snap.csvSha256() + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":" + epochs + ",\"hiddenLayers\":[16]},\"seed\":7}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String modelId = "bench-" + stream.substring("bench-room-".length());
    double replayBefore = replaySecondsTotal();
    long t0 = System.nanoTime();
    Training.trainAndRegister(new Session(client, org), recipe, modelId, work.resolve("models"), progress);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    out.printf(Locale.ROOT, "trained %s on %,d rows in %.2f s (export, hash checks, %d epochs, upload, record)%n", modelId, snap.rowCount(), trainSeconds, epochs);
    String stage = awaitReplay(modelId);
    double replaySeconds = replaySecondsTotal() - replayBefore;
    out.printf(Locale.ROOT, "the node's verifier replayed it in %.2f s: %s%n", replaySeconds, stage);
    if (!stage.equals("VERIFIED")) {
      throw new IllegalStateException("the model is " + stage + " after replay");
    }
    LoadSupport.expectCommitted(adminSession.submit(b -> b.changeModelStage(modelId, ModelStage.APPROVED, "benchmark"), true));

    // Baseline: only the readings' signature checks, on all cores, in this process.
    long s0 = System.nanoTime();
    long valid = IntStream.range(0, night.size()).parallel()
        .filter(i -> night.get(i).device().key().publicKey().verify(night.get(i).signed().getReading().toByteArray(),
            night.get(i).signed().getSignature().toByteArray()).isValid())
        .count();
    double signatureSeconds = (System.nanoTime() - s0) / 1e9;
    if (valid != night.size()) {
      throw new IllegalStateException("baseline: " + (night.size() - valid) + " signatures do not verify");
    }
    long a0 = System.nanoTime();
    AuditReport audit = Audit.model(client, modelId, work.resolve("audit"), progress);
    double auditSeconds = (System.nanoTime() - a0) / 1e9;
    out.printf(Locale.ROOT, "audit of %s (%,d readings): %.2f s, %s; signature checks alone: %.2f s%n", modelId, snap.rowCount(), auditSeconds,
        audit.passed() ? "every link passed" : "FAILED", signatureSeconds);
    if (!audit.passed()) {
      out.print(audit.format());
    }

    String[] temperatures = {"31.2", "28.3", "27.7", "26.5", "24.8"};
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      long d0 = System.nanoTime();
      List<Future<Integer>> single = new ArrayList<>();
      for (int i = 0; i < singleDecisions; i++) {
        String input = "{\"temperature\":" + temperatures[i % temperatures.length] + "}";
        single.add(pool.submit(() -> client.models().predict(modelId, List.of(input), true, org).decisions().size()));
      }
      int singleDone = sum(single);
      double singleSeconds = (System.nanoTime() - d0) / 1e9;
      out.printf(Locale.ROOT, "decisions one per request: %,d in %.2f s = %.0f/s (%d in flight)%n", singleDone, singleSeconds, singleDone / singleSeconds, concurrency);
      long b0 = System.nanoTime();
      List<Future<Integer>> batched = new ArrayList<>();
      for (int r = 0; r < batchedRequests; r++) {
        List<String> inputs = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
          inputs.add("{\"temperature\":" + temperatures[i % temperatures.length] + "}");
        }
        batched.add(pool.submit(() -> client.models().predict(modelId, inputs, true, org).decisions().size()));
      }
      int batchedDone = sum(batched);
      double batchedSeconds = (System.nanoTime() - b0) / 1e9;
      out.printf(Locale.ROOT, "decisions %d per request: %,d in %.2f s = %.0f/s%n", batchSize, batchedDone, batchedSeconds, batchedDone / batchedSeconds);
      return new Result(snap.rowCount(), trainSeconds, replaySeconds, auditSeconds, signatureSeconds, audit.passed(),
          singleDone, singleDone / singleSeconds, batchedDone, batchSize, batchedDone / batchedSeconds);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int sum(List<Future<Integer>> futures) throws Exception {
    int n = 0;
    for (Future<Integer> f : futures) {
      n += f.get();
    }
    return n;
  }

  /** Waits, block by block (long-polling the node), until a validator's attestation settles the model's stage. */
  private String awaitReplay(String modelId) {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < end) {
      // The height first: an attestation committed after it wakes the wait below.
      long next = client.latestBlock().height() + 1;
      Responses.Model m = client.models().model(modelId);
      if (!m.attestations().isEmpty() && !m.stage().equals("REGISTERED")) {
        return m.stage();
      }
      client.awaitBlock(next, java.time.Duration.ofSeconds(10));
    }
    throw new IllegalStateException("no validator attested model " + modelId + " within 10 minutes; is the node's verifier on?");
  }

  /** Seconds the node's verifier has spent replaying, from its metrics. */
  private double replaySecondsTotal() throws IOException, InterruptedException {
    var http = java.net.http.HttpClient.newHttpClient();
    String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    for (String line : body.split("\n")) {
      if (line.startsWith("veriflow_verifier_replay_seconds_sum")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
