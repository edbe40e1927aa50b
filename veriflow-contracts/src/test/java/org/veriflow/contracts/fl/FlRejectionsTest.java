package org.veriflow.contracts.fl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.VALIDATOR;
import static org.veriflow.contracts.fl.FlFixture.AGGREGATOR;
import static org.veriflow.contracts.fl.FlFixture.MODEL;
import static org.veriflow.contracts.fl.FlFixture.OWNER;
import static org.veriflow.contracts.fl.FlFixture.OWNER_CREDITS;
import static org.veriflow.contracts.fl.FlFixture.P1;
import static org.veriflow.contracts.fl.FlFixture.P2;
import static org.veriflow.contracts.fl.FlFixture.P3;
import static org.veriflow.contracts.fl.FlFixture.STRANGER;
import static org.veriflow.contracts.fl.FlFixture.TASK;
import static org.veriflow.contracts.fl.FlFixture.aggregate;
import static org.veriflow.contracts.fl.FlFixture.attest;
import static org.veriflow.contracts.fl.FlFixture.bytes;
import static org.veriflow.contracts.fl.FlFixture.global;
import static org.veriflow.contracts.fl.FlFixture.result;
import static org.veriflow.contracts.fl.FlFixture.update;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veriflow.contracts.TestChain;
import org.veriflow.contracts.fl.FlFixture.Outcome;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Rejection;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.datasets.ChangeDatasetStatus;
import org.veriflow.protocol.proto.fl.AcceptedUpdate;
import org.veriflow.protocol.proto.fl.Aggregate;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.AttestRound;
import org.veriflow.protocol.proto.fl.CancelTask;
import org.veriflow.protocol.proto.fl.Contribution;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.JoinPolicy;
import org.veriflow.protocol.proto.fl.JoinTask;
import org.veriflow.protocol.proto.fl.LocalMetric;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.SubmitUpdate;
import org.veriflow.protocol.proto.fl.TaskStatus;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * Every way a call to the fl contract is refused: each code, with a sentence, and no change to the
 * fl, credits or models state. Invalid arguments and unauthorised senders are rejected at
 * admission; the rest fail during execution, consuming the nonce.
 */
class FlRejectionsTest {
  private FlFixture fx;

  @BeforeEach
  void open() throws InvalidProtocolBufferException {
    fx = new FlFixture();
  }

  @AfterEach
  void close() {
    fx.close();
  }

  private void reopen(org.veriflow.contracts.GenesisSpec spec) throws InvalidProtocolBufferException {
    fx.close();
    fx = new FlFixture(spec);
  }

  // ------------------------------------------------------------------ create_task: arguments

