package org.veriflow.contracts.fl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;
import static org.veriflow.contracts.fl.FlFixture.AGGREGATOR;
import static org.veriflow.contracts.fl.FlFixture.MODEL;
import static org.veriflow.contracts.fl.FlFixture.OWNER;
import static org.veriflow.contracts.fl.FlFixture.OWNER_CREDITS;
import static org.veriflow.contracts.fl.FlFixture.P1;
import static org.veriflow.contracts.fl.FlFixture.P2;
import static org.veriflow.contracts.fl.FlFixture.P3;
import static org.veriflow.contracts.fl.FlFixture.SECOND_VALIDATOR;
import static org.veriflow.contracts.fl.FlFixture.TASK;
import static org.veriflow.contracts.fl.FlFixture.aggregate;
import static org.veriflow.contracts.fl.FlFixture.attest;
import static org.veriflow.contracts.fl.FlFixture.bytes;
import static org.veriflow.contracts.fl.FlFixture.global;
import static org.veriflow.contracts.fl.FlFixture.hex;
import static org.veriflow.contracts.fl.FlFixture.result;
import static org.veriflow.contracts.fl.FlFixture.update;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.contracts.TestChain;
import org.veriflow.contracts.fl.FlFixture.Outcome;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.fl.AttestRound;
import org.veriflow.protocol.proto.fl.CancelTask;
import org.veriflow.protocol.proto.fl.Participant;
import org.veriflow.protocol.proto.fl.RoundAttestation;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.TaskStatus;
import org.veriflow.protocol.proto.fl.UpdateRecord;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * The fl contract's lifecycle: a task from creation to completion with its payouts and final model,
 * a round closed by its deadline, a rejected aggregation redone, a Byzantine participant, the
 * remainder rule, cancellation, and a model id taken while the task ran.
 */
class FlTest {
  private FlFixture fx;

  @BeforeEach
  void open() throws InvalidProtocolBufferException {
    fx = new FlFixture();
  }

  @AfterEach
  void close() {
    fx.close();
  }

  private static List<String> events(TxResult r) {
    return r.getEventsList().stream().map(e -> e.getContract() + ":" + e.getName() + ":" + e.getData().toStringUtf8()).toList();
  }

  private static Participant participant(TaskRecord t, SigningKey k) {
    return t.getParticipantsList().stream().filter(p -> p.getId().equals(k.id().value())).findFirst().orElseThrow();
  }

  // ------------------------------------------------------------------ the happy path

