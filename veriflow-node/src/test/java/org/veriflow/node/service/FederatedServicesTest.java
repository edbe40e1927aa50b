package org.veriflow.node.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Readings;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.FederatedSeeds;
import org.veriflow.ml.federated.LocalTraining;
import org.veriflow.ml.federated.LocalUpdate;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.fl.Aggregate;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.JoinTask;
import org.veriflow.protocol.proto.fl.LocalMetric;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundAttestation;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.StartTask;
import org.veriflow.protocol.proto.fl.SubmitUpdate;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.TaskStatus;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The aggregator and the round verifier in a node in this JVM: participants (organisations, each
 * with its own stream) train with the engine in the test, upload their updates as blobs and submit
 * them signed; the node's aggregator (under a key of its own) aggregates, the node's validator
 * recomputes and attests. A tampered aggregate is attested a mismatch; a participant that never
 * submits leaves its round to close at the deadline; an update whose blob is corrupted on disk or
 * deleted is rejected as MISSING_BLOB.
 */
class FederatedServicesTest {
  private static final String CHAIN = "veriflow-fl-services";
  private static final long T0 = 1_700_000_000_000L;
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String FL = FederatedRounds.FL;

  @TempDir Path dir;
  private SigningKey admin;
  private SigningKey nodeKey;
  private final SigningKey aggregatorKey = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey owner = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final List<SigningKey> participants = new ArrayList<>();
  private final Map<String, byte[]> csvs = new TreeMap<>();
  private final Map<String, DatasetRef> datasets = new TreeMap<>();

  @BeforeEach
  void writeNodeDirectory() throws Exception {
    admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    Files.writeString(dir.resolve("keys/aggregator.key"), KeyPem.encodePrivate(aggregatorKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, T0, 4 * 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0",
        NodeConfig.VERIFIER_THREADS.name(), "2", NodeConfig.FL_AGGREGATOR_KEY_FILE.name(), "keys/aggregator.key"));
  }