  static Stream<Arguments> invalidTasks() {
    byte[] spaced = (" " + new String(FlFixture.RECIPE_JSON, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    byte[] notARecipe = "{\"format\":\"veriflow-fl-recipe/1\"}".getBytes(StandardCharsets.UTF_8);
    byte[] wide = FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("temperature", "humidity"), "device", List.of("a", "b"),
        new double[] {21.0, 40.0}, new double[] {1.0, 1.0}, Map.of("hiddenLayers", List.of(1024, 1024), "epochs", 1), 11).toCanonicalJson();
    return Stream.of(
        Arguments.of("model of 1,054,722 parameters", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRecipe(ByteString.copyFrom(wide)).setRecipeSha256(bytes(Hash.sha256(wide)))),
        Arguments.of("recipe hash of other bytes", (UnaryOperator<CreateTask.Builder>) b -> b.setRecipeSha256(bytes(Hash.sha256(new byte[] {1})))),
        Arguments.of("empty recipe", (UnaryOperator<CreateTask.Builder>) b -> b.setRecipe(ByteString.EMPTY).setRecipeSha256(bytes(Hash.sha256(new byte[0])))),
        Arguments.of("not a federated recipe", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRecipe(ByteString.copyFrom(notARecipe)).setRecipeSha256(bytes(Hash.sha256(notARecipe)))),
        Arguments.of("recipe not canonical", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRecipe(ByteString.copyFrom(spaced)).setRecipeSha256(bytes(Hash.sha256(spaced)))),
        Arguments.of("no rounds", (UnaryOperator<CreateTask.Builder>) b -> b.setRounds(0)),
        Arguments.of("101 rounds", (UnaryOperator<CreateTask.Builder>) b -> b.setRounds(101)),
        Arguments.of("round of 0 blocks", (UnaryOperator<CreateTask.Builder>) b -> b.setRoundBlocks(0)),
        Arguments.of("round of 100,001 blocks", (UnaryOperator<CreateTask.Builder>) b -> b.setRoundBlocks(100_001)),
        Arguments.of("round of 999 ms", (UnaryOperator<CreateTask.Builder>) b -> b.setRoundMillis(999)),
        Arguments.of("round of 7 days and 1 ms", (UnaryOperator<CreateTask.Builder>) b -> b.setRoundMillis(Fl.MAX_ROUND_MILLIS + 1)),
        Arguments.of("round of 2^64 - 1 ms", (UnaryOperator<CreateTask.Builder>) b -> b.setRoundMillis(-1)),
        Arguments.of("17 participants", (UnaryOperator<CreateTask.Builder>) b -> b.setMaxParticipants(17)),
        Arguments.of("min participants 0", (UnaryOperator<CreateTask.Builder>) b -> b.setMinParticipants(0)),
        Arguments.of("min above max", (UnaryOperator<CreateTask.Builder>) b -> b.setMinParticipants(4)),
        Arguments.of("rule unspecified", (UnaryOperator<CreateTask.Builder>) b -> b.setRule(AggregationRule.AGGREGATION_RULE_UNSPECIFIED)),
        Arguments.of("trimmed mean without trim", (UnaryOperator<CreateTask.Builder>) b -> b.setRule(AggregationRule.TRIMMED_MEAN)),
        Arguments.of("trimmed mean trimming half", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.TRIMMED_MEAN).setTrimFractionMicros(500_000)),
        Arguments.of("FedAvg with a trim", (UnaryOperator<CreateTask.Builder>) b -> b.setTrimFractionMicros(100_000)),
        Arguments.of("Krum f=1 with at most 4 participants", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.KRUM).setKrumF(1).setMinParticipants(3).setMaxParticipants(4)),
        Arguments.of("FedAvg with Krum's f", (UnaryOperator<CreateTask.Builder>) b -> b.setKrumF(1)),
        Arguments.of("Multi-Krum m 0", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.MULTI_KRUM).setMinParticipants(3).setMultiKrumM(0)),
        Arguments.of("Multi-Krum m above max", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.MULTI_KRUM).setMinParticipants(3).setMultiKrumM(4)),
        Arguments.of("Krum with Multi-Krum's m", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.KRUM).setMinParticipants(3).setMultiKrumM(2)),
        Arguments.of("FLTrust without root", (UnaryOperator<CreateTask.Builder>) b -> b.setRule(AggregationRule.FLTRUST)),
        Arguments.of("FedAvg with a root", (UnaryOperator<CreateTask.Builder>) b -> b.setRoot(b.getValidation())),
        Arguments.of("no validation dataset", (UnaryOperator<CreateTask.Builder>) CreateTask.Builder::clearValidation),
        Arguments.of("31-byte validation CSV hash", (UnaryOperator<CreateTask.Builder>) b ->
            b.setValidation(b.getValidation().toBuilder().setCsvSha256(b.getValidation().getCsvSha256().substring(1)))),
        Arguments.of("policy identities unsorted", (UnaryOperator<CreateTask.Builder>) b -> b.setPolicy(JoinPolicy.newBuilder()
            .addIdentities(sortedIds()[1]).addIdentities(sortedIds()[0]))),
        Arguments.of("policy role upper-case", (UnaryOperator<CreateTask.Builder>) b -> b.setPolicy(JoinPolicy.newBuilder().addRoles("Trainer"))),
        Arguments.of("aggregator not an identity id", (UnaryOperator<CreateTask.Builder>) b -> b.setAggregator("aggregator")),
        Arguments.of("upper-case model id", (UnaryOperator<CreateTask.Builder>) b -> b.setModelId("Ward")),
        Arguments.of("empty task id", (UnaryOperator<CreateTask.Builder>) b -> b.setTaskId("")));
  }

  private static String[] sortedIds() {
    return Stream.of(P1, P2).map(k -> k.id().value()).sorted().toArray(String[]::new);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTasks")
  void createTask_invalidArguments_rejectedBadArgumentsStoreUnchanged(String name, UnaryOperator<CreateTask.Builder> mutation) {
    CreateTask bad = mutation.apply(fx.task()).build();

    fx.chain.rejected(fx.call(OWNER, "create_task", bad), RejectionCode.BAD_ARGUMENTS);
  }

  static Stream<Arguments> validTasks() {
    return Stream.of(
        Arguments.of("FedAvg", (UnaryOperator<CreateTask.Builder>) b -> b),
        Arguments.of("trimmed mean 10 %", (UnaryOperator<CreateTask.Builder>) b -> b.setRule(AggregationRule.TRIMMED_MEAN).setTrimFractionMicros(100_000)),
        Arguments.of("Krum f=1 with 5 a round", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.KRUM).setKrumF(1).setMinParticipants(5).setMaxParticipants(5)),
        Arguments.of("Krum f=1 with 3 a round of at most 5", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.KRUM).setKrumF(1).setMinParticipants(3).setMaxParticipants(5)),
        Arguments.of("Multi-Krum m=3 of 3", (UnaryOperator<CreateTask.Builder>) b ->
            b.setRule(AggregationRule.MULTI_KRUM).setMinParticipants(3).setMultiKrumM(3)),
        Arguments.of("FLTrust with a root", (UnaryOperator<CreateTask.Builder>) b -> b.setRule(AggregationRule.FLTRUST).setRoot(b.getValidation())),
        Arguments.of("a sorted policy", (UnaryOperator<CreateTask.Builder>) b -> b.setPolicy(JoinPolicy.newBuilder()
            .addIdentities(sortedIds()[0]).addIdentities(sortedIds()[1]).addRoles("trainer"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validTasks")
  void createTask_validArguments_committed(String name, UnaryOperator<CreateTask.Builder> mutation) {
    // The positive siblings of the invalid cases above.
    fx.committed(fx.call(OWNER, "create_task", mutation.apply(fx.task()).build()));

    assertThat(fx.task(TASK).getStatus()).isEqualTo(TaskStatus.JOINING);
  }

  @Test
  void createTask_argumentsNotAMessage_rejectedBadArguments() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};

    fx.chain.rejected(TestChain.rawCall(OWNER, fx.chain.nextNonce(OWNER), Fl.NAME, "create_task", garbage), RejectionCode.BAD_ARGUMENTS);
  }

  // ------------------------------------------------------------------ create_task: against the chain

  @Test
  void createTask_sameIdTwice_failsTaskExists() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    fx.fails(fx.call(OWNER, "create_task", fx.task().setModelId("another-model").build()), "TASK_EXISTS");
  }

  @Test
  void createTask_modelIdRegistered_failsTaskExists() {
    byte[] recipe = "{}".getBytes(StandardCharsets.UTF_8);
    fx.committed(TestChain.models(P1, fx.chain.nextNonce(P1), "register", RegisterModel.newBuilder().setModelId(MODEL)
        .setRecipe(ByteString.copyFrom(recipe)).setRecipeSha256(bytes(Hash.sha256(recipe))).addDatasets(fx.validationRef())
        .setArtifactSha256(global(9, 9)).setLossCurveSha256(global(8, 8)).setEngineVersion("veriflow-ml/0.1.0").build()));

    fx.fails(fx.call(OWNER, "create_task", fx.task().build()), "TASK_EXISTS");
  }

  @Test
  void createTask_aggregatorNotRegistered_failsBadArguments() {
    TxResult r = fx.fails(fx.call(OWNER, "create_task", fx.task().setAggregator(TestChain.key(99).id().value()).build()), "BAD_ARGUMENTS");

    assertThat(r.getMessage()).startsWith("no active identity");
  }

  @Test
  void createTask_unknownValidationSnapshot_failsUnknownDataset() {
    DatasetRef unknown = fx.validationRef().toBuilder().setSnapshotId(Hash.sha256(new byte[] {3}).hex()).build();

    fx.fails(fx.call(OWNER, "create_task", fx.task().setValidation(unknown).build()), "UNKNOWN_DATASET");
  }

  @Test
  void createTask_validationReadingsRootDiffers_failsDatasetMismatch() {
    DatasetRef forged = fx.validationRef().toBuilder().setReadingsRoot(bytes(Hash.sha256(new byte[] {2}))).build();

    fx.fails(fx.call(OWNER, "create_task", fx.task().setValidation(forged).build()), "DATASET_MISMATCH");
  }

  @Test
  void createTask_poolAboveBalance_failsInsufficientFunds() {
    fx.fails(fx.call(OWNER, "create_task", fx.task().setRewardPool(OWNER_CREDITS + 1).build()), "INSUFFICIENT_FUNDS");

    assertThat(fx.balance(OWNER)).isEqualTo(OWNER_CREDITS);
  }

  @Test
  void createTask_trainingCostsMoreThanChainAllows_failsRecipeTooCostly() throws InvalidProtocolBufferException {
    // 3 parameters x 3 validation rows x 3 local epochs = 27.
    assertThat(FlFixture.RECIPE.localTrainingCost(3)).isEqualTo(27);
    reopen(FlFixture.genesis(Map.of(), 26));

    TxResult r = fx.fails(fx.call(OWNER, "create_task", fx.task().build()), "RECIPE_TOO_COSTLY");

    assertThat(r.getMessage()).contains("costs 27");
  }

  @Test
  void createTask_trainingCostsExactlyTheLimit_committed() throws InvalidProtocolBufferException {
    reopen(FlFixture.genesis(Map.of(), 27));

    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
  }

  // ------------------------------------------------------------------ join

  @Test
  void join_invalidArguments_rejectedBadArguments() {
    fx.chain.rejected(fx.call(P1, "join", JoinTask.newBuilder().setTaskId(TASK).build()), RejectionCode.BAD_ARGUMENTS);
    fx.chain.rejected(fx.call(P1, "join", JoinTask.newBuilder().setTaskId(TASK)
        .setDataset(FlFixture.ref(P1).toBuilder().setDatasetVersion(0)).build()), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void join_unknownTask_failsUnknownTask() {
    fx.fails(fx.call(P1, "join", FlFixture.join(P1)), "UNKNOWN_TASK");
  }

  @Test
  void join_policyDoesNotAdmit_failsNotEligible() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().setPolicy(JoinPolicy.newBuilder().addOrganisations(P1.id().value())).build()));
    fx.joined(P1);

    fx.fails(fx.call(P2, "join", FlFixture.join(P2)), "NOT_ELIGIBLE");
  }

  @Test
  void join_emptyPolicyAndAValidator_failsNotEligible() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    fx.fails(fx.call(VALIDATOR, "join", FlFixture.join(P1)), "NOT_ELIGIBLE");
  }

  @Test
  void join_memberOfListedOrganisation_admitted() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().setPolicy(JoinPolicy.newBuilder().addOrganisations(OWNER.id().value())).build()));

    fx.committed(fx.call(AGGREGATOR, "join", JoinTask.newBuilder().setTaskId(TASK).setDataset(FlFixture.ref(P1)).build()));

    assertThat(fx.task(TASK).getParticipants(0).getId()).isEqualTo(AGGREGATOR.id().value());
  }

  @Test
  void join_twice_failsAlreadyJoined() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
    fx.joined(P1);

    fx.fails(fx.call(P1, "join", FlFixture.join(P1)), "ALREADY_JOINED");
  }

  @Test
  void join_beyondMaxParticipants_failsTaskFull() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().setMaxParticipants(2).build()));
    fx.joined(P1, P2);

    fx.fails(fx.call(P3, "join", FlFixture.join(P3)), "TASK_FULL");
  }

  @Test
  void join_afterStart_failsWrongStatus() {
    fx.started(P1, P2);

    fx.fails(fx.call(P3, "join", FlFixture.join(P3)), "WRONG_STATUS");
  }

  @Test
  void join_unknownDatasetVersion_failsUnknownDataset() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    fx.fails(fx.call(P1, "join", JoinTask.newBuilder().setTaskId(TASK)
        .setDataset(FlFixture.ref(P1).toBuilder().setDatasetVersion(2)).build()), "UNKNOWN_DATASET");
  }

  @Test
  void join_erasedDataset_failsDatasetErased() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
    fx.committed(TestChain.datasets(P1, fx.chain.nextNonce(P1), "erase", ChangeDatasetStatus.newBuilder()
        .setDatasetId(FlFixture.dataset(P1)).setVersion(1).setReason("consent withdrawn").build()));

    fx.fails(fx.call(P1, "join", FlFixture.join(P1)), "DATASET_ERASED");
  }

  @Test
  void join_hashDiffersFromDataset_failsDatasetMismatch() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    fx.fails(fx.call(P1, "join", JoinTask.newBuilder().setTaskId(TASK)
        .setDataset(FlFixture.ref(P1).toBuilder().setCsvSha256(bytes(FlFixture.plaintext(P2)))).build()), "DATASET_MISMATCH");
  }

  // ------------------------------------------------------------------ start, cancel

  @Test
  void start_byOtherThanOwner_rejectedNotAuthorised() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
    fx.joined(P1, P2);

    fx.chain.rejected(fx.call(P1, "start", FlFixture.start()), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void start_belowMinParticipants_failsTooFewParticipants() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
    fx.joined(P1);

    fx.fails(fx.call(OWNER, "start", FlFixture.start()), "TOO_FEW_PARTICIPANTS");
  }

  @Test
  void start_twice_failsWrongStatus() {
    fx.started(P1, P2);

    fx.fails(fx.call(OWNER, "start", FlFixture.start()), "WRONG_STATUS");
  }

  @Test
  void start_unknownTask_failsUnknownTask() {
    fx.fails(fx.call(OWNER, "start", FlFixture.start()), "UNKNOWN_TASK");
  }

  @Test
  void cancel_byStranger_rejectedNotAuthorised() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    fx.chain.rejected(fx.call(STRANGER, "cancel", CancelTask.newBuilder().setTaskId(TASK).build()), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void cancel_cancelledTask_failsWrongStatus() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
    fx.committed(fx.call(OWNER, "cancel", CancelTask.newBuilder().setTaskId(TASK).build()));

    fx.fails(fx.call(OWNER, "cancel", CancelTask.newBuilder().setTaskId(TASK).build()), "WRONG_STATUS");
  }

  // ------------------------------------------------------------------ submit_update

  static Stream<Arguments> invalidUpdates() {
    return Stream.of(
        Arguments.of("no examples", (UnaryOperator<SubmitUpdate.Builder>) b -> b.setExamples(0)),
        Arguments.of("round 0", (UnaryOperator<SubmitUpdate.Builder>) b -> b.setRound(0)),
        Arguments.of("31-byte update hash", (UnaryOperator<SubmitUpdate.Builder>) b -> b.setUpdateSha256(b.getUpdateSha256().substring(1))),
        Arguments.of("metrics unsorted", (UnaryOperator<SubmitUpdate.Builder>) b ->
            b.addMetrics(LocalMetric.newBuilder().setName("loss").setValue(0.3)).addMetrics(LocalMetric.newBuilder().setName("accuracy").setValue(0.9))),
        Arguments.of("NaN metric", (UnaryOperator<SubmitUpdate.Builder>) b -> b.addMetrics(LocalMetric.newBuilder().setName("loss").setValue(Double.NaN))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUpdates")
  void submitUpdate_invalidArguments_rejectedBadArguments(String name, UnaryOperator<SubmitUpdate.Builder> mutation) {
    fx.started(P1, P2);

    fx.chain.rejected(fx.call(P1, "submit_update", mutation.apply(FlFixture.submit(P1, 1)).build()), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void submitUpdate_sortedFiniteMetrics_committed() {
    fx.started(P1, P2);

    fx.committed(fx.call(P1, "submit_update", FlFixture.submit(P1, 1)
        .addMetrics(LocalMetric.newBuilder().setName("accuracy").setValue(0.9)).addMetrics(LocalMetric.newBuilder().setName("loss").setValue(0.3)).build()));

    assertThat(fx.round(1).getUpdates(0).getMetricsCount()).isEqualTo(2);
  }

  @Test
  void submitUpdate_unknownTask_failsUnknownTask() {
    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 1).build()), "UNKNOWN_TASK");
  }

  @Test
  void submitUpdate_beforeStart_failsWrongStatus() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));
    fx.joined(P1, P2);

    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 1).build()), "WRONG_STATUS");
  }

  @Test
  void submitUpdate_byNonParticipant_failsNotParticipant() {
    fx.started(P1, P2);

    fx.fails(fx.call(P3, "submit_update", FlFixture.submit(P3, 1).build()), "NOT_PARTICIPANT");
  }

  @Test
  void submitUpdate_laterRound_failsWrongRound() {
    fx.started(P1, P2);

    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 2).build()), "WRONG_ROUND");
  }

  @Test
  void submitUpdate_afterDeadline_failsRoundClosed() {
    fx.started(P1, P2);
    fx.advanceTo(fx.round(1).getDeadlineHeight());
    // At the deadline height itself an update is still taken; the block after, it is not.
    assertThat(fx.height() + 1).isGreaterThan(fx.round(1).getDeadlineHeight());

    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 1).build()), "ROUND_CLOSED");
  }

  @Test
  void submitUpdate_atDeadline_committed() {
    fx.started(P1, P2);
    fx.advanceTo(fx.round(1).getDeadlineHeight() - 1);

    fx.committed(fx.call(P1, "submit_update", FlFixture.submit(P1, 1).build()));

    assertThat(fx.height()).isEqualTo(fx.round(1).getDeadlineHeight());
  }

  @Test
  void submitUpdate_roundAlreadyAggregated_failsRoundClosed() {
    fx.started(P1, P2, P3);
    fx.submitted(1, P1, P2);
    fx.advanceTo(fx.round(1).getDeadlineHeight() + 1);
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, result(1, global(1, 1), Outcome.accepted(P1, 1, 1), Outcome.accepted(P2, 1, 1)).build())));

    TxResult r = fx.fails(fx.call(P3, "submit_update", FlFixture.submit(P3, 1).build()), "ROUND_CLOSED");

    assertThat(r.getMessage()).contains("AGGREGATED");
  }

  @Test
  void submitUpdate_secondInRound_failsDuplicateUpdate() {
    fx.started(P1, P2);
    fx.submitted(1, P1);

    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 1).setUpdateSha256(update(P1, 7)).build()), "DUPLICATE_UPDATE");
  }

  @Test
  void submitUpdate_anotherParticipantsHash_failsReplayedUpdate() {
    fx.started(P1, P2);
    fx.submitted(1, P1);

    fx.fails(fx.call(P2, "submit_update", FlFixture.submit(P2, 1).setUpdateSha256(update(P1, 1)).build()), "REPLAYED_UPDATE");
  }

  @Test
  void submitUpdate_hashOfEarlierRound_failsReplayedUpdate() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    fx.aggregatedAndVerified(1, result(1, global(1, 1), Outcome.accepted(P1, 1, 1), Outcome.accepted(P2, 1, 1)).build());

    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 2).setUpdateSha256(update(P1, 1)).build()), "REPLAYED_UPDATE");
  }

  @Test
  void submitUpdate_otherParameterCount_failsWrongShape() {
    fx.started(P1, P2);

    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 1).setParameterCount(FlFixture.RECIPE.parameterCount() + 1).build()), "WRONG_SHAPE");
  }

  @Test
  void submitUpdate_moreExamplesThanRows_failsTooManyExamples() {
    fx.started(P1, P2);

    fx.fails(fx.call(P1, "submit_update", FlFixture.submit(P1, 1).setExamples(FlFixture.DATASET_ROWS + 1).build()), "TOO_MANY_EXAMPLES");
  }

  // ------------------------------------------------------------------ aggregate

  private RoundResult.Builder both(int round) {
    return result(round, global(round, 1), Outcome.accepted(P1, round, 10), Outcome.accepted(P2, round, 20));
  }

  static Stream<Arguments> invalidResults() {
    return Stream.of(
        Arguments.of("round of the result differs", (UnaryOperator<RoundResult.Builder>) b -> b.setRound(2)),
        Arguments.of("31-byte global hash", (UnaryOperator<RoundResult.Builder>) b -> b.setGlobalModelSha256(b.getGlobalModelSha256().substring(1))),
        Arguments.of("accepted unsorted", (UnaryOperator<RoundResult.Builder>) b -> {
          AcceptedUpdate first = b.getAccepted(0);
          Contribution c = b.getContributions(0);
          return b.setAccepted(0, b.getAccepted(1)).setAccepted(1, first).setContributions(0, b.getContributions(1)).setContributions(1, c);
        }),
        Arguments.of("weight above 1", (UnaryOperator<RoundResult.Builder>) b -> b.setAccepted(0, b.getAccepted(0).toBuilder().setWeight(1.5))),
        Arguments.of("unknown rejection reason", (UnaryOperator<RoundResult.Builder>) b -> {
          AcceptedUpdate a = b.getAccepted(1);
          return b.removeAccepted(1).removeContributions(1).addRejected(RejectedUpdate.newBuilder().setParticipant(a.getParticipant())
              .setUpdateSha256(a.getUpdateSha256()).setReason("UGLY"));
        }),
        Arguments.of("a participant both accepted and rejected", (UnaryOperator<RoundResult.Builder>) b ->
            b.addRejected(RejectedUpdate.newBuilder().setParticipant(b.getAccepted(0).getParticipant())
                .setUpdateSha256(b.getAccepted(0).getUpdateSha256()).setReason("NO_CHANGE"))),
        Arguments.of("contribution missing", (UnaryOperator<RoundResult.Builder>) b -> b.removeContributions(1)),
        Arguments.of("NaN weight", (UnaryOperator<RoundResult.Builder>) b -> b.setAccepted(0, b.getAccepted(0).toBuilder().setWeight(Double.NaN))),
        Arguments.of("no update at all", (UnaryOperator<RoundResult.Builder>) b -> b.clearAccepted().clearContributions()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidResults")
  void aggregate_invalidResult_rejectedBadArguments(String name, UnaryOperator<RoundResult.Builder> mutation) {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);

    fx.chain.rejected(fx.call(AGGREGATOR, "aggregate", aggregate(1, mutation.apply(both(1)).build())), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void aggregate_resultNotARoundResult_rejectedBadArguments() {
    fx.started(P1, P2);

    fx.chain.rejected(fx.call(AGGREGATOR, "aggregate", Aggregate.newBuilder().setTaskId(TASK).setRound(1)
        .setResult(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x01})).build()), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void aggregate_resultWithUnknownField_rejectedNonCanonical() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    // Field 15, varint 1: not a RoundResult field.
    ByteString extended = both(1).build().toByteString().concat(ByteString.copyFrom(new byte[] {(byte) 0x78, 0x01}));

    fx.chain.rejected(fx.call(AGGREGATOR, "aggregate", Aggregate.newBuilder().setTaskId(TASK).setRound(1).setResult(extended).build()),
        RejectionCode.NON_CANONICAL);
  }

  @Test
  void aggregate_byOtherThanAggregator_rejectedNotAuthorised() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);

    fx.chain.rejected(fx.call(OWNER, "aggregate", aggregate(1, both(1).build())), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void aggregate_joiningTask_failsWrongStatus() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().build()));

    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, both(1).build())), "WRONG_STATUS");
  }

  @Test
  void aggregate_otherRound_failsWrongRound() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);

    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(2, both(2).build())), "WRONG_ROUND");
  }

  @Test
  void aggregate_roundStillOpen_failsRoundOpen() {
    fx.started(P1, P2, P3);
    fx.submitted(1, P1, P2);

    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, both(1).build())), "ROUND_OPEN");
  }

  @Test
  void aggregate_fewerUpdatesThanMinimum_failsTooFewUpdates() {
    fx.started(P1, P2);
    fx.submitted(1, P1);
    fx.advanceTo(fx.round(1).getDeadlineHeight() + 1);

    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, result(1, global(1, 1), Outcome.accepted(P1, 1, 1)).build())), "TOO_FEW_UPDATES");
  }

  static Stream<Arguments> mismatchedResults() {
    return Stream.of(
        Arguments.of("an update left out", (UnaryOperator<RoundResult.Builder>) b -> b.removeAccepted(1).removeContributions(1)),
        Arguments.of("another hash for an update", (UnaryOperator<RoundResult.Builder>) b ->
            b.setAccepted(0, b.getAccepted(0).toBuilder().setUpdateSha256(global(7, 7)))),
        Arguments.of("an update nobody submitted", (UnaryOperator<RoundResult.Builder>) b -> b.addRejected(RejectedUpdate.newBuilder()
            .setParticipant(STRANGER.id().value()).setUpdateSha256(update(STRANGER, 1)).setReason("NO_CHANGE"))),
        Arguments.of("all rejected but a new global model", (UnaryOperator<RoundResult.Builder>) b ->
            result(1, global(1, 1), Outcome.rejected(P1, 1, "NO_CHANGE"), Outcome.rejected(P2, 1, "NON_FINITE"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mismatchedResults")
  void aggregate_resultNotTheRoundsUpdates_failsInputsMismatch(String name, UnaryOperator<RoundResult.Builder> mutation) {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);

    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, mutation.apply(both(1)).build())), "INPUTS_MISMATCH");
  }

  @Test
  void aggregate_twice_failsAlreadyAggregated() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, both(1).build())));

    fx.fails(fx.call(AGGREGATOR, "aggregate", aggregate(1, both(1).build())), "ALREADY_AGGREGATED");
    assertThat(fx.round(1).getAttempt()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ attest_round

  @Test
  void attestRound_invalidArguments_rejectedBadArguments() {
    fx.started(P1, P2);
    AttestRound valid = attest(1, 1, both(1).build());

    fx.chain.rejected(fx.call(VALIDATOR, "attest_round", valid.toBuilder().setFailure("and a failure").build()), RejectionCode.BAD_ARGUMENTS);
    fx.chain.rejected(fx.call(VALIDATOR, "attest_round", valid.toBuilder().clearResultSha256().build()), RejectionCode.BAD_ARGUMENTS);
    fx.chain.rejected(fx.call(VALIDATOR, "attest_round", valid.toBuilder().setAttempt(0).build()), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void attestRound_byNonValidator_rejectedNotAuthorised() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, both(1).build())));

    fx.chain.rejected(fx.call(P1, "attest_round", attest(1, 1, both(1).build())), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void attestRound_byTheTasksAggregator_rejectedNotAuthorised() {
    fx.committed(fx.call(OWNER, "create_task", fx.task().setAggregator(VALIDATOR.id().value()).build()));
    fx.joined(P1, P2);
    fx.committed(fx.call(OWNER, "start", FlFixture.start()));
    fx.submitted(1, P1, P2);
    fx.committed(fx.call(VALIDATOR, "aggregate", aggregate(1, both(1).build())));

    Rejection r = fx.chain.rejected(fx.call(VALIDATOR, "attest_round", attest(1, 1, both(1).build())), RejectionCode.NOT_AUTHORISED);

    assertThat(r.message()).contains("may not attest its own aggregations");
  }

  @Test
  void attestRound_unknownTask_failsUnknownTask() {
    fx.fails(fx.call(VALIDATOR, "attest_round", attest(1, 1, both(1).build())), "UNKNOWN_TASK");
  }

  @Test
  void attestRound_otherRound_failsWrongRound() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, both(1).build())));

    fx.fails(fx.call(VALIDATOR, "attest_round", attest(2, 1, both(1).build())), "WRONG_ROUND");
  }

  @Test
  void attestRound_openRound_failsNotAggregated() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);

    fx.fails(fx.call(VALIDATOR, "attest_round", attest(1, 1, both(1).build())), "NOT_AGGREGATED");
  }

  @Test
  void attestRound_otherAttempt_failsNotAggregated() {
    fx.started(P1, P2);
    fx.submitted(1, P1, P2);
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, both(1).build())));

    fx.fails(fx.call(VALIDATOR, "attest_round", attest(1, 2, both(1).build())), "NOT_AGGREGATED");
    assertThat(fx.round(1).getStatus()).isEqualTo(RoundStatus.AGGREGATED);
  }

  @Test
  void attestRound_payoutWouldOverflowABalance_failsBalanceOverflowRoundStaysAggregated() throws InvalidProtocolBufferException {
    // The genesis validator holds all but 5 of the largest balance and joins (the policy names it) with P1's data.
    reopen(FlFixture.genesis(Map.of(VALIDATOR, Long.MAX_VALUE - 5), Models.DEFAULT_MAX_RECIPE_COST));
    String[] ids = Stream.of(VALIDATOR, P2).map(k -> k.id().value()).sorted().toArray(String[]::new);
    fx.committed(fx.call(OWNER, "create_task", fx.task().setRounds(1)
        .setPolicy(JoinPolicy.newBuilder().addIdentities(ids[0]).addIdentities(ids[1])).build()));
    fx.committed(fx.call(VALIDATOR, "join", JoinTask.newBuilder().setTaskId(TASK).setDataset(FlFixture.ref(P1)).build()));
    fx.joined(P2);
    fx.committed(fx.call(OWNER, "start", FlFixture.start()));
    fx.submitted(1, VALIDATOR, P2);
    RoundResult r = result(1, global(1, 1), Outcome.accepted(VALIDATOR, 1, 10), Outcome.accepted(P2, 1, 20)).build();
    fx.committed(fx.call(AGGREGATOR, "aggregate", aggregate(1, r)));

    fx.fails(fx.call(VALIDATOR, "attest_round", attest(1, 1, r)), "BALANCE_OVERFLOW");

    assertThat(fx.round(1).getStatus()).isEqualTo(RoundStatus.AGGREGATED);
    assertThat(fx.balance(VALIDATOR)).isEqualTo(Long.MAX_VALUE - 5);
    assertThat(fx.escrowed()).isEqualTo(1_000);
  }
}
