package org.veriflow.client.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.federated.AcceptedUpdate;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.RoundAttestation;
import org.veriflow.client.federated.RoundResult;
import org.veriflow.client.federated.RoundUpdate;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskDataset;
import org.veriflow.client.federated.TaskParticipant;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.AttestRound;
import org.veriflow.protocol.proto.fl.JoinTask;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.SubmitUpdate;
import org.veriflow.protocol.proto.fl.TaskStatus;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * The federated walk against a fake node: a consistent two-round task passes every check, and each
 * tampering with what the node serves fails its check with its code.
 */
class FederatedWalkChainTest {
  private static final SigningKey VALIDATOR = SigningKey.ed25519FromSeed(seed(1));
  private static final SigningKey AGGREGATOR = SigningKey.ed25519FromSeed(seed(2));
  private static final SigningKey P1 = SigningKey.ed25519FromSeed(seed(3));
  private static final SigningKey P2 = SigningKey.ed25519FromSeed(seed(4));
  private static final FederatedRecipe RECIPE = recipe();
  private static final String U1 = "11".repeat(32);
  private static final String U2 = "22".repeat(32);
  private static final String G1 = "33".repeat(32);
  private static final String G2 = "44".repeat(32);

  /** A consistent world, then tampered with by a test before {@link #walk}. */
  private static final class World {
    Task task;
    List<Round> rounds = new ArrayList<>();
    Map<String, Responses.TxBytes> txs = new HashMap<>();
    String registrationTx;
    Responses.ModelDetail detail;
    String notIncluded = "";

    World() {
      List<TaskParticipant> participants = List.of(
          participant(P1, new TaskDataset(DatasetSource.snapshot("s1"), "aa".repeat(32), "ab".repeat(32)), 5),
          participant(P2, new TaskDataset(DatasetSource.version("ds", 3), "ac".repeat(32), ""), 6))
          .stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
      task = new Task("t", id(VALIDATOR), TaskStatus.COMPLETED, RECIPE.hash().hex(), new String(RECIPE.toCanonicalJson(),
          java.nio.charset.StandardCharsets.UTF_8), 2, 100, 0, 2, 2, AggregationRule.FEDAVG, 0, 0, 0,
          new TaskDataset(DatasetSource.snapshot("v"), "ae".repeat(32), "af".repeat(32)), Optional.empty(), 0, List.of(), List.of(), List.of(),
          id(AGGREGATOR), "m", RECIPE.parameterCount(), RECIPE.initialModel().hash().hex(), participants, 3, 1, 2, 20, Optional.empty(), 0);
      rounds.add(round(1, task.initialModelSha256(), G1, 0.5));
      rounds.add(round(2, G1, G2, 0.25));
      // The last round's attestation registered the model.
      registrationTx = rounds.get(1).attestations().get(0).txId().orElseThrow();
      model();
    }

    /** A participant joined by its own signed fl.join naming {@code dataset}. */
    TaskParticipant participant(SigningKey key, TaskDataset dataset, long height) {
      String tx = put(key, "join", JoinTask.newBuilder().setTaskId("t").setDataset(ref(dataset)).build());
      return new TaskParticipant(id(key), dataset, 40, height, 1, 2, 0, 0, 0, Optional.of(tx));
    }

    /** Round {@code index}'s attestation replaced by {@code a}. */
    void attestation(int index, RoundAttestation a) {
      replaceRound(index, r -> new Round(r.taskId(), r.round(), r.status(), r.openedHeight(), r.deadlineHeight(), r.deadlineMillis(), r.baseModelSha256(),
          r.updates(), r.attempt(), r.resultSha256(), r.result(), r.aggregatedHeight(), List.of(a), r.verifiedHeight(), r.rejection()));
    }

    /** Participant {@code index} with its join transaction id replaced. */
    void joinTx(int index, Optional<String> txId) {
      List<TaskParticipant> ps = new ArrayList<>(task.participants());
      TaskParticipant p = ps.get(index);
      ps.set(index, new TaskParticipant(p.id(), p.dataset(), p.datasetRows(), p.joinedHeight(), p.contributionMicros(), p.roundsAccepted(),
          p.roundsRejected(), p.roundsMissed(), p.reward(), txId));
      task = withParticipants(task, ps);
    }