  private Node start(boolean aggregator) {
    return Node.start(NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.VERIFIER_ENABLED.name(), "true",
        NodeConfig.FL_AGGREGATOR_ENABLED.name(), Boolean.toString(aggregator))), Clock.systemUTC(), e -> { });
  }

  // ------------------------------------------------------------------ chain helpers

  private static VeriflowClient client(Node node) {
    return new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
  }

  private static TransactionBuilder tx(VeriflowClient client, SigningKey key) {
    return new TransactionBuilder(CHAIN, key, client.account(key.id().value()).nonce(), 100_000);
  }

  private static Responses.TxInfo submit(VeriflowClient client, SigningKey key, String method, MessageLite args) {
    return client.submit(tx(client, key).call(FL, method, args), true);
  }

  private static void committed(VeriflowClient client, org.veriflow.client.SignedTransaction tx) {
    Responses.TxInfo info = client.submit(tx, true);
    assertThat(info.committed()).as("%s: %s %s", info.status(), info.code(), info.message()).isTrue();
  }

  private static void committed(VeriflowClient client, SigningKey key, String method, MessageLite args) {
    Responses.TxInfo info = submit(client, key, method, args);
    assertThat(info.committed()).as("%s %s: %s %s", method, info.status(), info.code(), info.message()).isTrue();
  }

  /**
   * Registers the owner, the aggregator and {@code n} participant organisations; each participant
   * gets a stream of its own with readings of its own room (non-IID: each room's humidity has its own
   * offset) and a snapshot; the owner gets the validation stream.
   */
  private void organisations(VeriflowClient client, int n) {
    committed(client, new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), 100_000)
        .registerIdentity(owner.publicKey(), IdentityKind.ORGANISATION, "Owner", List.of()));
    committed(client, new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), 100_000)
        .transfer(owner.id().value(), 100_000, "the reward pool"));
    committed(client, new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), 100_000)
        .registerIdentity(aggregatorKey.publicKey(), IdentityKind.ORGANISATION, "Aggregator", List.of()));
    datasets.put(owner.id().value(), stream(client, owner, "validation", 3, 60));
    for (int i = 0; i < n; i++) {
      SigningKey p = SigningKey.generate(SignatureAlgorithm.ED25519);
      participants.add(p);
      committed(client, new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), 100_000)
          .registerIdentity(p.publicKey(), IdentityKind.ORGANISATION, "Participant " + i, List.of()));
      datasets.put(p.id().value(), stream(client, p, "room-" + i, i, 80));
    }
  }

  /** A stream of temperature and humidity owned by {@code org}, {@code rows} readings, and a snapshot of them. */
  private DatasetRef stream(VeriflowClient client, SigningKey org, String streamId, int room, int rows) {
    SigningKey device = SigningKey.generate(SignatureAlgorithm.ED25519);
    committed(client, tx(client, org).createStream(CreateStream.newBuilder().setStreamId(streamId).setSamplingIntervalMillis(30_000)
        .addFields(FieldSpec.newBuilder().setName("temperature").setUnit("C").setMin(-40).setMax(85).setDecimals(2))
        .addFields(FieldSpec.newBuilder().setName("humidity").setUnit("%").setMin(0).setMax(100).setDecimals(2)).build()));
    committed(client, tx(client, org).registerDevice(streamId, device.publicKey(), "t1"));
    List<SignedReading> batch = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double temperature = 18 + ((i * 7 + room * 3) % 40) * 0.25;
      double humidity = 70 - 1.1 * temperature + room * 1.5 + ((i * 7) % 5) * 0.3;
      batch.add(Readings.sign(Reading.newBuilder().setStreamId(streamId).setDeviceId(device.id().value()).setSequence(i + 1)
          .setTimestampMillis(T0 + i * 30_000L).addValues(temperature).addValues(humidity).build(), device));
    }
    committed(client, tx(client, org).submitReadings(streamId, batch));
    Responses.TxInfo snap = client.submit(tx(client, org).snapshot(streamId, T0, T0 + 1_000L * 30_000, streamId), true);
    assertThat(snap.committed()).isTrue();
    Responses.Snapshot s = client.streams().snapshot(snap.id());
    return DatasetRef.newBuilder().setSnapshotId(s.snapshotId()).setCsvSha256(ByteString.copyFrom(Hex.decode(s.csvSha256())))
        .setReadingsRoot(ByteString.copyFrom(Hex.decode(s.readingsRoot()))).build();
  }

  private byte[] csv(Node node, String identity) {
    return csvs.computeIfAbsent(identity, id -> SnapshotCsv.reproduce(node.ledger().state(Streams.NAME), datasets.get(id).getSnapshotId())
        .orElseThrow().csv());
  }

  private static FederatedRecipe recipe() {
    return FederatedRecipe.of(Algorithm.MLP_REGRESSOR, List.of("temperature"), "humidity", List.of(), new double[] {23}, new double[] {3},
        Map.of("epochs", 2, "hiddenLayers", List.of(4)), 7);
  }

  private CreateTask.Builder task(String taskId, int rounds, long roundBlocks, int min, int max, AggregationRule rule) {
    byte[] recipe = recipe().toCanonicalJson();
    return CreateTask.newBuilder().setTaskId(taskId).setRecipe(ByteString.copyFrom(recipe)).setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
        .setRounds(rounds).setRoundBlocks(roundBlocks).setMinParticipants(min).setMaxParticipants(max).setRule(rule)
        .setValidation(datasets.get(owner.id().value())).setRewardPool(1_000).setAggregator(aggregatorKey.id().value()).setModelId(taskId + "-model");
  }

  /** Creates the task, joins every participant (with its own snapshot) and starts it. */
  private void createJoinStart(VeriflowClient client, CreateTask task) {
    committed(client, owner, "create_task", task);
    for (SigningKey p : participants) {
      committed(client, p, "join", JoinTask.newBuilder().setTaskId(task.getTaskId()).setDataset(datasets.get(p.id().value())).build());
    }
    committed(client, owner, "start", StartTask.newBuilder().setTaskId(task.getTaskId()).build());
  }

  private static TaskRecord taskRecord(Node node, String taskId) {
    return FederatedRounds.task(node.ledger().state(FL), taskId).orElseThrow();
  }

  private static RoundRecord roundRecord(Node node, String taskId, int round) {
    return FederatedRounds.round(node.ledger().state(FL), taskId, round).orElseThrow();
  }

  /** The global model a participant starts round {@code round} from: the initial model, or the base blob from the node. */
  private static Model global(Node node, String taskId, int round) throws Exception {
    RoundRecord r = roundRecord(node, taskId, round);
    if (r.getBaseModelSha256().equals(taskRecord(node, taskId).getInitialModelSha256())) {
      return recipe().initialModel();
    }
    HttpResponse<byte[]> blob = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
        + "/v1/blobs/" + Hex.encode(r.getBaseModelSha256().toByteArray()))).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(blob.statusCode()).as("the base model of round %d is downloadable without a signature", round).isEqualTo(200);
    assertThat(Hash.sha256(blob.body()).bytes()).isEqualTo(r.getBaseModelSha256().toByteArray());
    return ModelFile.read(blob.body());
  }

  /** Participant {@code p} trains on its own data, uploads its update and submits it; returns the update's hash. */
  private Hash trainAndSubmit(Node node, VeriflowClient client, SigningKey p, String taskId, int round) throws Exception {
    FederatedRecipe recipe = recipe();
    LocalUpdate update = LocalTraining.train(recipe, global(node, taskId, round), csv(node, p.id().value()),
        FederatedSeeds.local(recipe, taskId, round, p.id().value()), Parallelism.sequential(), TrainingListener.none());
    Path file = dir.resolve("update-" + p.id().value() + "-" + round);
    Files.write(file, update.modelFile());
    Hash hash = client.putBlob(file, p);
    assertThat(hash.bytes()).isEqualTo(update.hash().bytes());
    SubmitUpdate.Builder submit = SubmitUpdate.newBuilder().setTaskId(taskId).setRound(round).setUpdateSha256(ByteString.copyFrom(hash.bytes()))
        .setExamples(update.examples()).setParameterCount(recipe.parameterCount());
    update.metrics().forEach((name, value) -> submit.addMetrics(LocalMetric.newBuilder().setName(name).setValue(value)));
    committed(client, p, "submit_update", submit.build());
    return hash;
  }

  /** Empty blocks' worth of transactions (transfers) until the head reaches {@code height}. */
  private void blocksUntil(Node node, VeriflowClient client, long height) {
    while (node.ledger().head().height() < height) {
      committed(client, tx(client, owner).transfer(admin.id().value(), 1, "tick"));
    }
  }

  private static void awaitRound(Node node, String taskId, int round, RoundStatus status) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> {
      var r = FederatedRounds.round(node.ledger().state(FL), taskId, round);
      return r.isPresent() && r.get().getStatus() == status;
    });
  }

  private FederatedRounds rounds(Node node) {
    BlobStore blobs = node.blobUploads().store();
    return new FederatedRounds(node.ledger(), blobs, PeerBlobs.none(), new CustodianData(blobs, null, nodeKey.id().value()));
  }

  // ------------------------------------------------------------------ tests

  @Test
  void task_threeParticipantsTwoRounds_aggregatedByTheServiceVerifiedByTheValidator_completedWithAFederatedModel() throws Exception {
    try (Node node = start(true)) {
      VeriflowClient client = client(node);
      organisations(client, 3);
      createJoinStart(client, task("fl-task", 2, 1_000, 2, 3, AggregationRule.FEDAVG).build());
      for (int round = 1; round <= 2; round++) {
        for (SigningKey p : participants) {
          trainAndSubmit(node, client, p, "fl-task", round);
        }
        // Every participant submitted: the round closes at once, long before its deadline.
        awaitRound(node, "fl-task", round, RoundStatus.VERIFIED);
        RoundRecord r = roundRecord(node, "fl-task", round);
        assertThat(r.getAttempt()).isEqualTo(1);
        assertThat(r.getAttestationsList()).singleElement().satisfies(a -> {
          assertThat(a.getValidator()).isEqualTo(nodeKey.id().value());
          assertThat(a.getMatch()).isTrue();
          assertThat(a.getResultSha256()).isEqualTo(r.getResultSha256());
        });
        RoundResult result = RoundResult.parseFrom(r.getResult());
        assertThat(result.getAcceptedList()).extracting(a -> a.getParticipant())
            .containsExactlyElementsOf(participants.stream().map(p -> p.id().value()).sorted().toList());
        assertThat(result.getRejectedList()).isEmpty();
        assertThat(result.getContributionsCount()).isEqualTo(3);
        // The new global model is a blob on the node, and the blob collection keeps it.
        Hash global = Hash.of(result.getGlobalModelSha256().toByteArray());
        assertThat(node.blobUploads().store().exists(global)).isTrue();
        assertThat(ChainBlobReferences.named(node.ledger(), java.util.Set.of(global))).containsExactly(global);
        // Named as an fl model (so a node lacking it fetches it for a download); a snapshot's CSV is named, but not as a model.
        assertThat(ChainBlobReferences.namesFlModel(node.ledger(), global)).isTrue();
        assertThat(ChainBlobReferences.namesFlModel(node.ledger(), Hash.of(r.getBaseModelSha256().toByteArray()))).isTrue();
        assertThat(ChainBlobReferences.namesFlModel(node.ledger(), Hash.of(r.getUpdates(0).getUpdateSha256().toByteArray()))).isTrue();
        Hash snapshotCsv = Hash.of(datasets.get(owner.id().value()).getCsvSha256().toByteArray());
        assertThat(ChainBlobReferences.named(node.ledger(), java.util.Set.of(snapshotCsv))).containsExactly(snapshotCsv);
        assertThat(ChainBlobReferences.namesFlModel(node.ledger(), snapshotCsv)).isFalse();
        // Golden: the recomputation gives the aggregator's bytes, under any thread count.
        for (int threads : new int[] {1, 2}) {
          try (Parallelism parallelism = Parallelism.threads(threads)) {
            FederatedRounds.Computed again = rounds(node).compute("fl-task", round, parallelism);
            assertThat(again).isInstanceOf(FederatedRounds.Result.class);
            assertThat(((FederatedRounds.Result) again).encoded()).isEqualTo(r.getResult().toByteArray());
          }
        }
      }
      await().atMost(DEADLINE).until(() -> taskRecord(node, "fl-task").getStatus() == TaskStatus.COMPLETED);
      ModelRecord model = Models.find(node.ledger().state(Models.NAME), "fl-task-model").orElseThrow();
      assertThat(model.getStage()).isEqualTo(ModelStage.VERIFIED);
      assertThat(model.getFederatedTask()).isEqualTo("fl-task");
      RoundResult last = RoundResult.parseFrom(roundRecord(node, "fl-task", 2).getResult());
      assertThat(model.getArtifactSha256()).isEqualTo(last.getGlobalModelSha256());
      // The model verifier leaves a federated model alone: it was verified through its rounds.
      readingsBlock(node, client);
      assertThat(node.verifierIdle(Duration.ofSeconds(10))).isTrue();
      assertThat(Models.find(node.ledger().state(Models.NAME), "fl-task-model").orElseThrow().getAttestationsList()).isEmpty();
      String metrics = metrics(node);
      assertThat(metrics).contains("veriflow_fl_aggregations_total{outcome=\"submitted\"} 2.0")
          .contains("veriflow_fl_round_attestations_total{outcome=\"match\"} 2.0");
      // The HTTP reads.
      String round1 = get(node, "/v1/fl/tasks/fl-task/rounds/1");
      assertThat(round1).contains("\"status\":\"VERIFIED\"").contains("\"globalModelSha256\":\"" + Hex.encode(
          RoundResult.parseFrom(roundRecord(node, "fl-task", 1).getResult()).getGlobalModelSha256().toByteArray()) + "\"");
      assertThat(get(node, "/v1/fl/tasks/fl-task")).contains("\"status\":\"COMPLETED\"");
      assertThat(get(node, "/v1/fl/tasks/fl-task/rounds")).contains("\"round\":1").contains("\"round\":2");
      assertThat(get(node, "/v1/fl/tasks")).contains("\"taskId\":\"fl-task\"");
      // Another member lacking the final global model fetches it from this node's blob API for a
      // download: the chain names it as a model. A blob this node holds that the chain does not name
      // as a model is not fetched.
      BlobStore other = BlobStore.open(dir.resolve("other-member-blobs"), 1 << 26);
      ModelBlobsOnDemand onDemand = new ModelBlobsOnDemand(node.ledger(), other,
          new PeerBlobs(List.of(URI.create("http://127.0.0.1:" + node.httpPort())), java.util.Optional.empty()), new ProtectedBlobs(node.ledger()));
      Hash finalModel = Hash.of(last.getGlobalModelSha256().toByteArray());
      assertThat(other.exists(finalModel)).isFalse();
      assertThat(onDemand.fetch(finalModel)).isTrue();
      try (java.io.InputStream in = other.open(finalModel).orElseThrow()) {
        assertThat(Hash.sha256(in.readAllBytes())).isEqualTo(finalModel);
      }
      Path loose = dir.resolve("loose.bin");
      Files.writeString(loose, "a blob no record names as a model");
      Hash looseHash = client.putBlob(loose, participants.get(0));
      assertThat(node.blobUploads().store().exists(looseHash)).isTrue();
      assertThat(onDemand.fetch(looseHash)).isFalse();
      assertThat(other.exists(looseHash)).isFalse();
    }
  }

  @Test
  void tamperedAggregate_attestedMismatch_roundRejected_thenAnHonestReaggregationVerifies() throws Exception {
    try (Node node = start(false)) {
      VeriflowClient client = client(node);
      organisations(client, 2);
      createJoinStart(client, task("tampered", 1, 1_000, 2, 2, AggregationRule.MEDIAN).build());
      for (SigningKey p : participants) {
        trainAndSubmit(node, client, p, "tampered", 1);
      }
      FederatedRounds.Result honest;
      try (Parallelism parallelism = Parallelism.sequential()) {
        honest = (FederatedRounds.Result) rounds(node).compute("tampered", 1, parallelism);
      }
      RoundResult forged = honest.result().toBuilder().setGlobalModelSha256(ByteString.copyFrom(Hash.sha256(new byte[] {1}).bytes())).build();
      committed(client, aggregatorKey, "aggregate", Aggregate.newBuilder().setTaskId("tampered").setRound(1).setResult(forged.toByteString()).build());
      awaitRound(node, "tampered", 1, RoundStatus.AGGREGATE_REJECTED);
      RoundRecord rejected = roundRecord(node, "tampered", 1);
      assertThat(rejected.getAttestationsList()).singleElement().satisfies(a -> {
        assertThat(a.getMatch()).isFalse();
        assertThat(a.getAttempt()).isEqualTo(1);
        assertThat(a.getResultSha256().toByteArray()).isEqualTo(honest.sha256().bytes());
      });
      assertThat(rejected.getRejection()).startsWith("MISMATCH");
      assertThat(metrics(node)).contains("veriflow_fl_round_attestations_total{outcome=\"mismatch\"} 1.0");

      // The aggregator does it again, honestly (it does not even upload the model): the validator
      // attests attempt 2, it matches, and the validator keeps the global model it recomputed.
      assertThat(node.blobUploads().store().exists(honest.globalHash())).isFalse();
      committed(client, aggregatorKey, "aggregate", Aggregate.newBuilder().setTaskId("tampered").setRound(1)
          .setResult(ByteString.copyFrom(honest.encoded())).build());
      awaitRound(node, "tampered", 1, RoundStatus.VERIFIED);
      List<RoundAttestation> attestations = roundRecord(node, "tampered", 1).getAttestationsList();
      assertThat(attestations).hasSize(2);
      assertThat(attestations.get(1).getAttempt()).isEqualTo(2);
      assertThat(attestations.get(1).getMatch()).isTrue();
      assertThat(node.blobUploads().store().exists(honest.globalHash())).isTrue();
    }
  }

  @Test
  void silentParticipantCorruptedAndMissingBlobs_roundClosesAtItsDeadline_blobsRejectedMissing() throws Exception {
    try (Node node = start(true)) {
      VeriflowClient client = client(node);
      organisations(client, 4);
      createJoinStart(client, task("faults", 1, 12, 3, 4, AggregationRule.FEDAVG).build());
      List<SigningKey> sorted = new ArrayList<>(participants);
      sorted.sort((a, b) -> a.id().value().compareTo(b.id().value()));
      SigningKey good = sorted.get(0);
      SigningKey corrupted = sorted.get(1);
      SigningKey missing = sorted.get(2);
      SigningKey silent = sorted.get(3);
      trainAndSubmit(node, client, good, "faults", 1);
      Hash corruptedHash = trainAndSubmit(node, client, corrupted, "faults", 1);
      Hash missingHash = trainAndSubmit(node, client, missing, "faults", 1);
      BlobStore store = node.blobUploads().store();
      Files.write(store.path(corruptedHash), new byte[] {1, 2, 3});
      assertThat(store.delete(missingHash)).isTrue();
      // The silent participant never submits: nothing happens until the deadline.
      RoundRecord open = roundRecord(node, "faults", 1);
      assertThat(open.getStatus()).isEqualTo(RoundStatus.OPEN);
      blocksUntil(node, client, open.getDeadlineHeight());
      awaitRound(node, "faults", 1, RoundStatus.VERIFIED);
      RoundResult result = RoundResult.parseFrom(roundRecord(node, "faults", 1).getResult());
      assertThat(result.getAcceptedList()).extracting(a -> a.getParticipant()).containsExactly(good.id().value());
      assertThat(result.getRejectedList()).extracting(RejectedUpdate::getParticipant, RejectedUpdate::getReason)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(corrupted.id().value(), "MISSING_BLOB"),
              org.assertj.core.groups.Tuple.tuple(missing.id().value(), "MISSING_BLOB"));
      assertThat(result.getAcceptedList()).noneMatch(a -> a.getParticipant().equals(silent.id().value()));
      assertThat(result.getRejectedList()).noneMatch(x -> x.getParticipant().equals(silent.id().value()));
      assertThat(taskRecord(node, "faults").getParticipantsList()).filteredOn(p -> p.getId().equals(silent.id().value()))
          .singleElement().satisfies(p -> assertThat(p.getRoundsMissed()).isEqualTo(1));
    }
  }

  @Test
  void tooFewUpdatesAfterTheDeadline_notAggregated() throws Exception {
    try (Node node = start(true)) {
      VeriflowClient client = client(node);
      organisations(client, 2);
      createJoinStart(client, task("short", 1, 6, 2, 2, AggregationRule.FEDAVG).build());
      trainAndSubmit(node, client, participants.get(0), "short", 1);
      RoundRecord open = roundRecord(node, "short", 1);
      blocksUntil(node, client, open.getDeadlineHeight() + 2);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
          .until(() -> roundRecord(node, "short", 1).getStatus() == RoundStatus.OPEN);
      assertThat(metrics(node)).doesNotContain("veriflow_fl_aggregations_total{outcome=\"submitted\"} 1.0");
    }
  }

  @Test
  void flTrust_rootSnapshotReproduced_roundVerified() throws Exception {
    try (Node node = start(true)) {
      VeriflowClient client = client(node);
      organisations(client, 2);
      DatasetRef root = stream(client, owner, "root", 5, 40);
      createJoinStart(client, task("trust", 1, 1_000, 2, 2, AggregationRule.FLTRUST).setRoot(root).build());
      for (SigningKey p : participants) {
        trainAndSubmit(node, client, p, "trust", 1);
      }
      awaitRound(node, "trust", 1, RoundStatus.VERIFIED);
      RoundResult result = RoundResult.parseFrom(roundRecord(node, "trust", 1).getResult());
      assertThat(result.getAcceptedCount() + result.getRejectedCount()).isEqualTo(2);
      assertThat(roundRecord(node, "trust", 1).getAttestationsList()).singleElement().satisfies(a -> assertThat(a.getMatch()).isTrue());
    }
  }

  @Test
  void baseModelBlobLost_validatorAttestsTheFailure_roundRejected() throws Exception {
    try (Node node = start(false)) {
      VeriflowClient client = client(node);
      organisations(client, 2);
      createJoinStart(client, task("lost", 2, 1_000, 2, 2, AggregationRule.FEDAVG).build());
      // Round 1, aggregated by the test as the task's aggregator, verified by the node's validator.
      for (SigningKey p : participants) {
        trainAndSubmit(node, client, p, "lost", 1);
      }
      BlobStore store = node.blobUploads().store();
      FederatedRounds.Result first;
      try (Parallelism parallelism = Parallelism.sequential()) {
        first = (FederatedRounds.Result) rounds(node).compute("lost", 1, parallelism);
      }
      store.put(first.globalHash(), new java.io.ByteArrayInputStream(first.globalModelFile()));
      committed(client, aggregatorKey, "aggregate", Aggregate.newBuilder().setTaskId("lost").setRound(1)
          .setResult(ByteString.copyFrom(first.encoded())).build());
      awaitRound(node, "lost", 2, RoundStatus.OPEN);
      // Round 2: the participants download the base model, then it is lost on the only node.
      for (SigningKey p : participants) {
        trainAndSubmit(node, client, p, "lost", 2);
      }
      FederatedRounds.Result second;
      try (Parallelism parallelism = Parallelism.sequential()) {
        second = (FederatedRounds.Result) rounds(node).compute("lost", 2, parallelism);
      }
      assertThat(store.delete(first.globalHash())).isTrue();
      committed(client, aggregatorKey, "aggregate", Aggregate.newBuilder().setTaskId("lost").setRound(2)
          .setResult(ByteString.copyFrom(second.encoded())).build());
      awaitRound(node, "lost", 2, RoundStatus.AGGREGATE_REJECTED);
      RoundRecord r = roundRecord(node, "lost", 2);
      assertThat(r.getAttestationsList()).singleElement().satisfies(a -> {
        assertThat(a.getMatch()).isFalse();
        assertThat(a.getResultSha256().isEmpty()).isTrue();
        assertThat(a.getFailure()).contains("the base model " + first.globalHash().hex()).contains("not on this node nor on any other member");
      });
      assertThat(r.getRejection()).startsWith("FAILED");
      assertThat(metrics(node)).contains("veriflow_fl_round_attestations_total{outcome=\"failed\"} 1.0");
    }
  }

  @Test
  void roundClosedWhileTheAggregatorWasOff_aggregatedOnceAfterTheRestart() throws Exception {
    try (Node node = start(false)) {
      VeriflowClient client = client(node);
      organisations(client, 2);
      createJoinStart(client, task("restart", 1, 1_000, 2, 2, AggregationRule.FEDAVG).build());
      for (SigningKey p : participants) {
        trainAndSubmit(node, client, p, "restart", 1);
      }
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
          .until(() -> roundRecord(node, "restart", 1).getStatus() == RoundStatus.OPEN);
    }
    try (Node node = start(true)) {
      // The aggregator finds the closed round by its scan of the tasks at start.
      awaitRound(node, "restart", 1, RoundStatus.VERIFIED);
      assertThat(roundRecord(node, "restart", 1).getAttempt()).isEqualTo(1);
      assertThat(metrics(node)).contains("veriflow_fl_aggregations_total{outcome=\"submitted\"} 1.0");
    }
  }

  @Test
  void roundTimeDeadline_silentParticipantOnAnIdleChain_aggregatedWithNoOtherTransaction() throws Exception {
    try (Node node = start(true)) {
      VeriflowClient client = client(node);
      organisations(client, 2);
      createJoinStart(client, task("timed", 1, 1_000, 1, 2, AggregationRule.FEDAVG).setRoundMillis(1_500).build());
      RoundRecord open = roundRecord(node, "timed", 1);
      long openedAt = node.ledger().block(open.getOpenedHeight()).orElseThrow().header().getTimestampMillis();
      assertThat(open.getDeadlineMillis()).isEqualTo(openedAt + 1_500);
      trainAndSubmit(node, client, participants.get(0), "timed", 1);
      long submittedAt = node.ledger().head().height();
      // The other participant stays silent and nothing else is sent: only the time deadline can close the round, and the
      // aggregator wakes for it (well before the one-minute idle wait of its loop would have it look again).
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .until(() -> roundRecord(node, "timed", 1).getStatus() == RoundStatus.VERIFIED);
      RoundRecord done = roundRecord(node, "timed", 1);
      assertThat(done.getAggregatedHeight()).isEqualTo(submittedAt + 1).isLessThan(done.getDeadlineHeight());
      assertThat(node.ledger().block(done.getAggregatedHeight()).orElseThrow().header().getTimestampMillis())
          .isGreaterThan(done.getDeadlineMillis());
      assertThat(done.getAttempt()).isEqualTo(1);
      await().atMost(DEADLINE).until(() -> taskRecord(node, "timed").getStatus() == TaskStatus.COMPLETED);
      assertThat(taskRecord(node, "timed").getParticipantsList()).filteredOn(p -> p.getId().equals(participants.get(1).id().value()))
          .singleElement().satisfies(p -> assertThat(p.getRoundsMissed()).isEqualTo(1));
    }
  }

    @Test
  void aggregatorKeyFileUnreadable_nodeDoesNotStart_namingTheKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Node.start(NodeConfig.load(dir, Map.of(),
            Map.of(NodeConfig.FL_AGGREGATOR_KEY_FILE.name(), "keys/missing.key")), Clock.systemUTC(), e -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fl.aggregator.key-file'").hasMessageContaining("missing.key");
    // The refused start left nothing open (the store's lock, the ports): the node starts with a readable key.
    try (Node node = start(true)) {
      assertThat(node.httpPort()).isPositive();
    }
  }

  private void readingsBlock(Node node, VeriflowClient client) {
    committed(client, tx(client, owner).transfer(admin.id().value(), 1, "a block after completion"));
  }

  private static String get(Node node, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  private static String metrics(Node node) throws Exception {
    return get(node, "/metrics");
  }
}
