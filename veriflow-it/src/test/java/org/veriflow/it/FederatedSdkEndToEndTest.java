package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.federated.FederatedClient;
import org.veriflow.cli.NodeSetup;
import org.veriflow.cli.Veriflow;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.FederatedFailure;
import org.veriflow.client.federated.FlTransactions;
import org.veriflow.client.federated.Participant;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.RoundPhase;
import org.veriflow.client.federated.RoundProgress;
import org.veriflow.client.federated.RoundUpdate;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskSpec;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskStatus;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * Federated learning through the SDK and the command line against a real node: a task created,
 * two organisations joining with their own snapshots, one running the SDK's participant loop and the
 * other {@code veriflow fl run}, each in its own thread, until the node's aggregator and round
 * verifier have taken the task through its rounds to completion.
 */
class FederatedSdkEndToEndTest {
  private static final String TASK = "room-humidity";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private VeriflowClient client;

  @Test
  void participants_sdkAndCli_runTheTaskToCompletion() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-fl", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"),
        NodeSetup.Transport.INSECURE);
    // The node aggregates the task's rounds with the aggregator's key and, as the chain's validator,
    // recomputes and attests each round: the services a participant relies on.
    SigningKey aggregator = SigningKey.generate(SignatureAlgorithm.ED25519);
    Path aggregatorKey = tmp.resolve("aggregator.key");
    Files.writeString(aggregatorKey, KeyPem.encodePrivate(aggregator));
    Map<String, String> services = Map.of(NodeConfig.FL_AGGREGATOR_KEY_FILE.name(), aggregatorKey.toString());
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), services), Clock.systemUTC(), e -> { })) {
      String url = "http://127.0.0.1:" + node.httpPort();
      String nodeOpt = "--node=" + url;
      client = new VeriflowClient(URI.create(url));
      SigningKey owner = SigningKey.generate(SignatureAlgorithm.ED25519);
      SigningKey p1 = SigningKey.generate(SignatureAlgorithm.ED25519);
      SigningKey p2 = SigningKey.generate(SignatureAlgorithm.ED25519);
      Session admin = new Session(client, setup.admin());
      for (SigningKey org : List.of(owner, p1, p2)) {
        assertThat(admin.submit(b -> b.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "org", List.of()), true).committed()).isTrue();
      }
      assertThat(admin.submit(b -> b.transfer(owner.id().value(), 1_000, "pool"), true).committed()).isTrue();

      // Each organisation's own room, and the owner's validation room: snapshots of signed readings.
      String validation = room(owner, "validation-room", 1);
      String data1 = room(p1, "room-1", 2);
      String data2 = room(p2, "room-2", 3);
      Session ownerSession = new Session(client, owner);
      assertThat(ownerSession.submit(b -> b.registerIdentity(aggregator.publicKey(), IdentityKind.MEMBER, "aggregator", List.of()), true)
          .committed()).isTrue();
      Path csv1 = tmp.resolve("p1.csv");
      Path csv2 = tmp.resolve("p2.csv");
      client.streams().exportSnapshot(data1, csv1);
      client.streams().exportSnapshot(data2, csv2);

      FederatedRecipe recipe = recipe();
      Path recipeFile = tmp.resolve("fl-recipe.json");
      Files.write(recipeFile, recipe.toCanonicalJson());
      for (var k : Map.of("owner", owner, "p2", p2).entrySet()) {
        Files.writeString(tmp.resolve(k.getKey() + ".key"), KeyPem.encodePrivate(k.getValue()));
      }

      // Bad input: an unknown task, and a join whose dataset hashes are not the snapshot's.
      assertThatThrownBy(() -> new FederatedClient(client).task("no-such-task")).isInstanceOfSatisfying(ClientException.class,
          e -> assertThat(e.code()).isEqualTo("UNKNOWN_TASK"));
      Session s1 = new Session(client, p1);
      assertThatThrownBy(() -> new FederatedClient(client).join(s1, "no-such-task", DatasetSource.snapshot(data1)))
          .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_TASK"));

      // The owner creates the task through the command line; the chain holds the spec and the recipe's hash.
      Veriflow.Captured created = Veriflow.capture("fl", "create", nodeOpt, "--key", tmp.resolve("owner.key").toString(), "--task", TASK,
          "--recipe", recipeFile.toString(), "--rounds", "2", "--round-blocks", "1000", "--round-time", "1h", "--min-participants", "2",
          "--max-participants", "3",
          "--validation-snapshot", validation, "--reward-pool", "600", "--aggregator", aggregator.id().value(), "--model-id", "room-humidity-fl",
          "--output", "json");
      assertThat(created.exitCode()).as(created.err()).isZero();
      assertThat(JSON.readTree(created.out()).get("task").asText()).isEqualTo(TASK);
      assertThat(fields(JSON.readTree(created.out()))).containsExactly("task", "transaction", "height");
      Task task = new FederatedClient(client).task(TASK);
      assertThat(task.status()).isEqualTo(TaskStatus.JOINING);
      assertThat(task.roundBlocks()).isEqualTo(1000);
      assertThat(task.roundMillis()).isEqualTo(3_600_000);
      assertThat(task.recipeSha256()).isEqualTo(recipe.hash().hex());
      assertThat(task.initialModelSha256()).isEqualTo(recipe.initialModel().hash().hex());
      assertThat(task.validation().source()).isEqualTo(DatasetSource.snapshot(validation));
      assertThat(task.validation().csvSha256()).isEqualTo(client.streams().snapshot(validation).csvSha256());

      Responses.Snapshot snap1 = client.streams().snapshot(data1);
      DatasetRef forged = DatasetRef.newBuilder().setSnapshotId(data1).setCsvSha256(ByteString.copyFrom(Hash.sha256(new byte[] {1}).bytes()))
          .setReadingsRoot(ByteString.copyFrom(Hex.decode(snap1.readingsRoot()))).build();
      assertThatThrownBy(() -> new FederatedClient(client).submit(s1, FlTransactions.join(TASK, forged), "join")).isInstanceOfSatisfying(ClientException.class,
          e -> assertThat(e.code()).isEqualTo("DATASET_MISMATCH"));

      // One joins through the SDK, the other through the command line; too few to start before.
      new FederatedClient(client).join(s1, TASK, DatasetSource.snapshot(data1));
      assertThatThrownBy(() -> new FederatedClient(client).start(ownerSession, TASK)).isInstanceOfSatisfying(ClientException.class,
          e -> assertThat(e.code()).isEqualTo("TOO_FEW_PARTICIPANTS"));
      Veriflow.Captured joined = Veriflow.capture("fl", "join", nodeOpt, "--key", tmp.resolve("p2.key").toString(), "--task", TASK,
          "--snapshot", data2);
      assertThat(joined.exitCode()).as(joined.err()).isZero();
      assertThat(new FederatedClient(client).task(TASK).participants()).extracting(p -> p.id()).containsExactlyInAnyOrder(p1.id().value(), p2.id().value());

      // A participant whose local data is not the snapshot it joined with stops before training.
      assertThatThrownBy(() -> new Participant(s1, TASK, csv2, tmp.resolve("wrong")).run()).isInstanceOfSatisfying(ClientException.class,
          e -> assertThat(e.code()).isEqualTo(FederatedFailure.DATA_MISMATCH.name()));

      Veriflow.Captured started = Veriflow.capture("fl", "start", nodeOpt, "--key", tmp.resolve("owner.key").toString(), "--task", TASK);
      assertThat(started.exitCode()).as(started.err()).isZero();

      ExecutorService threads = Executors.newFixedThreadPool(2);
      List<RoundProgress> progress = new CopyOnWriteArrayList<>();
      try {
        Future<Task> sdk = threads.submit(() -> new Participant(new Session(client, p1), TASK, csv1, tmp.resolve("work-1"))
            .listener(progress::add).run());
        Future<Veriflow.Captured> cli = threads.submit(() -> Veriflow.capture("fl", "run", nodeOpt, "--key", tmp.resolve("p2.key").toString(),
            "--task", TASK, "--data", csv2.toString(), "--work", tmp.resolve("work-2").toString(), "--output", "json"));

        Task end = sdk.get(180, TimeUnit.SECONDS);
        assertThat(end.status()).isEqualTo(TaskStatus.COMPLETED);
        Veriflow.Captured ran = cli.get(60, TimeUnit.SECONDS);
        assertThat(ran.exitCode()).as(ran.err()).isZero();
        JsonNode finished = JSON.readTree(ran.out());
        assertThat(finished.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(fields(finished)).containsExactly("task", "status", "participant", "contributionMicros", "reward", "roundsAccepted",
            "roundsRejected", "roundsMissed");
        assertThat(finished.get("roundsAccepted").asInt()).isEqualTo(2);
        assertThat(ran.err()).contains("round 1: submitted").contains("round 2: verified");
      } finally {
        threads.shutdownNow();
      }

      assertThat(progress).extracting(p -> p.round() + ":" + p.phase()).containsSubsequence("1:TRAINING", "1:SUBMITTED", "1:VERIFIED",
          "2:TRAINING", "2:SUBMITTED", "2:VERIFIED");
      assertThat(progress).filteredOn(p -> p.phase() == RoundPhase.VERIFIED).allSatisfy(p -> assertThat(p.validationAccuracy()).isPresent());

      // Round 2 started from round 1's aggregate, and each participant's updates were its own.
      List<Round> rounds = new FederatedClient(client).rounds(TASK);
      assertThat(rounds).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(RoundStatus.VERIFIED));
      assertThat(rounds.get(1).baseModelSha256()).isEqualTo(rounds.get(0).result().orElseThrow().globalModelSha256());
      assertThat(rounds.get(0).updates()).extracting(RoundUpdate::participant).containsExactlyInAnyOrder(p1.id().value(), p2.id().value());
      // Each round's deadline time is its opening block's time plus the task's round time.
      for (Round r : rounds) {
        assertThat(r.deadlineMillis()).isEqualTo(client.block(r.openedHeight()).timestamp() + 3_600_000);
      }

      Veriflow.Captured status = Veriflow.capture("fl", "status", nodeOpt, TASK, "--output", "json");
      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(JSON.readTree(status.out()).get("status").asText()).isEqualTo("COMPLETED");
      assertThat(fields(JSON.readTree(status.out()))).containsExactly("task", "owner", "status", "recipeSha256", "rounds", "currentRound",
          "roundBlocks", "roundMillis", "minParticipants", "maxParticipants", "rule", "trimFractionMicros", "krumF", "multiKrumM", "validation",
          "root",
          "rewardPool", "refunded", "aggregator", "modelId", "parameterCount", "initialModelSha256", "participants", "createdHeight",
          "startedHeight", "finishedHeight", "cancelReason");
      Veriflow.Captured roundsOut = Veriflow.capture("fl", "rounds", nodeOpt, TASK, "--output", "json");
      JsonNode listed = JSON.readTree(roundsOut.out()).get("rounds");
      assertThat(listed).hasSize(2);
      assertThat(fields(JSON.readTree(roundsOut.out()))).containsExactly("task", "rounds");
      assertThat(fields(listed.get(0))).containsExactly("round", "status", "openedHeight", "deadlineHeight", "deadlineMillis", "deadlineTime", "updates",
          "accepted", "rejected",
          "globalModelSha256", "attestations", "matchingAttestations", "validationLoss", "validationAccuracy");
      assertThat(listed.get(0).get("matchingAttestations").asInt()).isEqualTo(1);
      assertThat(listed.get(0).get("deadlineMillis").asLong()).isEqualTo(rounds.get(0).deadlineMillis());
      assertThat(listed.get(0).get("deadlineTime").asText()).isEqualTo(java.time.Instant.ofEpochMilli(rounds.get(0).deadlineMillis()).toString());
      assertThat(listed.get(0).get("globalModelSha256").asText()).isEqualTo(rounds.get(0).result().orElseThrow().globalModelSha256());
      assertThat(Veriflow.capture("fl", "rounds", nodeOpt, TASK).out()).contains("ROUND").contains("VERIFIED")
          .contains("height " + rounds.get(0).deadlineHeight() + " or " + listed.get(0).get("deadlineTime").asText());
      Veriflow.Captured contributions = Veriflow.capture("fl", "contributions", nodeOpt, TASK, "--output", "json");
      JsonNode paid = JSON.readTree(contributions.out());
      assertThat(paid.get("participants")).hasSize(2);
      assertThat(fields(paid)).containsExactly("task", "status", "rewardPool", "refunded", "participants");
      assertThat(fields(paid.get("participants").get(0))).containsExactly("participant", "dataset", "contributionMicros", "reward",
          "roundsAccepted", "roundsRejected", "roundsMissed");
      long rewards = 0;
      for (JsonNode p : paid.get("participants")) {
        assertThat(p.get("roundsAccepted").asInt()).isEqualTo(2);
        rewards += p.get("reward").asLong();
      }
      assertThat(rewards + paid.get("refunded").asLong()).isEqualTo(600);
    }
  }

  @Test
  void participant_restartedAfterItsUpdateCommitted_neverSubmitsTheRoundAgain() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-fl-restart", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"),
        NodeSetup.Transport.INSECURE);
    SigningKey aggregator = SigningKey.generate(SignatureAlgorithm.ED25519);
    Path aggregatorKey = tmp.resolve("aggregator.key");
    Files.writeString(aggregatorKey, KeyPem.encodePrivate(aggregator));
    Map<String, String> services = Map.of(NodeConfig.FL_AGGREGATOR_KEY_FILE.name(), aggregatorKey.toString());
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), services), Clock.systemUTC(), e -> { })) {
      client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
      SigningKey owner = SigningKey.generate(SignatureAlgorithm.ED25519);
      SigningKey p1 = SigningKey.generate(SignatureAlgorithm.ED25519);
      SigningKey p2 = SigningKey.generate(SignatureAlgorithm.ED25519);
      Session admin = new Session(client, setup.admin());
      for (SigningKey org : List.of(owner, p1, p2)) {
        assertThat(admin.submit(b -> b.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "org", List.of()), true).committed()).isTrue();
      }
      String validation = room(owner, "validation-room", 4);
      String data1 = room(p1, "room-1", 5);
      String data2 = room(p2, "room-2", 6);
      Session ownerSession = new Session(client, owner);
      ownerSession.submit(b -> b.registerIdentity(aggregator.publicKey(), IdentityKind.MEMBER, "aggregator", List.of()), true);
      Path csv1 = tmp.resolve("p1.csv");
      Path csv2 = tmp.resolve("p2.csv");
      client.streams().exportSnapshot(data1, csv1);
      client.streams().exportSnapshot(data2, csv2);
      new FederatedClient(client).createTask(ownerSession, TaskSpec.builder(TASK).recipe(recipe()).rounds(2).roundBlocks(1000).minParticipants(2)
          .maxParticipants(2).validation(DatasetSource.snapshot(validation)).aggregator(aggregator.id().value()).modelId("restart-fl").build());
      new FederatedClient(client).join(new Session(client, p1), TASK, DatasetSource.snapshot(data1));
      new FederatedClient(client).join(new Session(client, p2), TASK, DatasetSource.snapshot(data2));
      new FederatedClient(client).start(ownerSession, TASK);

      // The first run stops right after its round-1 update committed: round 1 stays open for p2.
      List<RoundProgress> first = new CopyOnWriteArrayList<>();
      Participant crashed = new Participant(new Session(client, p1), TASK, csv1, tmp.resolve("work-1"));
      crashed.listener(p -> {
        first.add(p);
        if (p.phase() == RoundPhase.SUBMITTED) {
          crashed.close();
        }
      });
      assertThat(crashed.run().status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(new FederatedClient(client).round(TASK, 1).updates()).extracting(RoundUpdate::participant).containsExactly(p1.id().value());
      String update = new FederatedClient(client).round(TASK, 1).update(p1.id().value()).orElseThrow().updateSha256();

      ExecutorService threads = Executors.newFixedThreadPool(2);
      List<RoundProgress> second = new CopyOnWriteArrayList<>();
      try {
        Future<Task> restarted = threads.submit(() -> new Participant(new Session(client, p1), TASK, csv1, tmp.resolve("work-1"))
            .listener(second::add).run());
        Future<Task> other = threads.submit(() -> new Participant(new Session(client, p2), TASK, csv2, tmp.resolve("work-2")).run());
        assertThat(restarted.get(180, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(other.get(60, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      } finally {
        threads.shutdownNow();
      }

      assertThat(first).extracting(p -> p.round() + ":" + p.phase()).containsExactly("1:TRAINING", "1:UPLOADING", "1:SUBMITTED");
      // The restarted run found its round-1 update on chain: it trained round 2 only.
      assertThat(second).extracting(p -> p.round() + ":" + p.phase()).doesNotContain("1:TRAINING").containsSubsequence("1:SUBMITTED",
          "1:VERIFIED", "2:TRAINING", "2:SUBMITTED", "2:VERIFIED");
      assertThat(second.get(0).detail()).contains("already on chain");
      assertThat(new FederatedClient(client).round(TASK, 1).update(p1.id().value()).orElseThrow().updateSha256()).isEqualTo(update);
      assertThat(new FederatedClient(client).task(TASK).participant(p1.id().value()).orElseThrow().roundsAccepted()).isEqualTo(2);
    }
  }

  /** A room stream of {@code org}'s with two sensors, 20 minutes of readings, and its snapshot's id. */
  private String room(SigningKey org, String stream, long seed) throws Exception {
    RoomModel model = new RoomModel(2, Duration.ofSeconds(30), Duration.ofMinutes(20), seed);
    List<SensorDevice> devices = SensorDevice.generate(stream, 2, SignatureAlgorithm.ED25519, new SecureRandom());
    List<SensorSimulator.SimulatedReading> readings = SensorSimulator.simulate(model, devices, stream, Instant.now());
    StreamAdmin admin = new StreamAdmin(client, org);
    admin.create(SensorSimulator.stream(stream, model, SensorSimulator.DEFAULT_WINDOW));
    admin.registerDevices(stream, devices);
    new Gateway(client, org, 100).submit(stream, SensorSimulator.signed(readings), ProgressListener.NONE);
    TransactionBuilder tx = new TransactionBuilder(client.chain().chainId(), org, client.account(org.id().value()).nonce(), 10_000);
    Responses.TxInfo snap = client.submit(tx.snapshot(stream, Long.MIN_VALUE, Long.MAX_VALUE, stream), true);
    assertThat(snap.committed()).isTrue();
    assertThat(client.streams().snapshot(snap.id()).rowCount()).isEqualTo(readings.size());
    return snap.id();
  }

  /** Humidity from temperature, one hidden layer, two local epochs per round. */
  private static FederatedRecipe recipe() {
    Map<String, Object> h = new TreeMap<>();
    h.put("hiddenLayers", List.of(4));
    h.put("epochs", 2);
    h.put("learningRate", new BigDecimal("0.01"));
    return FederatedRecipe.of(Algorithm.MLP_REGRESSOR, List.of("temperature"), "humidity", List.of(), new double[] {29.0},
        new double[] {2.0}, h, 17);
  }

  /** A JSON object's field names, in order: the fields docs/cli.md lists for the command. */
  private static List<String> fields(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