    Round round(int n, String base, String global, double loss) {
      List<RoundUpdate> updates = new ArrayList<>();
      for (var p : List.of(P1, P2).stream().sorted((a, b) -> id(a).compareTo(id(b))).toList()) {
        String h = p == P1 ? U1 : U2;
        String tx = put(p, "submit_update", SubmitUpdate.newBuilder().setTaskId("t").setRound(n).setUpdateSha256(bytes(h)).setExamples(40)
            .setParameterCount(RECIPE.parameterCount()).build());
        updates.add(new RoundUpdate(id(p), h, 40, RECIPE.parameterCount(), new TreeMap<>(), 3L * n, tx));
      }
      RoundResult result = new RoundResult(global, updates.stream().map(u -> new AcceptedUpdate(u.participant(), u.updateSha256(), 0.5)).toList(),
          List.of(), new TreeMap<>(Map.of(id(P1), 10L, id(P2), 20L)), loss, 0.75);
      String sha = Hash.sha256(FederatedWalk.encode(n, result).toByteArray()).hex();
      String attest = put(VALIDATOR, "attest_round", AttestRound.newBuilder().setTaskId("t").setRound(n).setAttempt(1).setResultSha256(bytes(sha))
          .build());
      return new Round("t", n, RoundStatus.VERIFIED, 3L * n, 3L * n + 100, 0, base, updates, 1, Optional.of(sha), Optional.of(result), 3L * n + 1,
          List.of(new RoundAttestation(id(VALIDATOR), 1, sha, true, Optional.empty(), 3L * n + 2, Optional.of(attest))), 3L * n + 2,
          Optional.empty());
    }

    String put(SigningKey key, String method, Message args) {
      byte[] payload = TxPayload.newBuilder().setChainId("c").setSenderKey(ByteString.copyFrom(key.publicKey().encoded()))
          .setSenderAlgorithm(KeyAlgorithm.ED25519).setNonce(txs.size()).setContract("fl").setMethod(method).setArguments(args.toByteString())
          .build().toByteArray();
      String id = Hash.sha256(payload).hex();
      txs.put(id, new Responses.TxBytes(new Responses.TxInfo(id, "COMMITTED", Optional.of(7L), Optional.empty(), Optional.empty(),
          Optional.empty()), payload, key.sign(payload)));
      return id;
    }

    /** The model record the contract registers for the task as it is now. */
    void model() {
      byte[] recipe = FederatedWalk.provenance(task, rounds);
      List<Responses.DatasetHashes> datasets = task.participants().stream().map(p -> new Responses.DatasetHashes(nz(p.dataset().source().snapshotId()),
          p.dataset().csvSha256(), p.dataset().readingsRoot())).toList();
      Responses.Model m = new Responses.Model("m", "VERIFIED", id(VALIDATOR), Hash.sha256(recipe).hex(), G2, List.of("s1", ""), Map.of(),
          List.of(new Responses.StageChange("", "VERIFIED", id(VALIDATOR), 20, "verified", registrationTx)), List.of());
      detail = new Responses.ModelDetail(m, RECIPE.engineVersion(), Hash.sha256(FederatedWalk.lossCurve(rounds)).hex(), 20, datasets, List.of(),
          recipe, Optional.of(task.taskId()));
    }

    void replaceRound(int index, java.util.function.UnaryOperator<Round> f) {
      rounds.set(index, f.apply(rounds.get(index)));
    }
  }

  @Test
  void consistentTask_everyCheckPasses() {
    List<Check> checks = walk(new World());
    assertThat(checks.stream().filter(Check::failed).toList()).isEmpty();
    assertThat(checks).filteredOn(c -> c.status() == Check.Status.SKIPPED).extracting(Check::name)
        .containsExactly("each round recomputed here gives the round's result");
    assertThat(checks).extracting(Check::name).contains("registration is the task's last fl.attest_round, sent by an active validator other than the aggregator",
        "initial model is the recipe's, recomputed here", "base model is round 1's global model",
        "loss curve recomputed from the rounds' validation losses hashes to the recorded hash");
    // Two submit_update per round, one fl.join per participant.
    assertThat(checks).filteredOn(c -> c.name().contains("signed by the participant")).hasSize(6).allMatch(Check::passed);
    assertThat(checks).filteredOn(c -> c.name().endsWith("signed by the validator")).hasSize(2).allMatch(Check::passed);
    assertThat(checks).filteredOn(c -> c.name().endsWith("in the signed log")).hasSize(9).allMatch(Check::passed);
    assertThat(checks).extracting(Check::name).contains("the record's federated task is the task its provenance recipe names");
  }

