package org.veriflow.client.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.FederatedSeeds;
import org.veriflow.ml.federated.LocalTraining;
import org.veriflow.ml.federated.LocalUpdate;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.fl.TaskStatus;

/** The participant's loop against an in-memory chain whose blocks the test's script advances. */
class ParticipantTest {
  @TempDir Path tmp;

  private final FederatedRecipe recipe = FakeChain.recipe();
  private final byte[] data = FakeChain.csv(3, 200);
  private FakeChain chain;
  private Path csv;
  private final List<RoundProgress> progress = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    chain = new FakeChain(recipe, data);
    csv = tmp.resolve("local.csv");
    Files.write(csv, data);
  }

  private Participant participant() {
    return new Participant(chain, FakeChain.TASK, csv, tmp.resolve("work")).listener(progress::add);
  }

  private List<String> phases() {
    return progress.stream().map(p -> p.round() + ":" + p.phase()).toList();
  }

  @Test
  void run_twoRounds_trainsEachFromTheChainsGlobalModelSubmitsOnceAndStopsWhenCompleted() throws Exception {
    String initial = recipe.initialModel().hash().hex();
    chain.open(1, initial, 5);
    chain.onBlock = h -> {
      if (chain.task.currentRound() == 1 && !chain.rounds.get(1).updates().isEmpty()) {
        // The aggregate of one update is that update: round 2 starts from the participant's own model.
        String global = chain.rounds.get(1).updates().get(0).updateSha256();
        chain.verify(1, global, 0.91);
        chain.open(2, global, 5);
        chain.task = chain.withStatus(TaskStatus.RUNNING, 2);
      } else if (chain.task.currentRound() == 2 && !chain.rounds.get(2).updates().isEmpty()) {
        chain.verify(2, chain.rounds.get(2).updates().get(0).updateSha256(), 0.95);
        chain.task = chain.withStatus(TaskStatus.COMPLETED, 3);
      }
    };

    Task end = participant().run();

    assertThat(end.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(chain.submissions).hasSize(2);
    LocalUpdate first = LocalTraining.train(recipe, recipe.initialModel(), data, FederatedSeeds.local(recipe, FakeChain.TASK, 1, FakeChain.ME),
        Parallelism.sequential(), TrainingListener.none());
    assertThat(chain.submissions.get(0).updateSha256()).isEqualTo(first.hash().hex());
    assertThat(chain.submissions.get(0).examples()).isEqualTo(200);
    assertThat(chain.submissions.get(0).parameterCount()).isEqualTo(recipe.parameterCount());
    assertThat(chain.submissions.get(0).metrics()).containsOnlyKeys("train.accuracy", "train.loss");
    // Round 2 trains the downloaded global model with round 2's seed.
    LocalUpdate second = LocalTraining.train(recipe, ModelFile.read(first.modelFile()), data,
        FederatedSeeds.local(recipe, FakeChain.TASK, 2, FakeChain.ME), Parallelism.sequential(), TrainingListener.none());
    assertThat(chain.submissions.get(1).updateSha256()).isEqualTo(second.hash().hex());
    assertThat(chain.blobs).containsKeys(first.hash().hex(), second.hash().hex());
    assertThat(phases()).containsExactly("1:TRAINING", "1:UPLOADING", "1:SUBMITTED", "1:AGGREGATED", "1:VERIFIED",
        "2:TRAINING", "2:UPLOADING", "2:SUBMITTED", "2:AGGREGATED", "2:VERIFIED");
    assertThat(progress.get(4).validationAccuracy()).hasValue(0.91);
    assertThat(progress.get(9).validationAccuracy()).hasValue(0.95);
    assertThat(progress.get(4).detail()).startsWith("accepted");
  }

  /** A global model for round 2: the update the participant would have trained in round 1. */
  private LocalUpdate roundOneModel() {
    return LocalTraining.train(recipe, recipe.initialModel(), data, FederatedSeeds.local(recipe, FakeChain.TASK, 1, FakeChain.ME),
        Parallelism.sequential(), TrainingListener.none());
  }

  @Test
  void run_globalModelNotOnTheNodeYetThenNodeUnreachable_waitsBlockByBlockReportingIt_thenTrainsFromIt() throws Exception {
    LocalUpdate global = roundOneModel();
    chain.task = chain.withStatus(TaskStatus.RUNNING, 2);
    chain.open(2, global.hash().hex(), 10);
    List<Long> trainedAt = new ArrayList<>();
    chain.onBlock = h -> {
      if (h == 11) {
        // The next download does not reach the node.
        chain.unreachable = 1;
      } else if (h == 12) {
        // The model reached the participant's node from the aggregator's.
        chain.blobs.put(global.hash().hex(), global.modelFile());
      } else if (!chain.rounds.get(2).updates().isEmpty()) {
        chain.task = chain.withStatus(TaskStatus.COMPLETED, 3);
      }
    };

    Task end = participant().trainer((r, g, c, s) -> {
      trainedAt.add(chain.height);
      assertThat(ModelFile.hash(g).hex()).isEqualTo(global.hash().hex());
      return LocalTraining.train(r, g, c, s, Parallelism.sequential(), TrainingListener.none());
    }).run();

    assertThat(end.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(trainedAt).containsExactly(12L);
    assertThat(chain.submissions).hasSize(1);
    assertThat(phases()).containsExactly("2:WAITING", "2:TRAINING", "2:UPLOADING", "2:SUBMITTED");
    assertThat(progress.get(0).detail()).contains(global.hash().hex()).contains("UNKNOWN_BLOB").contains("next block");
  }

  @Test
  void run_globalModelNeverReachesTheNode_roundMissedAtItsDeadline_runEndsNormally() throws Exception {
    chain.task = chain.withStatus(TaskStatus.RUNNING, 2);
    chain.open(2, "99".repeat(32), 3);
    chain.onBlock = h -> {
      if (h == 15) {
        chain.task = chain.withStatus(TaskStatus.CANCELLED, 2);
      }
    };

    Task end = participant().run();

    assertThat(end.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(chain.submissions).isEmpty();
    assertThat(phases()).containsExactly("2:WAITING", "2:MISSED");
  }

  @Test
  void run_globalModelBytesNotItsHash_failsAtOnceWithBaseModelMismatch() throws Exception {
    LocalUpdate global = roundOneModel();
    chain.task = chain.withStatus(TaskStatus.RUNNING, 2);
    chain.open(2, global.hash().hex(), 10);
    chain.blobs.put(global.hash().hex(), ModelFile.write(recipe.initialModel()));

    assertThatThrownBy(() -> participant().run()).isInstanceOfSatisfying(ClientException.class, e -> {
      assertThat(e.code()).isEqualTo(FederatedFailure.BASE_MODEL_MISMATCH.name());
      assertThat(e.getMessage()).contains(global.hash().hex());
    });
    assertThat(chain.height).isEqualTo(10);
    assertThat(chain.submissions).isEmpty();
    assertThat(phases()).isEmpty();
  }

  @Test
  void run_updateAlreadyOnChain_neverTrainsOrSubmitsAgain() throws Exception {
    chain.open(1, recipe.initialModel().hash().hex(), 5);
    chain.alreadySubmitted(1, "55".repeat(32));
    chain.onBlock = h -> {
      chain.verify(1, "66".repeat(32), 0.8);
      chain.task = chain.withStatus(TaskStatus.COMPLETED, 3);
    };

    Task end = participant().trainer((r, g, c, s) -> {
      throw new AssertionError("a restarted participant trained a round it had submitted");
    }).run();

    assertThat(end.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(chain.submissions).isEmpty();
    assertThat(phases()).containsExactly("1:SUBMITTED", "1:AGGREGATED", "1:VERIFIED");
    assertThat(progress.get(0).localMetrics()).containsEntry("train.loss", 0.5);
  }

  @Test
  void run_localCsvHashDiffers_refusedBeforeAnyTraining() throws Exception {
    chain.open(1, recipe.initialModel().hash().hex(), 5);
    Files.write(csv, FakeChain.csv(4, 200));

    assertThatThrownBy(() -> participant().trainer((r, g, c, s) -> {
      throw new AssertionError("trained on data that is not the joined dataset");
    }).run()).isInstanceOfSatisfying(ClientException.class, e -> {
      assertThat(e.code()).isEqualTo(FederatedFailure.DATA_MISMATCH.name());
      assertThat(e.getMessage()).contains(Hash.sha256(data).hex()).contains("snapshot s-mine");
    });
    assertThat(chain.submissions).isEmpty();
    assertThat(progress).isEmpty();
  }

  @Test
  void run_notAParticipant_refusedWithNotJoined() {
    Participant p = new Participant(new FakeChain(recipe, data) {
      @Override
      public String participantId() {
        return "someone-else";
      }
    }, FakeChain.TASK, csv, tmp.resolve("work"));

    assertThatThrownBy(p::run).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo(FederatedFailure.NOT_JOINED.name()));
  }

  @Test
  void run_unknownTask_refusedWithTheNodesCode() {
    Participant p = new Participant(chain, "nope", csv, tmp.resolve("work"));

    assertThatThrownBy(p::run).isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_TASK"));
  }

  @Test
  void run_initialModelNotTheTasks_refusedWithBaseModelMismatch() {
    chain.open(1, "77".repeat(32), 5);

    assertThatThrownBy(() -> participant().run()).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo(FederatedFailure.BASE_MODEL_MISMATCH.name()));
    assertThat(chain.submissions).isEmpty();
  }

  @Test
  void run_recipeNotTheTasksHash_refusedWithBadRecipe() {
    Task t = chain.task;
    chain.task = new Task(t.taskId(), t.owner(), t.status(), "88".repeat(32), t.recipe(), t.rounds(), t.roundBlocks(), t.roundMillis(), t.minParticipants(),
        t.maxParticipants(), t.rule(), 0, 0, 0, t.validation(), t.root(), t.rewardPool(), t.joinIdentities(), t.joinOrganisations(),
        t.joinRoles(), t.aggregator(), t.modelId(), t.parameterCount(), t.initialModelSha256(), t.participants(), t.currentRound(),
        t.createdHeight(), t.startedHeight(), t.finishedHeight(), t.cancelReason(), t.refunded());
    chain.open(1, recipe.initialModel().hash().hex(), 5);

    assertThatThrownBy(() -> participant().run()).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo(FederatedFailure.BAD_RECIPE.name()));
  }

  @Test
  void run_roundPastItsDeadline_missedAndNotSubmitted() throws Exception {
    chain.open(1, recipe.initialModel().hash().hex(), 0);
    chain.onBlock = h -> chain.task = chain.withStatus(TaskStatus.CANCELLED, 1);

    Task end = participant().run();

    assertThat(end.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(chain.submissions).isEmpty();
    assertThat(phases()).containsExactly("1:MISSED");
  }

  @Test
  void run_latestBlockPastTheRoundsDeadlineTime_missedWithoutTrainingOrSubmitting() throws Exception {
    // The deadline height is far off, but the head block's time is 1 ms past the deadline time.
    chain.open(1, recipe.initialModel().hash().hex(), 100, 2_000);
    chain.timestamp += 2_001;
    chain.onBlock = h -> chain.task = chain.withStatus(TaskStatus.CANCELLED, 1);

    Task end = participant().trainer((r, g, c, s) -> {
      throw new AssertionError("trained in a round whose deadline time has passed");
    }).run();

    assertThat(end.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(chain.submissions).isEmpty();
    assertThat(phases()).containsExactly("1:MISSED");
    assertThat(progress.get(0).detail()).contains("block 10").contains("past its deadline time " + chain.rounds.get(1).deadlineMillis());
  }

  @Test
  void run_latestBlockAtTheRoundsDeadlineTime_stillTrainsAndSubmits() throws Exception {
    chain.open(1, recipe.initialModel().hash().hex(), 100, 2_000);
    chain.timestamp += 2_000;
    chain.onBlock = h -> chain.task = chain.withStatus(TaskStatus.COMPLETED, 3);

    Task end = participant().run();

    assertThat(end.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(chain.submissions).hasSize(1);
    assertThat(phases()).containsExactly("1:TRAINING", "1:UPLOADING", "1:SUBMITTED");
  }

  @Test
  void run_globalModelWaitedForUntilTheDeadlineTimePasses_missedAtTheFirstBlockPastIt() throws Exception {
    // Blocks a second apart: the block at height 13 is the first past a deadline time 2.5 s after height 10.
    chain.task = chain.withStatus(TaskStatus.RUNNING, 2);
    chain.open(2, "99".repeat(32), 100, 2_500);
    chain.onBlock = h -> {
      if (h == 15) {
        chain.task = chain.withStatus(TaskStatus.CANCELLED, 2);
      }
    };

    Task end = participant().run();

    assertThat(end.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(chain.submissions).isEmpty();
    assertThat(phases()).containsExactly("2:WAITING", "2:MISSED");
    assertThat(progress.get(1).detail()).contains("block 13").contains("deadline time");
  }

  @Test
  void run_roundClosedWhileTrainingOrUpdateReplayed_missedAndTheLoopGoesOn() throws Exception {
    for (String code : List.of("ROUND_CLOSED", "WRONG_ROUND", "REPLAYED_UPDATE")) {
      chain = new FakeChain(recipe, data);
      progress.clear();
      chain.open(1, recipe.initialModel().hash().hex(), 5);
      chain.failSubmissionWith = code;
      chain.onBlock = h -> chain.task = chain.withStatus(TaskStatus.COMPLETED, 3);

      Task end = participant().run();

      assertThat(end.status()).as(code).isEqualTo(TaskStatus.COMPLETED);
      assertThat(phases()).as(code).containsExactly("1:TRAINING", "1:UPLOADING", "1:MISSED");
      assertThat(progress.get(2).detail()).contains(code);
    }
  }

  @Test
  void run_updatePendingPastTheNodesWait_waitsForItsRecordWithoutTrainingAgain() throws Exception {
    chain.open(1, recipe.initialModel().hash().hex(), 5);
    chain.pendOnce = true;
    chain.onBlock = h -> {
      if (!chain.rounds.get(1).updates().isEmpty() && h >= 13) {
        chain.verify(1, chain.rounds.get(1).updates().get(0).updateSha256(), 0.7);
        chain.task = chain.withStatus(TaskStatus.COMPLETED, 3);
      }
    };

    Task end = participant().run();

    assertThat(end.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(chain.submissions).hasSize(1);
    assertThat(phases()).containsExactly("1:TRAINING", "1:UPLOADING", "1:SUBMITTED", "1:AGGREGATED", "1:VERIFIED");
  }

  @Test
  void run_updateFailsForAnotherReason_throwsTheContractsCode() {
    chain.open(1, recipe.initialModel().hash().hex(), 5);
    chain.failSubmissionWith = "WRONG_SHAPE";

    assertThatThrownBy(() -> participant().run()).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo("WRONG_SHAPE"));
  }

  @Test
  void run_freeRider_submitsTheRoundsGlobalModelUnchanged() throws Exception {
    String initial = recipe.initialModel().hash().hex();
    chain.open(1, initial, 5);
    chain.onBlock = h -> chain.task = chain.withStatus(TaskStatus.COMPLETED, 3);

    participant().transform(UpdateTransform.freeRider()).run();

    assertThat(chain.submissions).singleElement().satisfies(u -> assertThat(u.updateSha256()).isEqualTo(initial));
  }

  @Test
  void close_whileWaitingForTheStart_returnsTheTaskAsItStands() throws Exception {
    chain.task = chain.withStatus(TaskStatus.JOINING, 0);
    Participant p = participant();
    chain.onBlock = h -> {
      if (h == 13) {
        p.close();
      }
    };

    Task end = p.run();

    assertThat(end.status()).isEqualTo(TaskStatus.JOINING);
    assertThat(chain.height).isEqualTo(13);
    assertThat(phases()).containsExactly("0:WAITING");
  }
}