  @Test
  void task_twoRoundsToCompletion_paysRewardsRegistersModelConservesCredits() {
    long total = fx.chain.totalCredits();
    long owner = fx.balance(OWNER);

    TxResult created = fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    assertThat(events(created)).containsExactly("fl:task_created:" + TASK);
    TaskRecord t = fx.task(TASK);
    assertThat(t.getStatus()).isEqualTo(TaskStatus.JOINING);
    assertThat(t.getOwner()).isEqualTo(OWNER.id().value());
    assertThat(t.getParameterCount()).isEqualTo(FlFixture.RECIPE.parameterCount());
    assertThat(t.getInitialModelSha256()).isEqualTo(ByteString.copyFrom(FlFixture.RECIPE.initialModel().hash().bytes()));
    assertThat(t.getCreatedHeight()).isEqualTo(fx.height());
    assertThat(fx.balance(OWNER)).isEqualTo(owner - 1_000);
    assertThat(fx.escrowed()).isEqualTo(1_000);
    assertThat(fx.chain.totalCredits()).isEqualTo(total);

    byte[] joinTx = fx.call(P3, "join", FlFixture.join(P3));
    fx.committed(joinTx);
    fx.joined(P1, P2);
    t = fx.task(TASK);
    assertThat(participant(t, P3).getJoinTxId()).isEqualTo(bytes(TestChain.txId(joinTx)));
    assertThat(t.getParticipantsList()).extracting(Participant::getId)
        .containsExactlyElementsOf(List.of(P1, P2, P3).stream().map(k -> k.id().value()).sorted().toList());
    assertThat(participant(t, P1).getDatasetRows()).isEqualTo(FlFixture.DATASET_ROWS);
    assertThat(participant(t, P1).getDataset()).isEqualTo(FlFixture.ref(P1));

    TxResult started = fx.committed(fx.call(OWNER, "start", FlFixture.start()));

    assertThat(events(started)).containsExactly("fl:started:" + TASK);
    long startHeight = fx.height();
    assertThat(fx.task(TASK).getStatus()).isEqualTo(TaskStatus.RUNNING);
    assertThat(fx.task(TASK).getCurrentRound()).isEqualTo(1);
    RoundRecord r1 = fx.round(1);
    assertThat(r1.getStatus()).isEqualTo(RoundStatus.OPEN);
    assertThat(r1.getDeadlineHeight()).isEqualTo(startHeight + 5);
    assertThat(r1.getBaseModelSha256()).isEqualTo(t.getInitialModelSha256());

    byte[] submitTx = fx.call(P2, "submit_update", FlFixture.submit(P2, 1).build());
    TxResult submitted = fx.committed(submitTx);
    assertThat(events(submitted)).containsExactly("fl:update_submitted:" + TASK + "/1");
    UpdateRecord u = fx.round(1).getUpdates(0);
    assertThat(u.getParticipant()).isEqualTo(P2.id().value());
    assertThat(u.getUpdateSha256()).isEqualTo(update(P2, 1));
    assertThat(u.getExamples()).isEqualTo(FlFixture.DATASET_ROWS);
    assertThat(u.getTxId()).isEqualTo(bytes(TestChain.txId(submitTx)));
    assertThat(FlState.submitter(fx.chain.ledger.state(Fl.NAME), TASK, update(P2, 1).toByteArray())).contains(P2.id().value());
    fx.submitted(1, P1, P3);

    RoundResult result1 = result(1, global(1, 1),
        Outcome.accepted(P1, 1, 300_000), Outcome.accepted(P2, 1, 100_000), Outcome.accepted(P3, 1, -50_000)).build();
    TxResult aggregated = fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, result1)));

    assertThat(events(aggregated)).containsExactly("fl:round_aggregated:" + TASK + "/1");
    r1 = fx.round(1);
    assertThat(r1.getStatus()).isEqualTo(RoundStatus.AGGREGATED);
    assertThat(r1.getAttempt()).isEqualTo(1);
    assertThat(r1.getResult()).isEqualTo(result1.toByteString());
    assertThat(r1.getResultSha256()).isEqualTo(bytes(Hash.sha256(result1.toByteArray())));

    byte[] attestTx = fx.call(VALIDATOR, "attest_round", attest(1, 1, result1));
    TxResult verified = fx.committed(attestTx);

    assertThat(events(verified)).containsExactly("fl:round_verified:" + TASK + "/1");
    assertThat(fx.round(1).getStatus()).isEqualTo(RoundStatus.VERIFIED);
    assertThat(fx.round(1).getVerifiedHeight()).isEqualTo(fx.height());
    assertThat(fx.round(1).getAttestationsList()).singleElement().satisfies(a -> {
      assertThat(a.getValidator()).isEqualTo(VALIDATOR.id().value());
      assertThat(a.getMatch()).isTrue();
      assertThat(a.getAttempt()).isEqualTo(1);
      assertThat(a.getTxId()).isEqualTo(bytes(TestChain.txId(attestTx)));
    });
    assertThat(fx.task(TASK).getCurrentRound()).isEqualTo(2);
    RoundRecord r2 = fx.round(2);
    assertThat(r2.getStatus()).isEqualTo(RoundStatus.OPEN);
    assertThat(r2.getBaseModelSha256()).isEqualTo(global(1, 1));
    assertThat(r2.getDeadlineHeight()).isEqualTo(fx.height() + 5);
    assertThat(participant(fx.task(TASK), P1).getContributionMicros()).isEqualTo(300_000);
    assertThat(participant(fx.task(TASK), P3).getRoundsAccepted()).isEqualTo(1);

    fx.submitted(2, P1, P2, P3);
    RoundResult result2 = result(2, global(2, 1),
        Outcome.accepted(P1, 2, 300_000), Outcome.accepted(P2, 2, 100_000), Outcome.accepted(P3, 2, -50_000)).build();
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(2, result2)));
    TxResult completed = fx.committed(fx.call(VALIDATOR, "attest_round", attest(2, 1, result2)));

    assertThat(events(completed)).containsExactly("fl:round_verified:" + TASK + "/2", "fl:task_completed:" + TASK,
        "fl:model_registered:" + TASK);
    t = fx.task(TASK);
    assertThat(t.getStatus()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(t.getCurrentRound()).isEqualTo(3);
    assertThat(t.getFinishedHeight()).isEqualTo(fx.height());
    // Positive contributions 600,000 and 200,000 (P3's -100,000 counts 0): 750 and 250 of 1,000, nothing left.
    assertThat(participant(t, P1).getReward()).isEqualTo(750);
    assertThat(participant(t, P2).getReward()).isEqualTo(250);
    assertThat(participant(t, P3).getReward()).isZero();
    assertThat(participant(t, P3).getContributionMicros()).isEqualTo(-100_000);
    assertThat(t.getRefunded()).isZero();
    assertThat(fx.balance(P1)).isEqualTo(750);
    assertThat(fx.balance(P2)).isEqualTo(250);
    assertThat(fx.balance(OWNER)).isEqualTo(OWNER_CREDITS - 1_000);
    assertThat(fx.escrowed()).isZero();
    assertThat(fx.chain.totalCredits()).isEqualTo(total);

    ModelRecord m = Models.find(fx.chain.ledger.state(Models.NAME), MODEL).orElseThrow();
    assertThat(m.getFederatedTask()).isEqualTo(TASK);
    assertThat(m.getStage()).isEqualTo(ModelStage.VERIFIED);
    assertThat(m.getArtifactSha256()).isEqualTo(global(2, 1));
    assertThat(m.getTrainer()).isEqualTo(OWNER.id().value());
    assertThat(m.getEngineVersion()).isEqualTo(FlFixture.RECIPE.engineVersion());
    assertThat(m.getDatasetsList()).containsExactlyElementsOf(t.getParticipantsList().stream().map(Participant::getDataset).toList());
    assertThat(m.getMetricsList()).containsExactly(
        Metric.newBuilder().setName("validation.accuracy").setValue(result2.getValidationAccuracy()).build(),
        Metric.newBuilder().setName("validation.loss").setValue(result2.getValidationLoss()).build());
    assertThat(m.getRecipeSha256()).isEqualTo(bytes(Hash.sha256(m.getRecipe().toByteArray())));
    String curve = "round,validation_loss\n1," + result1.getValidationLoss() + "\n2," + result2.getValidationLoss() + "\n";
    assertThat(m.getLossCurveSha256()).isEqualTo(bytes(Hash.sha256(curve.getBytes(StandardCharsets.UTF_8))));
    assertThat(m.getHistoryList()).singleElement().satisfies(h -> {
      assertThat(h.getTo()).isEqualTo(ModelStage.VERIFIED);
      assertThat(h.getReason()).isEqualTo("verified: each of 2 rounds recomputed by validators");
    });
    List<Participant> ps = t.getParticipantsList();
    String expectedRecipe = "{\"format\":\"veriflow-fl-model/1\",\"task\":\"" + TASK + "\",\"recipeSha256\":\""
        + Hash.sha256(FlFixture.RECIPE_JSON).hex() + "\",\"rule\":\"FEDAVG\",\"trimFractionMicros\":0,\"krumF\":0,\"multiKrumM\":0,"
        + "\"rounds\":[{\"round\":1,\"globalModelSha256\":\"" + hex(global(1, 1)) + "\",\"resultSha256\":\""
        + Hash.sha256(result1.toByteArray()).hex() + "\"},{\"round\":2,\"globalModelSha256\":\"" + hex(global(2, 1))
        + "\",\"resultSha256\":\"" + Hash.sha256(result2.toByteArray()).hex() + "\"}],\"participants\":["
        + participantJson(ps.get(0)) + "," + participantJson(ps.get(1)) + "," + participantJson(ps.get(2)) + "]}";
    assertThat(m.getRecipe().toStringUtf8()).isEqualTo(expectedRecipe);
  }

  private static String participantJson(Participant p) {
    return "{\"id\":\"" + p.getId() + "\",\"snapshotId\":\"\",\"datasetId\":\"" + p.getDataset().getDatasetId()
        + "\",\"datasetVersion\":1,\"csvSha256\":\"" + hex(p.getDataset().getCsvSha256()) + "\",\"readingsRoot\":\"\"}";
  }

  @Test
  void finalModel_attestedLikeAReplayedModel_failsBadArgumentsStaysVerified() {
    fx.started(P1, P2);
    for (int round = 1; round <= 2; round++) {
      fx.submitted(round, P1, P2);
      fx.aggregatedAndVerified(round, result(round, global(round, 1), Outcome.accepted(P1, round, 1), Outcome.accepted(P2, round, 1)).build());
    }

    TxResult r = fx.fails(TestChain.models(VALIDATOR, fx.chain.nextNonce(VALIDATOR), "attest", org.veriflow.protocol.proto.models.Attest
        .newBuilder().setModelId(MODEL).setFailure("the recipe is not a training recipe").build()), "BAD_ARGUMENTS");

    assertThat(r.getMessage()).contains("federated task " + TASK);
    assertThat(Models.find(fx.chain.ledger.state(Models.NAME), MODEL).orElseThrow().getStage()).isEqualTo(ModelStage.VERIFIED);
  }

  // ------------------------------------------------------------------ deadlines, rejections, Byzantine updates

  @Test
  void round_participantNeverSubmits_closesAtDeadlineWithOthersAndCountsMissed() {
    fx.started(P1, P2, P3);
    fx.submitted(1, P1, P2);
    RoundResult r = result(1, global(1, 1), Outcome.accepted(P1, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, r)), "ROUND_OPEN");

    fx.advanceTo(fx.round(1).getDeadlineHeight() + 1);
    fx.fails(fx.call(P3, "submit_update", FlFixture.submit(P3, 1).build()), "ROUND_CLOSED");
    fx.aggregatedAndVerified(1, r);

    TaskRecord t = fx.task(TASK);
    assertThat(participant(t, P3).getRoundsMissed()).isEqualTo(1);
    assertThat(participant(t, P3).getRoundsAccepted()).isZero();
    assertThat(participant(t, P1).getRoundsAccepted()).isEqualTo(1);
    assertThat(participant(t, P1).getRoundsMissed()).isZero();
    assertThat(t.getCurrentRound()).isEqualTo(2);
  }

  @Test
  void round_timeDeadlinePasses_updateRefusedAggregateAcceptedBelowDeadlineHeight() {
    fx.started(fx.task().setRoundBlocks(100).setRoundMillis(3 * TestChain.BLOCK_INTERVAL_MILLIS).build(), P1, P2, P3);
    long opened = fx.timestampMillis();
    assertThat(fx.round(1).getDeadlineMillis()).isEqualTo(opened + 3 * TestChain.BLOCK_INTERVAL_MILLIS);
    fx.submitted(1, P1, P2);
    RoundResult r = result(1, global(1, 1), Outcome.accepted(P1, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    // This block's timestamp equals the time deadline: not past it, and the height is far from its deadline.
    assertThat(fx.timestampMillis() + TestChain.BLOCK_INTERVAL_MILLIS).isEqualTo(fx.round(1).getDeadlineMillis());
    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, r)), "ROUND_OPEN");

    TxResult late = fx.fails(fx.call(P3, "submit_update", FlFixture.submit(P3, 1).build()), "ROUND_CLOSED");
    assertThat(late.getMessage()).contains("block time " + fx.round(1).getDeadlineMillis() + " ms");
    fx.aggregatedAndVerified(1, r);

    assertThat(fx.height()).isLessThan(fx.round(1).getDeadlineHeight());
    assertThat(fx.round(1).getStatus()).isEqualTo(RoundStatus.VERIFIED);
    assertThat(participant(fx.task(TASK), P3).getRoundsMissed()).isEqualTo(1);
    // Round 2 opens with its own time deadline, counted from its opening block.
    assertThat(fx.round(2).getDeadlineMillis()).isEqualTo(fx.timestampMillis() + 3 * TestChain.BLOCK_INTERVAL_MILLIS);
  }

  @Test
  void round_noTimeLimit_deadlineMillisZeroAndOnlyHeightCloses() {
    fx.started(P1, P2, P3);
    assertThat(fx.round(1).getDeadlineMillis()).isZero();
    fx.submitted(1, P1, P2);
    RoundResult r = result(1, global(1, 1), Outcome.accepted(P1, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, r)), "ROUND_OPEN");
  }

  @Test
  void attest_mismatch_rejectsAggregationThenReaggregatedAndVerified() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    RoundResult wrong = result(1, global(1, 1), Outcome.accepted(P1, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    RoundResult right = result(1, global(1, 2), Outcome.accepted(P1, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, wrong)));

    TxResult rejected = fx.committed(fx.call(VALIDATOR, "attest_round", attest(1, 1, right)));

    assertThat(events(rejected)).containsExactly("fl:round_rejected:" + TASK + "/1");
    RoundRecord r = fx.round(1);
    assertThat(r.getStatus()).isEqualTo(RoundStatus.AGGREGATE_REJECTED);
    assertThat(r.getRejection()).isEqualTo("MISMATCH: validator " + VALIDATOR.id().value() + " got "
        + Hash.sha256(right.toByteArray()).hex() + ", the aggregate is " + Hash.sha256(wrong.toByteArray()).hex());
    assertThat(fx.task(TASK).getCurrentRound()).isEqualTo(1);
    fx.fails(fx.call(VALIDATOR, "attest_round", attest(1, 1, wrong)), "NOT_AGGREGATED");

    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, right)));
    r = fx.round(1);
    assertThat(r.getStatus()).isEqualTo(RoundStatus.AGGREGATED);
    assertThat(r.getAttempt()).isEqualTo(2);
    assertThat(r.getRejection()).isEmpty();
    fx.committed(fx.call(VALIDATOR, "attest_round", attest(1, 2, right)));

    r = fx.round(1);
    assertThat(r.getStatus()).isEqualTo(RoundStatus.VERIFIED);
    assertThat(r.getAttestationsList()).extracting(RoundAttestation::getAttempt, RoundAttestation::getMatch)
        .containsExactly(tuple(1, false), tuple(2, true));
    assertThat(fx.round(2).getBaseModelSha256()).isEqualTo(global(1, 2));
  }

  @Test
  void attest_failure_rejectsAggregationWithTheValidatorsReason() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    RoundResult r = result(1, global(1, 1), Outcome.accepted(P1, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, r)));

    fx.committed(fx.call(VALIDATOR, "attest_round", AttestRound.newBuilder().setTaskId(TASK)
        .setRound(1).setAttempt(1).setFailure("blob " + hex(update(P1, 1)) + " unavailable").build()));

    assertThat(fx.round(1).getStatus()).isEqualTo(RoundStatus.AGGREGATE_REJECTED);
    assertThat(fx.round(1).getRejection()).isEqualTo("FAILED: validator " + VALIDATOR.id().value()
        + " could not recompute the round: blob " + hex(update(P1, 1)) + " unavailable");
  }

  @Test
  void byzantineParticipant_rejectedInEveryRound_earnsNothing() {
    fx.started(P1, P2, P3);
    for (int round = 1; round <= 2; round++) {
      fx.submitted(round, P1, P2, P3);
      fx.aggregatedAndVerified(round, result(round, global(round, 1), Outcome.accepted(P1, round, 40_000),
          Outcome.accepted(P2, round, 10_000), Outcome.rejected(P3, round, "KRUM_NOT_SELECTED")).build());
    }

    TaskRecord t = fx.task(TASK);
    assertThat(t.getStatus()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(participant(t, P3).getRoundsRejected()).isEqualTo(2);
    assertThat(participant(t, P3).getContributionMicros()).isZero();
    assertThat(participant(t, P3).getReward()).isZero();
    assertThat(fx.balance(P3)).isZero();
    assertThat(participant(t, P1).getReward()).isEqualTo(800);
    assertThat(participant(t, P2).getReward()).isEqualTo(200);
  }

  @Test
  void round_everyUpdateRejected_globalStaysBaseAndVerifies() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    ByteString base = fx.round(1).getBaseModelSha256();

    fx.aggregatedAndVerified(1, result(1, base, Outcome.rejected(P1, 1, "NON_FINITE"), Outcome.rejected(P2, 1, "NO_CHANGE")).build());

    assertThat(fx.round(2).getBaseModelSha256()).isEqualTo(base);
    assertThat(participant(fx.task(TASK), P1).getRoundsRejected()).isEqualTo(1);
  }

  @Test
  void completion_nonFiniteValidationAccuracy_acceptedAndLeftOutOfModelMetrics() {
    fx.started(P1, P2);
    RoundResult last = null;
    for (int round = 1; round <= 2; round++) {
      fx.submitted(round, P1, P2);
      last = result(round, global(round, 1), Outcome.accepted(P1, round, 1), Outcome.accepted(P2, round, 1))
          .setValidationAccuracy(Double.NEGATIVE_INFINITY).build();
      fx.aggregatedAndVerified(round, last);
    }

    ModelRecord m = Models.find(fx.chain.ledger.state(Models.NAME), MODEL).orElseThrow();
    assertThat(m.getMetricsList()).containsExactly(Metric.newBuilder().setName("validation.loss").setValue(last.getValidationLoss()).build());
  }

  @Test
  void completion_proportionalSplitLeavesRemainder_remainderRefundedToOwner() {
    fx.started(P1, P2, P3);
    for (int round = 1; round <= 2; round++) {
      fx.submitted(round, P1, P2, P3);
      fx.aggregatedAndVerified(round, result(round, global(round, 1),
          Outcome.accepted(P1, round, 5), Outcome.accepted(P2, round, 5), Outcome.accepted(P3, round, 5)).build());
    }

    TaskRecord t = fx.task(TASK);
    assertThat(t.getParticipantsList()).extracting(Participant::getReward).containsExactly(333L, 333L, 333L);
    assertThat(t.getRefunded()).isEqualTo(1);
    assertThat(fx.balance(OWNER)).isEqualTo(OWNER_CREDITS - 1_000 + 1);
    assertThat(fx.escrowed()).isZero();
  }

  @Test
  void completion_noPositiveContribution_wholePoolRefunded() {
    fx.started(P1, P2);
    for (int round = 1; round <= 2; round++) {
      fx.submitted(round, P1, P2);
      fx.aggregatedAndVerified(round, result(round, global(round, 1), Outcome.accepted(P1, round, 0), Outcome.accepted(P2, round, -7)).build());
    }

    assertThat(fx.task(TASK).getRefunded()).isEqualTo(1_000);
    assertThat(fx.balance(OWNER)).isEqualTo(OWNER_CREDITS);
    assertThat(fx.balance(P1)).isZero();
  }

  @Test
  void completion_modelIdRegisteredMeanwhile_completesPaysAndKeepsThatModel() {
    fx.started(P1, P2);
    byte[] recipe = "{\"algorithm\":\"logistic-regression\"}".getBytes(StandardCharsets.UTF_8);
    RegisterModel other = RegisterModel.newBuilder().setModelId(MODEL).setRecipe(ByteString.copyFrom(recipe))
        .setRecipeSha256(bytes(Hash.sha256(recipe))).addDatasets(fx.validationRef())
        .setArtifactSha256(global(9, 9)).setLossCurveSha256(global(8, 8)).setEngineVersion("veriflow-ml/0.1.0").build();
    fx.committed(TestChain.models(P3, fx.chain.nextNonce(P3), "register", other));
    ModelRecord before = Models.find(fx.chain.ledger.state(Models.NAME), MODEL).orElseThrow();

    TxResult last = null;
    for (int round = 1; round <= 2; round++) {
      fx.submitted(round, P1, P2);
      RoundResult r = result(round, global(round, 1), Outcome.accepted(P1, round, 1), Outcome.accepted(P2, round, 3)).build();
      fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(round, r)));
      last = fx.committed(fx.call(VALIDATOR, "attest_round", attest(round, 1, r)));
    }

    assertThat(events(last)).containsExactly("fl:round_verified:" + TASK + "/2", "fl:task_completed:" + TASK, "fl:model_id_taken:" + TASK);
    assertThat(fx.task(TASK).getStatus()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(fx.balance(P2)).isEqualTo(750);
    assertThat(Models.find(fx.chain.ledger.state(Models.NAME), MODEL)).contains(before);
  }

  @Test
  void cancel_byOwnerWhileRunning_refundsPool() {
    fx.started(P1, P2);
    long total = fx.chain.totalCredits();

    TxResult r = fx.committed(fx.call(OWNER, "cancel", CancelTask.newBuilder().setTaskId(TASK).setReason("data withdrawn").build()));

    assertThat(events(r)).containsExactly("fl:task_cancelled:" + TASK);
    TaskRecord t = fx.task(TASK);
    assertThat(t.getStatus()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(t.getCancelReason()).isEqualTo("data withdrawn");
    assertThat(t.getRefunded()).isEqualTo(1_000);
    assertThat(fx.balance(OWNER)).isEqualTo(OWNER_CREDITS);
    assertThat(fx.escrowed()).isZero();
    assertThat(fx.chain.totalCredits()).isEqualTo(total);
  }

  @Test
  void cancel_byAdministrator_allowed() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    fx.committed(fx.call(ADMIN, "cancel", CancelTask.newBuilder().setTaskId(TASK).build()));

    assertThat(fx.task(TASK).getStatus()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(fx.balance(OWNER)).isEqualTo(OWNER_CREDITS);
  }

  @Test
  void tasks_listedInIdOrder() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
    fx.committed(fx.call(OWNER, "create_task", fx.task().setTaskId("a-task").setModelId("a-model").build()));

    assertThat(FlState.tasks(fx.chain.ledger.state(Fl.NAME), null, 10)).extracting(TaskRecord::getTaskId).containsExactly("a-task", TASK);
    assertThat(FlState.tasks(fx.chain.ledger.state(Fl.NAME), "a-task", 10)).extracting(TaskRecord::getTaskId).containsExactly(TASK);
  }

  // ------------------------------------------------------------------ several validators

  @Test
  void attest_belowRequiredAttestations_staysAggregatedUntilSecondMatch() throws InvalidProtocolBufferException {
    fx.close();
    fx = new FlFixture(FlFixture.twoValidators());
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    RoundResult r = result(1, global(1, 1), Outcome.accepted(P1, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, r)));

    TxResult first = fx.committed(fx.call(VALIDATOR, "attest_round", attest(1, 1, r)));

    assertThat(events(first)).containsExactly("fl:round_attested:" + TASK + "/1");
    assertThat(fx.round(1).getStatus()).isEqualTo(RoundStatus.AGGREGATED);
    fx.fails(fx.call(VALIDATOR, "attest_round", attest(1, 1, r)), "ALREADY_ATTESTED");

    fx.committed(fx.call(SECOND_VALIDATOR, "attest_round", attest(1, 1, r)));

    assertThat(fx.round(1).getStatus()).isEqualTo(RoundStatus.VERIFIED);
    assertThat(fx.round(1).getAttestationsList()).hasSize(2);
  }
}