  @Test
  void recordNamesAnotherTaskThanItsRecipe_failsWithFlProvenanceMismatch() {
    World w = new World();
    w.detail = withTask(w.detail, Optional.of("other"));
    assertThat(code(walk(w), "the record's federated task is the task its provenance recipe names")).isEqualTo(AuditCode.FL_PROVENANCE_MISMATCH);
  }

  @Test
  void recordNamesNoTaskButItsRecipeDoes_failsWithFlTaskMismatch() {
    World w = new World();
    w.detail = withTask(w.detail, Optional.empty());
    assertThat(code(walk(w), "the record's federated task is the task its provenance recipe names")).isEqualTo(AuditCode.FL_TASK_MISMATCH);
  }

  @Test
  void attestationSignedByAnotherValidator_failsWithBadTxSignatureAndLeavesNoMatch() {
    World w = new World();
    RoundAttestation a = w.rounds.get(0).attestations().get(0);
    String forged = w.put(AGGREGATOR, "attest_round", AttestRound.newBuilder().setTaskId("t").setRound(1).setAttempt(1)
        .setResultSha256(bytes(a.resultSha256())).build());
    w.attestation(0, new RoundAttestation(a.validator(), a.attempt(), a.resultSha256(), a.match(), a.failure(), a.height(), Optional.of(forged)));
    List<Check> checks = walk(w);
    String attestation = "attestation by " + a.validator() + " at height " + a.height();
    assertThat(code(checks, attestation + ": an fl.attest_round of this round and attempt with its result hash, signed by the validator"))
        .isEqualTo(AuditCode.BAD_TX_SIGNATURE);
    assertThat(checks).filteredOn(c -> c.section().equals("federated round 1")
        && c.name().equals("matching attestations of the verified aggregation by validators other than the aggregator"))
        .extracting(Check::code).containsExactly(AuditCode.FL_ROUND_INVALID);
  }

  @Test
  void attestationTxOfAnotherResultOrAttempt_failsWithTxMismatch() {
    World w = new World();
    RoundAttestation a = w.rounds.get(0).attestations().get(0);
    String otherResult = w.put(VALIDATOR, "attest_round", AttestRound.newBuilder().setTaskId("t").setRound(1).setAttempt(1)
        .setResultSha256(bytes("99".repeat(32))).build());
    w.attestation(0, new RoundAttestation(a.validator(), a.attempt(), a.resultSha256(), a.match(), a.failure(), a.height(), Optional.of(otherResult)));
    String name = "attestation by " + a.validator() + " at height " + a.height()
        + ": an fl.attest_round of this round and attempt with its result hash, signed by the validator";
    assertThat(code(walk(w), name)).isEqualTo(AuditCode.TX_MISMATCH);

    World w2 = new World();
    String otherAttempt = w2.put(VALIDATOR, "attest_round", AttestRound.newBuilder().setTaskId("t").setRound(1).setAttempt(2)
        .setResultSha256(bytes(a.resultSha256())).build());
    w2.attestation(0, new RoundAttestation(a.validator(), a.attempt(), a.resultSha256(), a.match(), a.failure(), a.height(), Optional.of(otherAttempt)));
    assertThat(code(walk(w2), name)).isEqualTo(AuditCode.TX_MISMATCH);

    // Another round's attestation (a submit_update is not one either).
    World w3 = new World();
    w3.attestation(0, new RoundAttestation(a.validator(), a.attempt(), a.resultSha256(), a.match(), a.failure(), a.height(),
        w3.rounds.get(1).attestations().get(0).txId()));
    assertThat(code(walk(w3), name)).isEqualTo(AuditCode.TX_MISMATCH);
    World w4 = new World();
    w4.attestation(0, new RoundAttestation(a.validator(), a.attempt(), a.resultSha256(), a.match(), a.failure(), a.height(),
        Optional.of(w4.rounds.get(0).updates().get(0).txId())));
    assertThat(code(walk(w4), name)).isEqualTo(AuditCode.TX_MISMATCH);
  }

