package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.federated.FederatedClient;
import org.veriflow.cli.NodeSetup;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.audit.Audit;
import org.veriflow.client.audit.AuditCode;
import org.veriflow.client.audit.AuditReport;
import org.veriflow.client.audit.Check;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.Participant;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskSpec;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
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
import org.veriflow.protocol.proto.fl.TaskStatus;

/**
 * {@code audit model} and {@code audit decision} of a federated model against a real node: a task
 * with a separate aggregator key and two participants taken through two rounds, then audited with
 * and without the local recomputation of the rounds, and once more after an update's blob is gone.
 */
class FederatedAuditEndToEndTest {
  private static final String TASK = "room-humidity-audit";
  private static final String MODEL = "room-humidity-audited";

  @TempDir Path tmp;

  private VeriflowClient client;

  @Test
  void federatedModel_auditPasses_withReplay_andFailsWhenAnUpdateBlobIsGone() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-fl-audit", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"),
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
      String validation = room(owner, "validation-room", 7);
      String data1 = room(p1, "room-1", 8);
      String data2 = room(p2, "room-2", 9);
      Session ownerSession = new Session(client, owner);
      ownerSession.submit(b -> b.registerIdentity(aggregator.publicKey(), IdentityKind.MEMBER, "aggregator", List.of()), true);
      Path csv1 = tmp.resolve("p1.csv");
      Path csv2 = tmp.resolve("p2.csv");
      client.streams().exportSnapshot(data1, csv1);
      client.streams().exportSnapshot(data2, csv2);
      new FederatedClient(client).createTask(ownerSession, TaskSpec.builder(TASK).recipe(recipe()).rounds(2).roundBlocks(1000).minParticipants(2)
          .maxParticipants(2).validation(DatasetSource.snapshot(validation)).aggregator(aggregator.id().value()).modelId(MODEL).build());
      new FederatedClient(client).join(new Session(client, p1), TASK, DatasetSource.snapshot(data1));
      new FederatedClient(client).join(new Session(client, p2), TASK, DatasetSource.snapshot(data2));
      new FederatedClient(client).start(ownerSession, TASK);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        Future<Task> a = threads.submit(() -> new Participant(new Session(client, p1), TASK, csv1, tmp.resolve("work-1")).run());
        Future<Task> b = threads.submit(() -> new Participant(new Session(client, p2), TASK, csv2, tmp.resolve("work-2")).run());
        assertThat(a.get(180, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(b.get(60, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.COMPLETED);
      } finally {
        threads.shutdownNow();
      }

      // Without --replay: every link checked, the recomputation of the rounds skipped.
      AuditReport plain = Audit.model(client, MODEL, tmp.resolve("audit"), ProgressListener.NONE, Audit.Options.defaults().withThreads(2));
      assertThat(plain.failures()).as(plain.format()).isEmpty();
      assertThat(plain.passed()).isTrue();
      assertThat(names(plain, Check.Status.OK)).contains(
          "the record's federated task is the task its provenance recipe names",
          "task COMPLETED with this model id",
          "registration transaction in the signed log",
          "registration is the task's last fl.attest_round, sent by an active validator other than the aggregator",
          "task recipe hashes to the task's recipe hash",
          "task recipe parses as veriflow-fl-recipe/1",
          "initial model is the recipe's, recomputed here",
          "recipe is the task's provenance (veriflow-fl-model/1): task, recipe hash, rule, rounds and participants",
          "the record's datasets are the participants' datasets",
          "round VERIFIED",
          "result re-encoded hashes to the round's result hash",
          "base model is the initial model",
          "base model is round 1's global model",
          "the last round's global model is the model's artifact",
          "loss curve recomputed from the rounds' validation losses hashes to the recorded hash",
          "stage is VERIFIED or APPROVED");
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("update of ") && n.endsWith("in the signed log")).hasSize(4);
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("update of ") && n.contains("signed by the participant")).hasSize(4);
      // Each participant's fl.join and each attestation's fl.attest_round found in the signed log by the ids the chain records.
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("join of ") && n.endsWith("in the signed log")).hasSize(2);
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("join of ") && n.endsWith("signed by the participant")).hasSize(2);
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("participant ") && n.endsWith("joined with a dataset of the record"))
          .hasSize(2);
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("attestation by ") && n.endsWith(": transaction in the signed log"))
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("attestation by ") && n.endsWith("signed by the validator"))
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(names(plain, Check.Status.OK)).filteredOn(n -> n.startsWith("readings of snapshot") || n.contains("export from the chain"))
          .isNotEmpty();
      assertThat(names(plain, Check.Status.SKIPPED)).contains("each round recomputed here gives the round's result");

      // With --replay: each round recomputed here from the blobs and the chain's readings, encoded
      // as the node encodes it, hashes to the round's result hash (this pins the client's encoding).
      Audit.Options replay = Audit.Options.defaults().withThreads(2).withModelReplayer((c, r, w) -> {
        throw new AssertionError("a federated model is not retrained from a training recipe");
      });
      AuditReport replayed = Audit.model(client, MODEL, tmp.resolve("audit-replay"), ProgressListener.NONE, replay);
      assertThat(replayed.failures()).as(replayed.format()).isEmpty();
      assertThat(names(replayed, Check.Status.OK)).contains("round 1 recomputed here gives the round's result",
          "round 2 recomputed here gives the round's result",
          "the validation data exported from the chain's readings reproduces the task's CSV hash");

      // A decision of the verified federated model goes down to the model and passes.
      Responses.Predictions answer = client.models().predict(MODEL, List.of("{\"temperature\": 29.5}"), true, p1);
      AuditReport decision = Audit.decision(client, answer.decisions().get(0).decisionId(), tmp.resolve("audit-decision"), ProgressListener.NONE,
          Audit.Options.defaults().withThreads(2));
      assertThat(decision.failures()).as(decision.format()).isEmpty();
      assertThat(names(decision, Check.Status.OK)).contains("decision proof chain", "replay of the decision gives the logged output",
          "recipe is the task's provenance (veriflow-fl-model/1): task, recipe hash, rule, rounds and participants");

      // An update's blob gone from the blob store: the audit without replay still passes (the chain
      // holds only hashes), the recomputation of that round fails.
      Round first = new FederatedClient(client).round(TASK, 1);
      String gone = first.updates().get(0).updateSha256();
      Files.delete(dir.resolve("blobs").resolve(gone.substring(0, 2)).resolve(gone.substring(2)));
      AuditReport tampered = Audit.model(client, MODEL, tmp.resolve("audit-tampered"), ProgressListener.NONE, replay);
      assertThat(tampered.passed()).isFalse();
      assertThat(tampered.failures()).extracting(Check::name, Check::code)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("round 1 recomputed here gives the round's result", AuditCode.REPLAY_MISMATCH));
      assertThat(tampered.failures().get(0).detail()).contains("update blob(s) not in the blob store").contains(gone);
      assertThat(names(tampered, Check.Status.SKIPPED)).contains("round 2 recomputed here gives the round's result");
    }
  }

  private static List<String> names(AuditReport report, Check.Status status) {
    return report.checks().stream().filter(c -> c.status() == status).map(Check::name).toList();
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
}
