package org.veriflow.node.service;

import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.node.GenesisFile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.Attestation;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.protocol.proto.models.ReplayOutcome;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeRunner;
import org.veriflow.ml.tensor.Parallelism;

/**
 * The verifier in a node in this JVM: snapshots reproduced from the node's state, honest models
 * verified, forged ones rejected, records that cannot be replayed rejected with the reason, and
 * models registered while the verifier was off replayed at the next start.
 */
class VerifierTest {
  private static final String CHAIN = "veriflow-verifier";
  private static final long T0 = 1_700_000_000_000L;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private SigningKey admin;
  private SigningKey nodeKey;
  private final SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey device = SigningKey.generate(SignatureAlgorithm.ED25519);

  @BeforeEach
  void writeNodeDirectory() throws Exception {
    admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, T0, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_THREADS.name(), "2"));
  }

  private Node start(boolean verifier) {
    return Node.start(NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.VERIFIER_ENABLED.name(), Boolean.toString(verifier))),
        Clock.systemUTC(), e -> { });
  }

  private Node start(Map<String, String> overrides) {
    Map<String, String> all = new TreeMap<>(overrides);
    all.put(NodeConfig.VERIFIER_ENABLED.name(), "true");
    return Node.start(NodeConfig.load(dir, Map.of(), all), Clock.systemUTC(), e -> { });
  }

  private static VeriflowClient client(Node node) {
    return new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
  }

  private TransactionBuilder orgTx(VeriflowClient client) {
    return new TransactionBuilder(CHAIN, org, client.account(org.id().value()).nonce(), 10_000);
  }

  private static void committed(VeriflowClient client, org.veriflow.client.SignedTransaction tx) {
    Responses.TxInfo info = client.submit(tx, true);
    assertThat(info.committed()).as("%s: %s %s", info.status(), info.code(), info.message()).isTrue();
  }

  /** An organisation with a stream of temperature and humidity, one device, and {@code n} readings from sequence {@code first}. */
  private void organisationAndStream(VeriflowClient client) {
    committed(client, new TransactionBuilder(CHAIN, admin, 0, 10_000).registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()));
    committed(client, orgTx(client).createStream(CreateStream.newBuilder().setStreamId("room").setSamplingIntervalMillis(30_000)
        .addFields(FieldSpec.newBuilder().setName("temperature").setUnit("C").setMin(-40).setMax(85).setDecimals(2))
        .addFields(FieldSpec.newBuilder().setName("humidity").setUnit("%").setMin(0).setMax(100).setDecimals(2)).build()));
    committed(client, orgTx(client).registerDevice("room", device.publicKey(), "t1"));
  }

  private void readings(VeriflowClient client, int first, int n) {
    List<SignedReading> batch = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      double temperature = 18 + (i % 40) * 0.25;
      double humidity = 70 - 1.1 * temperature + ((i * 7) % 5) * 0.3;
      batch.add(Readings.sign(Reading.newBuilder().setStreamId("room").setDeviceId(device.id().value()).setSequence(i + 1)
          .setTimestampMillis(T0 + i * 30_000L).addValues(temperature).addValues(humidity).build(), device));
    }
    committed(client, orgTx(client).submitReadings("room", batch));
  }

  private String snapshot(VeriflowClient client) {
    Responses.TxInfo info = client.submit(orgTx(client).snapshot("room", T0, T0 + 1_000L * 30_000, "night"), true);
    assertThat(info.committed()).isTrue();
    return info.id();
  }

  private static Recipe recipe(String snapshotId, String csvSha256, int epochs) {
    return recipe(snapshotId, csvSha256, epochs, "[8]");
  }

  private static Recipe recipe(String snapshotId, String csvSha256, int epochs, String hiddenLayers) {
    return Recipe.parse("{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"" + EngineVersion.CURRENT + "\","
        + "\"data\":{\"reference\":\"" + snapshotId + "\",\"sha256\":\"" + csvSha256 + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":" + epochs + ",\"hiddenLayers\":" + hiddenLayers + "},\"seed\":5}");
  }

  private static RegisterModel.Builder model(String id, byte[] recipe, Responses.Snapshot snap, Hash artifact) {
    return RegisterModel.newBuilder().setModelId(id).setRecipe(ByteString.copyFrom(recipe))
        .setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(snap.snapshotId()).setCsvSha256(ByteString.copyFrom(Hex.decode(snap.csvSha256())))
            .setReadingsRoot(ByteString.copyFrom(Hex.decode(snap.readingsRoot()))))
        .setArtifactSha256(ByteString.copyFrom(artifact.bytes()))
        .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[0]).bytes()))
        .setEngineVersion(EngineVersion.CURRENT);
  }

  private static ModelRecord record(Node node, String id) {
    return Models.find(node.ledger().state(Models.NAME), id).orElseThrow();
  }

  private List<Attestation> attestationsByNode(Node node, String id) {
    return record(node, id).getAttestationsList().stream().filter(a -> a.getValidator().equals(nodeKey.id().value())).toList();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  private static String metrics(Node node) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Test
  void snapshotCsv_reproducesTheRecordedHashes_withoutReadingsOfLaterBlocks() throws Exception {
    try (Node node = start(false)) {
      VeriflowClient client = client(node);
      organisationAndStream(client);
      readings(client, 0, 50);
      String snapshotId = snapshot(client);
      readings(client, 50, 20); // inside the snapshot's range, but committed after it
      Responses.Snapshot snap = client.streams().snapshot(snapshotId);
      assertThat(snap.rowCount()).isEqualTo(50);

      SnapshotCsv.Export export = SnapshotCsv.reproduce(node.ledger().state(Streams.NAME), snapshotId).orElseThrow();
      assertThat(export.rows()).isEqualTo(50);
      assertThat(Hash.sha256(export.csv()).hex()).isEqualTo(snap.csvSha256());
      assertThat(export.csvSha256().hex()).isEqualTo(snap.csvSha256());
      Path exported = dir.resolve("export.csv");
      client.streams().exportSnapshot(snapshotId, exported);
      assertThat(export.csv()).isEqualTo(Files.readAllBytes(exported));
      assertThat(new String(export.csv(), StandardCharsets.UTF_8)).startsWith("timestamp_millis,device_id,sequence,temperature,humidity\n");

      assertThat(SnapshotCsv.reproduce(node.ledger().state(Streams.NAME), Hash.sha256(new byte[] {1}).hex())).isEmpty();
    }
  }

  @Test
  void verifier_attestsEveryModelOnce_matchVerifies_mismatchAndUnreplayableRecordsReject() throws Exception {
    try (Node node = start(true)) {
      VeriflowClient client = client(node);
      organisationAndStream(client);
      readings(client, 0, 80);
      Responses.Snapshot snap = client.streams().snapshot(snapshot(client));
      Recipe recipe = recipe(snap.snapshotId(), snap.csvSha256(), 6);
      byte[] csv = SnapshotCsv.reproduce(node.ledger().state(Streams.NAME), snap.snapshotId()).orElseThrow().csv();
      Hash artifact = Hash.of(RecipeRunner.run(recipe, csv, Parallelism.sequential(), (e, max) -> { }).modelHash().bytes());
      byte[] canonical = recipe.canonicalBytes();
      byte[] unparseable = "{\"algorithm\":\"mlp-regressor\"}".getBytes(StandardCharsets.UTF_8);
      committed(client, orgTx(client).registerModel(model("honest", canonical, snap, artifact).build()));
      committed(client, orgTx(client).registerModel(model("forged", canonical, snap, Hash.sha256("a better model".getBytes(StandardCharsets.UTF_8))).build()));
      committed(client, orgTx(client).registerModel(model("no-recipe", unparseable, snap, artifact).build()));
      committed(client, orgTx(client).registerModel(model("future-engine", canonical, snap, artifact).setEngineVersion("veriflow-ml/9.0.0").build()));

      List<String> ids = List.of("honest", "forged", "no-recipe", "future-engine");
      await("every model attested by the node", () -> ids.stream().allMatch(id -> !attestationsByNode(node, id).isEmpty()));
      assertThat(record(node, "honest").getStage()).isEqualTo(ModelStage.VERIFIED);
      assertThat(attestationsByNode(node, "honest")).singleElement().satisfies(a -> {
        assertThat(a.getMatch()).isTrue();
        assertThat(a.getFailure()).isEmpty();
      });
      assertThat(record(node, "forged").getStage()).isEqualTo(ModelStage.REJECTED);
      assertThat(attestationsByNode(node, "forged")).singleElement().satisfies(a -> {
        assertThat(a.getMatch()).isFalse();
        assertThat(a.getArtifactSha256().toByteArray()).isEqualTo(artifact.bytes());
      });
      assertThat(record(node, "no-recipe").getStage()).isEqualTo(ModelStage.REJECTED);
      assertThat(attestationsByNode(node, "no-recipe")).singleElement().satisfies(a -> {
        assertThat(a.getArtifactSha256().isEmpty()).isTrue();
        assertThat(a.getFailure()).startsWith("the recorded recipe is invalid: recipe:");
      });
      ModelRecord future = record(node, "future-engine");
      assertThat(future.getStage()).isEqualTo(ModelStage.REJECTED);
      assertThat(future.getHistory(future.getHistoryCount() - 1).getReason())
          .contains("failed: the model was trained with engine veriflow-ml/9.0.0; this validator runs " + EngineVersion.CURRENT);

      await("the verifier holds no model", () -> metricValue(node, "veriflow_verifier_pending") == 0.0);
      String metrics = metrics(node);
      assertThat(metrics).contains("veriflow_verifier_replays_total{outcome=\"match\"} 1.0")
          .contains("veriflow_verifier_replays_total{outcome=\"mismatch\"} 1.0")
          .contains("veriflow_verifier_replays_total{outcome=\"failed\"} 2.0")
          .contains("veriflow_verifier_replay_seconds_count 4");
      // A stage change is an ordinary block: the verifier does not pick the model again.
      committed(client, new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), 10_000)
          .changeModelStage("honest", ModelStage.APPROVED, "release"));
      readings(client, 80, 1);
      assertThat(attestationsByNode(node, "honest")).hasSize(1);
    }
  }

  @Test
  void verifier_modelRegisteredWhileDisabled_isReplayedAtTheNextStart() throws Exception {
    Responses.Snapshot snap;
    Hash artifact;
    try (Node node = start(false)) {
      VeriflowClient client = client(node);
      organisationAndStream(client);
      readings(client, 0, 40);
      snap = client.streams().snapshot(snapshot(client));
      Recipe recipe = recipe(snap.snapshotId(), snap.csvSha256(), 3);
      byte[] csv = SnapshotCsv.reproduce(node.ledger().state(Streams.NAME), snap.snapshotId()).orElseThrow().csv();
      artifact = Hash.of(RecipeRunner.run(recipe, csv, Parallelism.sequential(), (e, max) -> { }).modelHash().bytes());
      committed(client, orgTx(client).registerModel(model("offline", recipe.canonicalBytes(), snap, artifact).build()));
      // Later blocks do not wake a disabled verifier either.
      readings(client, 40, 1);
      assertThat(record(node, "offline").getAttestationsCount()).isZero();
      assertThat(metrics(node)).doesNotContain("veriflow_verifier_replays_total{outcome=\"match\"} 1.0");
    }
    try (Node node = start(true)) {
      await("the model registered while the verifier was off is verified", () -> record(node, "offline").getStage() == ModelStage.VERIFIED);
      assertThat(attestationsByNode(node, "offline")).singleElement().satisfies(a -> assertThat(a.getArtifactSha256().toByteArray()).isEqualTo(artifact.bytes()));
    }
  }

  /**
   * Tried as found, shortened: a recipe of the most epochs the chain accepts would keep a validator
   * busy for many minutes, and a recipe of two 4096-unit layers needs more memory than this
   * validator allows. With a 4-second time budget and a 16 MiB memory budget, both are attested
   * BUDGET_EXCEEDED once (the first stopped, the second never started), a small model registered
   * after the slow one is verified while the slow one still runs (it runs in the large lane), and
   * after a restart neither is replayed again.
   */
  @Test
  void verifier_replaysOverBudget_attestedBudgetExceededOnceSmallModelNotStarvedNoReplayAfterRestart() throws Exception {
    Map<String, String> budgets = Map.of(NodeConfig.VERIFIER_REPLAY_TIMEOUT.name(), "4000",
        NodeConfig.VERIFIER_REPLAY_MAX_BYTES.name(), Long.toString(16L << 20),
        NodeConfig.VERIFIER_LARGE_REPLAY_COST.name(), "1000000");
    List<String> overBudget = List.of("slow", "wide");
    try (Node node = start(budgets)) {
      VeriflowClient client = client(node);
      organisationAndStream(client);
      readings(client, 0, 80);
      Responses.Snapshot snap = client.streams().snapshot(snapshot(client));
      byte[] slow = recipe(snap.snapshotId(), snap.csvSha256(), Limits.RECIPE_MAX_EPOCHS, "[256,256]").canonicalBytes();
      byte[] wide = recipe(snap.snapshotId(), snap.csvSha256(), 1, "[4096,4096]").canonicalBytes();
      Recipe small = recipe(snap.snapshotId(), snap.csvSha256(), 3);
      byte[] csv = SnapshotCsv.reproduce(node.ledger().state(Streams.NAME), snap.snapshotId()).orElseThrow().csv();
      Hash artifact = Hash.of(RecipeRunner.run(small, csv, Parallelism.sequential(), (e, max) -> { }).modelHash().bytes());
      Hash claimed = Hash.sha256("whatever the trainer claims".getBytes(StandardCharsets.UTF_8));

      committed(client, orgTx(client).registerModel(model("slow", slow, snap, claimed).build()));
      committed(client, orgTx(client).registerModel(model("wide", wide, snap, claimed).build()));
      committed(client, orgTx(client).registerModel(model("small", small.canonicalBytes(), snap, artifact).build()));

      await("the small model registered after the slow one is verified", () -> record(node, "small").getStage() == ModelStage.VERIFIED);
      assertThat(attestationsByNode(node, "slow")).as("the slow replay is still running").isEmpty();

      await("both over-budget models attested", () -> overBudget.stream().allMatch(id -> !attestationsByNode(node, id).isEmpty()));
      assertThat(attestationsByNode(node, "slow")).singleElement().satisfies(a -> {
        assertThat(a.getOutcome()).isEqualTo(ReplayOutcome.BUDGET_EXCEEDED);
        assertThat(a.getMatch()).isFalse();
        assertThat(a.getArtifactSha256().isEmpty()).isTrue();
        assertThat(a.getFailure()).startsWith("budget exceeded: time: the replay ran longer than 4000 ms");
      });
      assertThat(attestationsByNode(node, "wide")).singleElement().satisfies(a -> {
        assertThat(a.getOutcome()).isEqualTo(ReplayOutcome.BUDGET_EXCEEDED);
        assertThat(a.getFailure()).startsWith("budget exceeded: memory:");
      });
      for (String id : overBudget) {
        assertThat(record(node, id).getStage()).as("%s is neither verified nor rejected", id).isEqualTo(ModelStage.REGISTERED);
      }
      await("the verifier holds no model", () -> metricValue(node, "veriflow_verifier_pending") == 0.0);
      assertThat(metrics(node)).contains("veriflow_verifier_replays_total{outcome=\"budget_exceeded\"} 2.0");
    }
    try (Node node = start(budgets)) {
      VeriflowClient client = client(node);
      readings(client, 80, 1); // a block: the verifier looks at the chain again
      await("the restarted verifier has scanned and holds no model", () -> metricValue(node, "veriflow_verifier_pending") == 0.0);
      for (String id : overBudget) {
        assertThat(attestationsByNode(node, id)).as("%s attested once, not replayed again", id).hasSize(1);
      }
      assertThat(metrics(node)).contains("veriflow_verifier_replays_total{outcome=\"budget_exceeded\"} 0.0")
          .contains("veriflow_verifier_replay_seconds_count 0");
    }
  }

  private static double metricValue(Node node, String name) {
    try {
      Optional<String> line = metrics(node).lines().filter(l -> l.startsWith(name + " ")).findFirst();
      return line.map(l -> Double.parseDouble(l.substring(name.length() + 1).trim())).orElse(Double.NaN);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