  @Test
  void attestationTxNotInTheLogOrNotRecorded_failsWithNotInLog() {
    World w = new World();
    RoundAttestation a = w.rounds.get(0).attestations().get(0);
    w.notIncluded = a.txId().orElseThrow();
    String included = "attestation by " + a.validator() + " at height " + a.height() + ": transaction in the signed log";
    assertThat(code(walk(w), included)).isEqualTo(AuditCode.NOT_IN_LOG);

    World w2 = new World();
    w2.attestation(0, new RoundAttestation(a.validator(), a.attempt(), a.resultSha256(), a.match(), a.failure(), a.height(), Optional.empty()));
    assertThat(code(walk(w2), included)).isEqualTo(AuditCode.NOT_IN_LOG);

    World w3 = new World();
    w3.attestation(0, new RoundAttestation(a.validator(), a.attempt(), a.resultSha256(), a.match(), a.failure(), a.height(),
        Optional.of("98".repeat(32))));
    assertThat(code(walk(w3), included)).isEqualTo(AuditCode.NOT_IN_LOG);
  }

  @Test
  void joinSignedByAnotherParticipant_failsWithBadTxSignature() {
    World w = new World();
    TaskParticipant p = w.task.participants().get(0);
    SigningKey other = p.id().equals(id(P1)) ? P2 : P1;
    w.joinTx(0, Optional.of(w.put(other, "join", JoinTask.newBuilder().setTaskId("t").setDataset(ref(p.dataset())).build())));
    assertThat(code(walk(w), "join of " + p.id() + " is an fl.join of the task naming its dataset, signed by the participant"))
        .isEqualTo(AuditCode.BAD_TX_SIGNATURE);
  }

  @Test
  void joinNamingAnotherDatasetOrTask_failsWithTxMismatch() {
    for (int i = 0; i < 2; i++) {
      World w = new World();
      TaskParticipant p = w.task.participants().get(i);
      SigningKey key = p.id().equals(id(P1)) ? P1 : P2;
      DatasetRef mine = ref(p.dataset());
      String name = "join of " + p.id() + " is an fl.join of the task naming its dataset, signed by the participant";
      // Each field of the reference differs in turn, then the task.
      List<DatasetRef> others = List.of(mine.toBuilder().setSnapshotId("s9").build(), mine.toBuilder().setCsvSha256(bytes("97".repeat(32))).build(),
          mine.toBuilder().setReadingsRoot(bytes("96".repeat(32))).build(), mine.toBuilder().setDatasetId("other").build(),
          mine.toBuilder().setDatasetVersion(mine.getDatasetVersion() + 1).build());
      for (DatasetRef other : others) {
        w.joinTx(i, Optional.of(w.put(key, "join", JoinTask.newBuilder().setTaskId("t").setDataset(other).build())));
        assertThat(code(walk(w), name)).as(other.toString()).isEqualTo(AuditCode.TX_MISMATCH);
      }
      w.joinTx(i, Optional.of(w.put(key, "join", JoinTask.newBuilder().setTaskId("t2").setDataset(mine).build())));
      assertThat(code(walk(w), name)).isEqualTo(AuditCode.TX_MISMATCH);
      // A transaction of another method.
      w.joinTx(i, Optional.of(w.rounds.get(0).updates().get(0).txId()));
      assertThat(code(walk(w), name)).isEqualTo(AuditCode.TX_MISMATCH);
    }
  }

  @Test
  void joinNotInTheLogOrNotRecorded_failsWithNotInLog() {
    World w = new World();
    TaskParticipant p = w.task.participants().get(1);
    w.notIncluded = p.joinTxId().orElseThrow();
    assertThat(code(walk(w), "join of " + p.id() + " in the signed log")).isEqualTo(AuditCode.NOT_IN_LOG);

    World w2 = new World();
    w2.joinTx(1, Optional.empty());
    assertThat(code(walk(w2), "join of " + p.id() + " in the signed log")).isEqualTo(AuditCode.NOT_IN_LOG);
  }

  @Test
  void joinWithTamperedBytes_failsWithTxMismatch() {
    World w = new World();
    TaskParticipant p = w.task.participants().get(0);
    String tx = p.joinTxId().orElseThrow();
    Responses.TxBytes original = w.txs.get(tx);
    byte[] payload = original.payload();
    payload[payload.length - 1] ^= 1;
    w.txs.put(tx, new Responses.TxBytes(original.info(), payload, original.signature()));
    assertThat(code(walk(w), "join of " + p.id() + " is an fl.join of the task naming its dataset, signed by the participant"))
        .isEqualTo(AuditCode.TX_MISMATCH);
  }

  @Test
  void taskNotCompleted_failsWithFlTaskMismatch() {
    World w = new World();
    w.task = withStatus(w.task, TaskStatus.RUNNING);
    assertThat(code(walk(w), "task COMPLETED with this model id")).isEqualTo(AuditCode.FL_TASK_MISMATCH);
  }

  @Test
  void registrationByTheAggregator_failsWithBadTxSignature() {
    World w = new World();
    w.registrationTx = w.put(AGGREGATOR, "attest_round", AttestRound.newBuilder().setTaskId("t").setRound(2).setAttempt(1)
        .setResultSha256(bytes(w.rounds.get(1).resultSha256().orElseThrow())).build());
    w.model();
    assertThat(code(walk(w), "registration is the task's last fl.attest_round, sent by an active validator other than the aggregator"))
        .isEqualTo(AuditCode.BAD_TX_SIGNATURE);
  }

  @Test
  void registrationOfAnEarlierRound_failsWithTxMismatch() {
    World w = new World();
    w.registrationTx = w.put(VALIDATOR, "attest_round", AttestRound.newBuilder().setTaskId("t").setRound(1).setAttempt(1)
        .setResultSha256(bytes(w.rounds.get(0).resultSha256().orElseThrow())).build());
    w.model();
    assertThat(code(walk(w), "registration is the task's last fl.attest_round, sent by an active validator other than the aggregator"))
        .isEqualTo(AuditCode.TX_MISMATCH);
  }

  @Test
  void registrationNotInTheLog_failsWithNotInLog() {
    World w = new World();
    w.notIncluded = w.registrationTx;
    assertThat(code(walk(w), "registration transaction in the signed log")).isEqualTo(AuditCode.NOT_IN_LOG);
  }

  @Test
  void recipeNotTheProvenance_failsWithFlProvenanceMismatch() {
    World w = new World();
    w.replaceRound(0, r -> copy(r, r.baseModelSha256(), r.result().orElseThrow(), "55".repeat(32)));
    List<Check> checks = walk(w);
    assertThat(code(checks, "recipe is the task's provenance (veriflow-fl-model/1): task, recipe hash, rule, rounds and participants"))
        .isEqualTo(AuditCode.FL_PROVENANCE_MISMATCH);
    assertThat(code(checks, "result re-encoded hashes to the round's result hash")).isEqualTo(AuditCode.HASH_MISMATCH);
  }

  @Test
  void roundNotChained_failsWithFlRoundInvalid() {
    World w = new World();
    w.replaceRound(1, r -> copy(r, "66".repeat(32), r.result().orElseThrow(), r.resultSha256().orElseThrow()));
    w.model();
    assertThat(code(walk(w), "base model is round 1's global model")).isEqualTo(AuditCode.FL_ROUND_INVALID);
  }

  @Test
  void acceptedUpdateNeverSubmitted_failsWithFlRoundInvalid() {
    World w = new World();
    w.replaceRound(0, r -> {
      RoundResult x = r.result().orElseThrow();
      List<AcceptedUpdate> accepted = new ArrayList<>(x.accepted());
      accepted.set(0, new AcceptedUpdate(accepted.get(0).participant(), "77".repeat(32), 0.5));
      RoundResult forged = new RoundResult(x.globalModelSha256(), accepted, x.rejected(), x.contributionMicros(), x.validationLoss(),
          x.validationAccuracy());
      return copy(r, r.baseModelSha256(), forged, Hash.sha256(FederatedWalk.encode(1, forged).toByteArray()).hex());
    });
    w.model();
    assertThat(code(walk(w), "every accepted and rejected update is a submitted update of the round, and every submitted one is judged"))
        .isEqualTo(AuditCode.FL_ROUND_INVALID);
  }

  @Test
  void updateSignedByAnotherParticipant_failsWithBadTxSignature() {
    World w = new World();
    RoundUpdate u = w.rounds.get(0).updates().get(0);
    SigningKey other = u.participant().equals(id(P1)) ? P2 : P1;
    String forged = w.put(other, "submit_update", SubmitUpdate.newBuilder().setTaskId("t").setRound(1).setUpdateSha256(bytes(u.updateSha256()))
        .setExamples(40).build());
    w.replaceRound(0, r -> {
      List<RoundUpdate> updates = new ArrayList<>(r.updates());
      updates.set(0, new RoundUpdate(u.participant(), u.updateSha256(), u.examples(), u.parameterCount(), u.metrics(), u.height(), forged));
      return new Round(r.taskId(), r.round(), r.status(), r.openedHeight(), r.deadlineHeight(), r.deadlineMillis(), r.baseModelSha256(), updates, r.attempt(),
          r.resultSha256(), r.result(), r.aggregatedHeight(), r.attestations(), r.verifiedHeight(), r.rejection());
    });
    assertThat(code(walk(w), "update of " + u.participant() + " is an fl.submit_update signed by the participant, carrying its hash"))
        .isEqualTo(AuditCode.BAD_TX_SIGNATURE);
  }

  @Test
  void attestationByTheAggregator_failsAndLeavesTheRoundWithoutAMatch() {
    World w = new World();
    w.replaceRound(1, r -> new Round(r.taskId(), r.round(), r.status(), r.openedHeight(), r.deadlineHeight(), r.deadlineMillis(), r.baseModelSha256(), r.updates(),
        r.attempt(), r.resultSha256(), r.result(), r.aggregatedHeight(), List.of(new RoundAttestation(id(AGGREGATOR), 1,
        r.resultSha256().orElseThrow(), true, Optional.empty(), 9, Optional.of(w.put(AGGREGATOR, "attest_round", AttestRound.newBuilder()
        .setTaskId("t").setRound(2).setAttempt(1).setResultSha256(bytes(r.resultSha256().orElseThrow())).build())))), r.verifiedHeight(),
        r.rejection()));
    List<Check> checks = walk(w);
    assertThat(code(checks, "attestation by " + id(AGGREGATOR) + " at height 9")).isEqualTo(AuditCode.BAD_TX_SIGNATURE);
    assertThat(checks).filteredOn(c -> c.section().equals("federated round 2")
        && c.name().equals("matching attestations of the verified aggregation by validators other than the aggregator"))
        .extracting(Check::code).containsExactly(AuditCode.FL_ROUND_INVALID);
  }

  @Test
  void lossCurveHashNotTheRounds_failsWithHashMismatch() {
    World w = new World();
    Responses.ModelDetail d = w.detail;
    w.detail = new Responses.ModelDetail(d.model(), d.engineVersion(), "88".repeat(32), d.registeredHeight(), d.datasets(), d.attestations(),
        d.recipe(), d.federatedTask());
    assertThat(code(walk(w), "loss curve recomputed from the rounds' validation losses hashes to the recorded hash")).isEqualTo(AuditCode.HASH_MISMATCH);
  }

  @Test
  void unknownTask_failsWithNotFound() {
    World w = new World();
    List<Check> checks = new ArrayList<>();
    FederatedWalk.Source none = new FederatedWalk.Source() {
      @Override
      public Task task(String taskId) {
        throw new ClientException(404, "UNKNOWN_TASK", "no federated task " + taskId);
      }

      @Override
      public List<Round> rounds(String taskId) {
        throw new ClientException(404, "UNKNOWN_TASK", "no federated task " + taskId);
      }

      @Override
      public Responses.Identity identity(String id) {
        throw new AssertionError();
      }

      @Override
      public Responses.TxBytes transactionBytes(String txId) {
        throw new AssertionError();
      }
    };
    try {
      new FederatedWalk(null, none, (s, n, t) -> Check.ok(s, n, "in"), Path.of("unused"), checks::add, s -> { }).walk(w.detail, "t", false);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThat(checks).extracting(Check::name, Check::code).containsExactly(
        org.assertj.core.groups.Tuple.tuple("the record's federated task is the task its provenance recipe names", AuditCode.OK),
        org.assertj.core.groups.Tuple.tuple("task and rounds exist", AuditCode.NOT_FOUND));
  }

  // ------------------------------------------------------------------ helpers

  private static List<Check> walk(World w) {
    List<Check> checks = new ArrayList<>();
    FederatedWalk.Source source = new FederatedWalk.Source() {
      @Override
      public Task task(String taskId) {
        return w.task;
      }

      @Override
      public List<Round> rounds(String taskId) {
        return w.rounds;
      }

      @Override
      public Responses.Identity identity(String id) {
        String kind = id.equals(id(VALIDATOR)) ? "VALIDATOR" : id.equals(id(AGGREGATOR)) ? "MEMBER" : "ORGANISATION";
        return new Responses.Identity(id, kind, "n", "", "ED25519", List.of(), "ACTIVE", 1, Optional.empty(), Optional.empty(), Optional.empty());
      }

      @Override
      public Responses.TxBytes transactionBytes(String txId) {
        Responses.TxBytes tx = w.txs.get(txId);
        if (tx == null) {
          throw new ClientException(404, "UNKNOWN_TX", "no transaction " + txId);
        }
        return tx;
      }
    };
    FederatedWalk.Inclusion log = (s, n, tx) -> tx.id().equals(w.notIncluded)
        ? Check.failed(s, n, AuditCode.NOT_IN_LOG, "transaction " + tx.id() + " is PENDING, not in a block")
        : Check.ok(s, n, "transaction " + tx.id() + " committed");
    try {
      new FederatedWalk(null, source, log, Path.of("unused"), checks::add, s -> { }).walk(w.detail, "t", false);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return checks;
  }

  private static AuditCode code(List<Check> checks, String name) {
    List<Check> named = checks.stream().filter(c -> c.name().equals(name)).toList();
    assertThat(named).as("checks named " + name + " in " + checks).isNotEmpty();
    return named.stream().filter(Check::failed).map(Check::code).findFirst().orElse(AuditCode.OK);
  }

  private static Round copy(Round r, String base, RoundResult result, String resultSha) {
    return new Round(r.taskId(), r.round(), r.status(), r.openedHeight(), r.deadlineHeight(), r.deadlineMillis(), base, r.updates(), r.attempt(), Optional.of(resultSha),
        Optional.of(result), r.aggregatedHeight(), r.attestations().stream().map(a -> new RoundAttestation(a.validator(), a.attempt(), resultSha,
            a.match(), a.failure(), a.height(), a.txId())).toList(), r.verifiedHeight(), r.rejection());
  }

  private static Responses.ModelDetail withTask(Responses.ModelDetail d, Optional<String> task) {
    return new Responses.ModelDetail(d.model(), d.engineVersion(), d.lossCurveSha256(), d.registeredHeight(), d.datasets(), d.attestations(),
        d.recipe(), task);
  }

  private static Task withParticipants(Task t, List<TaskParticipant> participants) {
    return new Task(t.taskId(), t.owner(), t.status(), t.recipeSha256(), t.recipe(), t.rounds(), t.roundBlocks(), t.roundMillis(), t.minParticipants(),
        t.maxParticipants(), t.rule(), t.trimFractionMicros(), t.krumF(), t.multiKrumM(), t.validation(), t.root(), t.rewardPool(),
        t.joinIdentities(), t.joinOrganisations(), t.joinRoles(), t.aggregator(), t.modelId(), t.parameterCount(), t.initialModelSha256(),
        participants, t.currentRound(), t.createdHeight(), t.startedHeight(), t.finishedHeight(), t.cancelReason(), t.refunded());
  }

  /** The chain's reference to a participant's dataset, as its fl.join names it. */
  private static DatasetRef ref(TaskDataset d) {
    return DatasetRef.newBuilder().setSnapshotId(nz(d.source().snapshotId())).setCsvSha256(bytes(d.csvSha256()))
        .setReadingsRoot(bytes(d.readingsRoot())).setDatasetId(nz(d.source().datasetId())).setDatasetVersion(d.source().version()).build();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static Task withStatus(Task t, TaskStatus status) {
    return new Task(t.taskId(), t.owner(), status, t.recipeSha256(), t.recipe(), t.rounds(), t.roundBlocks(), t.roundMillis(), t.minParticipants(),
        t.maxParticipants(), t.rule(), t.trimFractionMicros(), t.krumF(), t.multiKrumM(), t.validation(), t.root(), t.rewardPool(),
        t.joinIdentities(), t.joinOrganisations(), t.joinRoles(), t.aggregator(), t.modelId(), t.parameterCount(), t.initialModelSha256(),
        t.participants(), t.currentRound(), t.createdHeight(), t.startedHeight(), t.finishedHeight(), t.cancelReason(), t.refunded());
  }

  private static String id(SigningKey k) {
    return k.id().value();
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static byte[] seed(int b) {
    byte[] s = new byte[32];
    java.util.Arrays.fill(s, (byte) b);
    return s;
  }

  private static FederatedRecipe recipe() {
    Map<String, Object> h = new TreeMap<>();
    h.put("hiddenLayers", List.of(4));
    h.put("epochs", 2);
    h.put("learningRate", new BigDecimal("0.01"));
    return FederatedRecipe.of(Algorithm.MLP_REGRESSOR, List.of("temperature"), "humidity", List.of(), new double[] {29.0}, new double[] {2.0}, h, 17);
  }
}
