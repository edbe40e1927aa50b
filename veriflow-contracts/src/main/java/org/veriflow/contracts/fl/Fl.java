package org.veriflow.contracts.fl;

import static org.veriflow.protocol.fl.FlFailure.ALREADY_AGGREGATED;
import static org.veriflow.protocol.fl.FlFailure.ALREADY_ATTESTED;
import static org.veriflow.protocol.fl.FlFailure.ALREADY_JOINED;
import static org.veriflow.protocol.fl.FlFailure.BAD_ARGUMENTS;
import static org.veriflow.protocol.fl.FlFailure.DATASET_ERASED;
import static org.veriflow.protocol.fl.FlFailure.DATASET_MISMATCH;
import static org.veriflow.protocol.fl.FlFailure.DUPLICATE_UPDATE;
import static org.veriflow.protocol.fl.FlFailure.INPUTS_MISMATCH;
import static org.veriflow.protocol.fl.FlFailure.NOT_AGGREGATED;
import static org.veriflow.protocol.fl.FlFailure.NOT_AUTHORISED;
import static org.veriflow.protocol.fl.FlFailure.NOT_ELIGIBLE;
import static org.veriflow.protocol.fl.FlFailure.NOT_PARTICIPANT;
import static org.veriflow.protocol.fl.FlFailure.RECIPE_TOO_COSTLY;
import static org.veriflow.protocol.fl.FlFailure.REPLAYED_UPDATE;
import static org.veriflow.protocol.fl.FlFailure.ROUND_CLOSED;
import static org.veriflow.protocol.fl.FlFailure.ROUND_OPEN;
import static org.veriflow.protocol.fl.FlFailure.TASK_EXISTS;
import static org.veriflow.protocol.fl.FlFailure.TASK_FULL;
import static org.veriflow.protocol.fl.FlFailure.TOO_FEW_PARTICIPANTS;
import static org.veriflow.protocol.fl.FlFailure.TOO_FEW_UPDATES;
import static org.veriflow.protocol.fl.FlFailure.TOO_MANY_EXAMPLES;
import static org.veriflow.protocol.fl.FlFailure.UNKNOWN_DATASET;
import static org.veriflow.protocol.fl.FlFailure.UNKNOWN_TASK;
import static org.veriflow.protocol.fl.FlFailure.WRONG_ROUND;
import static org.veriflow.protocol.fl.FlFailure.WRONG_SHAPE;
import static org.veriflow.protocol.fl.FlFailure.WRONG_STATUS;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.contracts.SystemContract;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.DatasetRefs;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.protocol.fl.FlFailure;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
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
import org.veriflow.protocol.proto.fl.Participant;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundAttestation;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.StartTask;
import org.veriflow.protocol.proto.fl.SubmitUpdate;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.TaskStatus;
import org.veriflow.protocol.proto.fl.UpdateRecord;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.StageChange;

/**
 * The fl contract: federated learning across organisations (issue 16). A task names a federated
 * recipe, the rounds to run, the aggregation rule, a validation dataset, a reward pool escrowed in
 * credits, who may join and who aggregates. Participants train locally off chain and submit their
 * updates' hashes; the aggregator reports each closed round's result; validators recompute the
 * round from the same blobs and attest; a round verified by the chain's required attestations opens
 * the next, and the last one completes the task: contributions tallied, the pool paid out, the
 * final model registered in the models contract. The contract only checks and tallies.
 *
 * <ul>
 *   <li>{@code create_task} (any active identity, the owner): the recipe must hash to its hash,
 *       parse ({@link FederatedRecipe}) and be in its canonical form (so the task's recipe hash is
 *       {@link FederatedRecipe#hash()}) and its model have at most {@link #MAX_PARAMETERS}; bounds as {@code fl.proto} states them; the rule's
 *       parameters: TRIMMED_MEAN a trim of 1 to 499,999 millionths, KRUM and MULTI_KRUM {@code
 *       max_participants ≥ 2 × krum_f + 3} (a task that can never have the 2f + 3 updates Krum's
 *       guarantee needs is refused; a round aggregated with fewer valid updates, a participant having
 *       crashed or been refused, runs Krum with the largest f it tolerates, as the engine documents,
 *       so that one missing participant does not stall the task), MULTI_KRUM {@code 1 ≤ multi_krum_m ≤ max_participants}, FLTRUST a root
 *       dataset; a parameter the rule does not use must be 0 (the root dataset absent). Policy lists
 *       sorted and distinct. Then, against the chain: the task id and the model id are free ({@code
 *       TASK_EXISTS}), the aggregator is an active identity ({@code BAD_ARGUMENTS}), the validation
 *       and root datasets match their on-chain hashes ({@link DatasetRefs}: {@code UNKNOWN_DATASET},
 *       {@code DATASET_ERASED}, {@code DATASET_MISMATCH}), the recipe's local training on the
 *       validation rows (and, for FLTRUST, on the root rows: the aggregator and every validator
 *       train on them each round) costs at most {@link Models#maxRecipeCost} ({@code
 *       RECIPE_TOO_COSTLY}), and the pool moves into escrow {@code fl/<task id>} ({@code
 *       INSUFFICIENT_FUNDS}). Status JOINING.
 *   <li>{@code join}: while JOINING ({@code WRONG_STATUS}), an identity the policy admits ({@code
 *       NOT_ELIGIBLE}; see {@link #admits}), once ({@code ALREADY_JOINED}), up to {@code
 *       max_participants} ({@code TASK_FULL}), with a dataset that matches the chain; its rows
 *       bound the examples of its updates. The owner and the aggregator may join too.
 *   <li>{@code start}: the owner, while JOINING, with at least {@code min_participants} joined
 *       ({@code TOO_FEW_PARTICIPANTS}): status RUNNING, round 1 opens on the initial model for
 *       {@code round_blocks} blocks and, if {@code round_millis} is set, that many milliseconds of
 *       block time (whichever ends first; on an idle chain no block comes to pass the height).
 *   <li>{@code cancel}: the owner or an administrator, before the task completes: the pool returns
 *       to the owner.
 *   <li>{@code submit_update}: a participant, in the open round before its deadline, once per
 *       round, with an update hash never submitted in the task, of the task's parameter count, on
 *       1 to its dataset's rows.
 *   <li>{@code aggregate}: the task's aggregator, for the current round once it closed (every
 *       participant submitted, or its deadline height or time passed; {@code ROUND_OPEN}) with at least {@code
 *       min_participants} updates ({@code TOO_FEW_UPDATES}: the round cannot go on, the owner may
 *       cancel), or again after a rejected aggregation. The result (a canonical {@link
 *       RoundResult}) accounts for exactly the round's updates, each accepted or rejected ({@code
 *       INPUTS_MISMATCH}); when all are rejected the global model stays the round's base model.
 *       Status AGGREGATED, attempt + 1.
 *   <li>{@code attest_round}: an active validator other than the aggregator, once per aggregation
 *       attempt, with the SHA-256 of its own encoding of the recomputed result or a failure. A
 *       mismatch or a failure rejects the aggregation (AGGREGATE_REJECTED, with the evidence); as
 *       many matches as {@link Models#requiredAttestations} verify the round: contributions tallied,
 *       then the next round opens on its global model, or, after the last, the task completes.
 * </ul>
 *
 * <p>Rewards (at completion): each participant's contribution is the sum of its leave-one-out
 * contributions in the verified rounds where its update was accepted (rejected and missing rounds
 * count nothing). {@code reward_i = floor(pool × max(0, c_i) / Σ_j max(0, c_j))}; the remainder,
 * or the whole pool if no contribution is positive, returns to the owner ({@code refunded}).
 *
 * <p>The final model registers in the models namespace under the task's model id, stage VERIFIED,
 * naming the task ({@link FederatedModel} for its recipe and loss curve). {@code create_task}
 * refuses a model id already registered; if one is registered under that id while the task runs,
 * the task still completes and pays, registers nothing, and emits {@code model_id_taken}.
 *
 * <p>Events (payload: the task id, or {@code <task id>/<round>}): {@code task_created}, {@code
 * joined}, {@code started}, {@code task_cancelled}, {@code update_submitted}, {@code
 * round_aggregated}, {@code round_attested} (a match short of the required attestations), {@code
 * round_verified}, {@code round_rejected}, {@code task_completed}, {@code model_registered}, {@code
 * model_id_taken}.
 *
 * <p>State: see {@link FlState}. Stateless and thread-safe.
 */
public final class Fl extends SystemContract {
  public static final String NAME = "fl";
  /** The most rounds a task runs. */
  public static final int MAX_ROUNDS = 100;
  /** The most blocks a round stays open. */
  public static final long MAX_ROUND_BLOCKS = 100_000;
  /** The shortest time limit of a round, in milliseconds of block time (0 means none). */
  public static final long MIN_ROUND_MILLIS = 1_000;
  /** The longest time limit of a round, in milliseconds of block time: 7 days. */
  public static final long MAX_ROUND_MILLIS = 7L * 24 * 60 * 60 * 1000;
  /** The most participants a task takes. */
  public static final int MAX_PARTICIPANTS = 16;
  /** The largest recipe, in bytes. */
  public static final int MAX_RECIPE_BYTES = 64 * 1024;
  /**
   * The most parameters a task's model may have: every round, each validator fetches and reads every
   * participant's update of this size, and admission builds the initial model to hash it.
   */
  public static final long MAX_PARAMETERS = 1_000_000;
  /** The largest encoded round result, in bytes. */
  public static final int MAX_RESULT_BYTES = 64 * 1024;
  /** The codes of a round rejection as {@code RejectedUpdate.reason} names them. */
  public static final Set<String> REJECTION_REASONS =
      Set.of("WRONG_SHAPE", "NON_FINITE", "NO_CHANGE", "MISSING_BLOB", "KRUM_NOT_SELECTED", "ZERO_TRUST");
  private static final int MAX_TRIM_MICROS = 499_999;
  private static final int MAX_POLICY_IDENTITIES = 256;
  private static final int MAX_POLICY_ORGANISATIONS = 64;
  private static final int MAX_POLICY_ROLES = 16;
  private static final int MAX_METRICS = 32;
  private static final int MAX_METRIC_NAME_CHARS = 64;
  private static final int MAX_TEXT_CHARS = 512;
  private static final String ROLE_PATTERN = "[a-z][a-z0-9-]{0,31}";

  private static final Credits.MoveFailures CREDIT_FAILURES =
      new Credits.MoveFailures(FlFailure.INSUFFICIENT_FUNDS, FlFailure.BALANCE_OVERFLOW);
  private static final DatasetRefs.Failures DATASET_FAILURES = new DatasetRefs.Failures(
      BAD_ARGUMENTS, UNKNOWN_DATASET, DATASET_ERASED, DATASET_MISMATCH, "the task would not use that data");

  /** Writes the credits namespace (the reward pool's escrow) and the models namespace (the final model). */
  public Fl() {
    super(NAME, Map.of(
        "create_task", new CreateTaskMethod(),
        "join", new Join(),
        "start", new Start(),
        "cancel", new Cancel(),
        "submit_update", new Submit(),
        "aggregate", new AggregateMethod(),
        "attest_round", new Attest()),
        Set.of(Credits.NAME, Models.NAME));
  }

  /**
   * The escrow id, in the credits contract, of a task's reward pool.
   *
   * @param taskId the task id
   * @return {@code fl/<task id>}
   */
  public static String escrowId(String taskId) {
    return NAME + "/" + taskId;
  }

  /**
   * Whether a task's join policy admits an identity: listed itself, a listed organisation, owned
   * by a listed organisation, or holding a listed role; a policy that lists nothing admits every
   * organisation and member. The caller checks that the identity is active.
   *
   * @param policy the task's policy
   * @param identity the identity's record
   * @return whether it may join
   */
  public static boolean admits(JoinPolicy policy, IdentityRecord identity) {
    if (policy.getIdentitiesCount() == 0 && policy.getOrganisationsCount() == 0 && policy.getRolesCount() == 0) {
      return identity.getKind() == IdentityKind.ORGANISATION || identity.getKind() == IdentityKind.MEMBER;
    }
    return policy.getIdentitiesList().contains(identity.getId())
        || (identity.getKind() == IdentityKind.ORGANISATION && policy.getOrganisationsList().contains(identity.getId()))
        || (!identity.getOwner().isEmpty() && policy.getOrganisationsList().contains(identity.getOwner()))
        || identity.getRolesList().stream().anyMatch(policy.getRolesList()::contains);
  }

  /**
   * The latest aggregation of a round, decoded.
   *
   * @param round a round record with a result
   * @return its result
   * @throws IllegalStateException if the stored result does not decode
   */
  public static RoundResult result(RoundRecord round) {
    return parseStored(RoundResult.parser(), round.getResult().toByteArray());
  }

  // ------------------------------------------------------------------ argument checks

  private static ContractException bad(String message) {
    return new ContractException(BAD_ARGUMENTS, message);
  }

  private static void requireTaskId(String id) throws ContractException {
    requireId(id, "task", BAD_ARGUMENTS);
  }

  private static void requireRound(int round) throws ContractException {
    if (round < 1 || round > MAX_ROUNDS) {
      throw bad("round must be between 1 and " + MAX_ROUNDS + ", not " + Integer.toUnsignedString(round));
    }
  }

  private static void requireIdentityId(String id, String what) throws ContractException {
    if (!IdentityId.isWellFormed(id)) {
      throw bad(what + " '" + id + "' is not an identity id");
    }
  }


  private static String text(ByteString b) {
    return java.util.HexFormat.of().formatHex(b.toByteArray());
  }

  // ------------------------------------------------------------------ state

  private static TaskRecord existing(ContractContext ctx, String taskId) throws ContractException {
    return FlState.task(ctx.state(), taskId).orElseThrow(() -> new ContractException(UNKNOWN_TASK, "no task " + taskId));
  }

  private static RoundRecord currentRound(ContractContext ctx, TaskRecord task) {
    return FlState.round(ctx.state(), task.getTaskId(), task.getCurrentRound()).orElseThrow(
        () -> new IllegalStateException("task " + task.getTaskId() + " is in round " + task.getCurrentRound() + " but has no record of it"));
  }

  private static void requireStatus(TaskRecord task, TaskStatus status, String call) throws ContractException {
    if (task.getStatus() != status) {
      throw new ContractException(WRONG_STATUS, "task " + task.getTaskId() + " is " + task.getStatus() + "; " + call + " needs it " + status);
    }
  }

  private static void requireCurrentRound(TaskRecord task, int round) throws ContractException {
    if (round != task.getCurrentRound()) {
      throw new ContractException(WRONG_ROUND, "task " + task.getTaskId() + " is in round " + task.getCurrentRound() + ", not " + round);
    }
  }

  private static byte[] roundEvent(String taskId, int round) {
    return (taskId + "/" + round).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] taskEvent(String taskId) {
    return taskId.getBytes(StandardCharsets.UTF_8);
  }

  private static void putTask(ExecutionContext ctx, TaskRecord task) {
    ctx.put(FlState.taskKey(task.getTaskId()), task.toByteArray());
  }

  private static void putRound(ExecutionContext ctx, RoundRecord round) {
    ctx.put(FlState.roundKey(round.getTaskId(), round.getRound()), round.toByteArray());
  }

  private static Optional<IdentityRecord> activeIdentity(ContractContext ctx, String id) {
    return Identities.find(ctx.state(Identities.NAME), id).filter(r -> r.getStatus() == IdentityStatus.ACTIVE);
  }

  private static RoundRecord openRound(ExecutionContext ctx, TaskRecord task, int round, ByteString base) {
    return RoundRecord.newBuilder()
        .setTaskId(task.getTaskId())
        .setRound(round)
        .setStatus(RoundStatus.OPEN)
        .setOpenedHeight(ctx.height())
        .setDeadlineHeight(ctx.height() + task.getSpec().getRoundBlocks())
        .setDeadlineMillis(task.getSpec().getRoundMillis() == 0 ? 0 : ctx.timestampMillis() + task.getSpec().getRoundMillis())
        .setBaseModelSha256(base)
        .build();
  }

  /**
   * Whether a round's time for updates is over in this block: its height is past the deadline
   * height, or the round has a time deadline and the block's timestamp is past it.
   */
  static boolean deadlinePassed(RoundRecord round, long height, long timestampMillis) {
    return height > round.getDeadlineHeight() || (round.getDeadlineMillis() > 0 && timestampMillis > round.getDeadlineMillis());
  }

  private static String deadlineText(RoundRecord round) {
    return "height " + round.getDeadlineHeight()
        + (round.getDeadlineMillis() > 0 ? " or block time " + round.getDeadlineMillis() + " ms, whichever comes first" : "");
  }

  // ------------------------------------------------------------------ create_task

  /** Decoded arguments of {@code create_task}, with the recipe parsed and what the task takes from it. */
  record CreateArgs(CreateTask message, FederatedRecipe recipe, long parameterCount, ByteString initialModelSha256) {}

  static final class CreateTaskMethod implements ContractMethod<CreateArgs> {
    @Override
    public CreateArgs decode(byte[] arguments) throws ContractException {
      CreateTask m = parse(CreateTask.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireTaskId(m.getTaskId());
      if (m.getRecipe().isEmpty() || m.getRecipe().size() > MAX_RECIPE_BYTES) {
        throw bad("the recipe must hold 1 to " + MAX_RECIPE_BYTES + " bytes");
      }
      requireHash(m.getRecipeSha256(), "recipe hash", BAD_ARGUMENTS);
      if (!Hash.sha256(m.getRecipe().toByteArray()).equals(Hash.of(m.getRecipeSha256().toByteArray()))) {
        throw bad("the recipe does not hash to the recipe hash given");
      }
      FederatedRecipe recipe;
      try {
        recipe = FederatedRecipe.parse(m.getRecipe().toByteArray());
      } catch (IllegalArgumentException e) {
        throw bad("the recipe is not a federated recipe: " + e.getMessage());
      }
      if (!java.util.Arrays.equals(recipe.toCanonicalJson(), m.getRecipe().toByteArray())) {
        throw bad("the recipe is not in its canonical form (" + FederatedRecipe.FORMAT
            + ": no whitespace, members in their fixed order): the task's hash must be the recipe's hash");
      }
      if (recipe.parameterCount() > MAX_PARAMETERS) {
        throw bad("the recipe's model has " + recipe.parameterCount() + " parameters; a federated task takes at most " + MAX_PARAMETERS);
      }
      if (m.getRounds() < 1 || m.getRounds() > MAX_ROUNDS) {
        throw bad("rounds must be between 1 and " + MAX_ROUNDS + ", not " + Integer.toUnsignedString(m.getRounds()));
      }
      if (m.getRoundBlocks() < 1 || m.getRoundBlocks() > MAX_ROUND_BLOCKS) {
        throw bad("round blocks must be between 1 and " + MAX_ROUND_BLOCKS + ", not " + Long.toUnsignedString(m.getRoundBlocks()));
      }
      if (m.getRoundMillis() != 0 && (m.getRoundMillis() < MIN_ROUND_MILLIS || m.getRoundMillis() > MAX_ROUND_MILLIS)) {
        throw bad("round millis must be 0 (no time limit) or between " + MIN_ROUND_MILLIS + " and " + MAX_ROUND_MILLIS
            + " (7 days), not " + Long.toUnsignedString(m.getRoundMillis()));
      }
      if (m.getMaxParticipants() < 1 || m.getMaxParticipants() > MAX_PARTICIPANTS) {
        throw bad("max participants must be between 1 and " + MAX_PARTICIPANTS + ", not " + Integer.toUnsignedString(m.getMaxParticipants()));
      }
      if (m.getMinParticipants() < 1 || m.getMinParticipants() > m.getMaxParticipants()) {
        throw bad("min participants must be between 1 and max participants (" + m.getMaxParticipants() + "), not "
            + Integer.toUnsignedString(m.getMinParticipants()));
      }
      requireRule(m);
      if (!m.hasValidation()) {
        throw bad("a task needs a validation dataset: contributions are measured on it");
      }
      DatasetRefs.requireWellFormed(m.getValidation(), "validation dataset", DATASET_FAILURES);
      if (m.getRule() == AggregationRule.FLTRUST) {
        if (!m.hasRoot()) {
          throw bad("FLTRUST needs a root dataset: the aggregator's clean data the trust is measured against");
        }
        DatasetRefs.requireWellFormed(m.getRoot(), "root dataset", DATASET_FAILURES);
      } else if (m.hasRoot()) {
        throw bad("only FLTRUST uses a root dataset; " + m.getRule() + " takes none");
      }
      if (m.getRewardPool() < 0) { // a uint64 above Long.MAX_VALUE reads as negative
        throw bad("the reward pool must be at most " + Long.MAX_VALUE);
      }
      JoinPolicy p = m.getPolicy();
      requireSortedNames(p.getIdentitiesList(), MAX_POLICY_IDENTITIES, null, "policy identities", BAD_ARGUMENTS);
      requireSortedNames(p.getOrganisationsList(), MAX_POLICY_ORGANISATIONS, null, "policy organisations", BAD_ARGUMENTS);
      requireSortedNames(p.getRolesList(), MAX_POLICY_ROLES, ROLE_PATTERN, "policy roles", BAD_ARGUMENTS);
      requireIdentityId(m.getAggregator(), "aggregator");
      requireId(m.getModelId(), "model", BAD_ARGUMENTS);
      long parameters = recipe.parameterCount();
      ByteString initial = ByteString.copyFrom(recipe.initialModel().hash().bytes());
      return new CreateArgs(m, recipe, parameters, initial);
    }

    private static void requireRule(CreateTask m) throws ContractException {
      AggregationRule rule = m.getRule();
      if (rule == AggregationRule.AGGREGATION_RULE_UNSPECIFIED || rule == AggregationRule.UNRECOGNIZED) {
        throw bad("the aggregation rule is missing or unknown");
      }
      if (rule == AggregationRule.TRIMMED_MEAN) {
        if (m.getTrimFractionMicros() < 1 || m.getTrimFractionMicros() > MAX_TRIM_MICROS) {
          throw bad("TRIMMED_MEAN trims 1 to " + MAX_TRIM_MICROS + " millionths at each end, not "
              + Integer.toUnsignedString(m.getTrimFractionMicros()));
        }
      } else if (m.getTrimFractionMicros() != 0) {
        throw bad("only TRIMMED_MEAN takes a trim fraction; " + rule + " takes none");
      }
      if (rule == AggregationRule.KRUM || rule == AggregationRule.MULTI_KRUM) {
        long needed = 2L * Integer.toUnsignedLong(m.getKrumF()) + 3;
        if (m.getMaxParticipants() < needed) {
          throw bad(rule + " tolerating " + Integer.toUnsignedString(m.getKrumF()) + " Byzantine updates needs 2f + 3 = "
              + needed + " participants to hold its guarantee: raise max participants (now " + m.getMaxParticipants() + ") or lower f");
        }
      } else if (m.getKrumF() != 0) {
        throw bad("only KRUM and MULTI_KRUM take f; " + rule + " takes none");
      }
      if (rule == AggregationRule.MULTI_KRUM) {
        if (m.getMultiKrumM() < 1 || m.getMultiKrumM() > m.getMaxParticipants()) {
          throw bad("MULTI_KRUM averages 1 to max participants (" + m.getMaxParticipants() + ") updates, not "
              + Integer.toUnsignedString(m.getMultiKrumM()));
        }
      } else if (m.getMultiKrumM() != 0) {
        throw bad("only MULTI_KRUM takes m; " + rule + " takes none");
      }
    }

    @Override
    public void authorise(ContractContext ctx, CreateArgs args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, CreateArgs args) throws ContractException {
      CreateTask m = args.message();
      if (ctx.state().get(FlState.taskKey(m.getTaskId())).isPresent()) {
        throw new ContractException(TASK_EXISTS, "task " + m.getTaskId() + " already exists");
      }
      if (Models.find(ctx.state(Models.NAME), m.getModelId()).isPresent()) {
        throw new ContractException(TASK_EXISTS, "model " + m.getModelId() + " is already registered: the task's final model needs a free id");
      }
      if (activeIdentity(ctx, m.getAggregator()).isEmpty()) {
        throw bad("no active identity " + m.getAggregator() + " to aggregate the task");
      }
      long rows = DatasetRefs.requireOnChain(ctx, m.getValidation(), DATASET_FAILURES);
      long cost = args.recipe().localTrainingCost(rows);
      if (m.getRule() == AggregationRule.FLTRUST) {
        long rootRows = DatasetRefs.requireOnChain(ctx, m.getRoot(), DATASET_FAILURES);
        cost = Math.max(cost, args.recipe().localTrainingCost(rootRows));
      }
      long limit = Models.maxRecipeCost(ctx.state(Models.NAME));
      if (cost < 0 || cost > limit) {
        throw new ContractException(RECIPE_TOO_COSTLY, "training the recipe on the task's validation"
            + (m.getRule() == AggregationRule.FLTRUST ? " or root" : "") + " data costs " + Long.toUnsignedString(cost)
            + " (" + args.parameterCount() + " parameters); this chain accepts at most " + limit);
      }
      String owner = ctx.sender().value();
      if (m.getRewardPool() > 0) {
        Credits.escrow(ctx, owner, escrowId(m.getTaskId()), m.getRewardPool(), CREDIT_FAILURES);
      }
      TaskRecord task = TaskRecord.newBuilder()
          .setTaskId(m.getTaskId())
          .setOwner(owner)
          .setSpec(m)
          .setParameterCount(args.parameterCount())
          .setInitialModelSha256(args.initialModelSha256())
          .setStatus(TaskStatus.JOINING)
          .setCreatedHeight(ctx.height())
          .build();
      putTask(ctx, task);
      ctx.emit("task_created", taskEvent(m.getTaskId()));
    }
  }

  // ------------------------------------------------------------------ join

  static final class Join implements ContractMethod<JoinTask> {
    @Override
    public JoinTask decode(byte[] arguments) throws ContractException {
      JoinTask m = parse(JoinTask.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireTaskId(m.getTaskId());
      if (!m.hasDataset()) {
        throw bad("a participant names the dataset it trains on");
      }
      DatasetRefs.requireWellFormed(m.getDataset(), "dataset", DATASET_FAILURES);
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, JoinTask args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, JoinTask args) throws ContractException {
      TaskRecord task = existing(ctx, args.getTaskId());
      requireStatus(task, TaskStatus.JOINING, "joining");
      String sender = ctx.sender().value();
      IdentityRecord identity = Identities.activeSender(ctx, NOT_AUTHORISED);
      if (!admits(task.getSpec().getPolicy(), identity)) {
        throw new ContractException(NOT_ELIGIBLE, "task " + task.getTaskId() + "'s join policy does not admit " + sender);
      }
      int at = 0;
      for (Participant p : task.getParticipantsList()) {
        int c = p.getId().compareTo(sender);
        if (c == 0) {
          throw new ContractException(ALREADY_JOINED, sender + " joined task " + task.getTaskId() + " at height " + p.getJoinedHeight());
        }
        if (c < 0) {
          at++;
        }
      }
      if (task.getParticipantsCount() >= task.getSpec().getMaxParticipants()) {
        throw new ContractException(TASK_FULL, "task " + task.getTaskId() + " has its " + task.getSpec().getMaxParticipants() + " participants");
      }
      long rows = DatasetRefs.requireOnChain(ctx, args.getDataset(), DATASET_FAILURES);
      Participant p = Participant.newBuilder().setId(sender).setDataset(args.getDataset()).setDatasetRows(rows)
          .setJoinedHeight(ctx.height()).setJoinTxId(ByteString.copyFrom(ctx.txId().bytes())).build();
      putTask(ctx, task.toBuilder().addParticipants(at, p).build());
      ctx.emit("joined", taskEvent(task.getTaskId()));
    }
  }

  // ------------------------------------------------------------------ start, cancel

  static final class Start implements ContractMethod<StartTask> {
    @Override
    public StartTask decode(byte[] arguments) throws ContractException {
      StartTask m = parse(StartTask.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireTaskId(m.getTaskId());
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, StartTask args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
      Optional<TaskRecord> task = FlState.task(ctx.state(), args.getTaskId());
      if (task.isPresent() && !task.get().getOwner().equals(ctx.sender().value())) {
        throw new ContractException(NOT_AUTHORISED, "only task " + args.getTaskId() + "'s owner " + task.get().getOwner() + " may start it");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, StartTask args) throws ContractException {
      TaskRecord task = existing(ctx, args.getTaskId());
      requireStatus(task, TaskStatus.JOINING, "start");
      if (task.getParticipantsCount() < task.getSpec().getMinParticipants()) {
        throw new ContractException(TOO_FEW_PARTICIPANTS, "task " + task.getTaskId() + " has " + task.getParticipantsCount()
            + " participants; it needs " + task.getSpec().getMinParticipants() + " to start");
      }
      TaskRecord started = task.toBuilder().setStatus(TaskStatus.RUNNING).setCurrentRound(1).setStartedHeight(ctx.height()).build();
      putTask(ctx, started);
      putRound(ctx, openRound(ctx, started, 1, task.getInitialModelSha256()));
      ctx.emit("started", taskEvent(task.getTaskId()));
    }
  }

  static final class Cancel implements ContractMethod<CancelTask> {
    @Override
    public CancelTask decode(byte[] arguments) throws ContractException {
      CancelTask m = parse(CancelTask.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireTaskId(m.getTaskId());
      if (m.getReason().length() > MAX_TEXT_CHARS) {
        throw bad("reason is longer than " + MAX_TEXT_CHARS + " characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, CancelTask args) throws ContractException {
      IdentityRecord sender = Identities.activeSender(ctx, NOT_AUTHORISED);
      Optional<TaskRecord> task = FlState.task(ctx.state(), args.getTaskId());
      if (task.isPresent() && !task.get().getOwner().equals(sender.getId()) && sender.getKind() != IdentityKind.ADMINISTRATOR) {
        throw new ContractException(NOT_AUTHORISED, "only task " + args.getTaskId() + "'s owner or an administrator may cancel it");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, CancelTask args) throws ContractException {
      TaskRecord task = existing(ctx, args.getTaskId());
      if (task.getStatus() == TaskStatus.COMPLETED || task.getStatus() == TaskStatus.CANCELLED) {
        throw new ContractException(WRONG_STATUS, "task " + task.getTaskId() + " is already " + task.getStatus());
      }
      long refunded = Credits.releaseEscrow(ctx, escrowId(task.getTaskId()), task.getOwner(), CREDIT_FAILURES);
      putTask(ctx, task.toBuilder().setStatus(TaskStatus.CANCELLED).setFinishedHeight(ctx.height())
          .setCancelReason(args.getReason()).setRefunded(refunded).build());
      ctx.emit("task_cancelled", taskEvent(task.getTaskId()));
    }
  }

  // ------------------------------------------------------------------ submit_update

  static final class Submit implements ContractMethod<SubmitUpdate> {
    @Override
    public SubmitUpdate decode(byte[] arguments) throws ContractException {
      SubmitUpdate m = parse(SubmitUpdate.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireTaskId(m.getTaskId());
      requireRound(m.getRound());
      requireHash(m.getUpdateSha256(), "update hash", BAD_ARGUMENTS);
      if (m.getExamples() < 1) { // 0, or a uint64 above Long.MAX_VALUE
        throw bad("an update is trained on 1 or more examples, at most " + Long.MAX_VALUE);
      }
      if (m.getParameterCount() < 1) {
        throw bad("an update has 1 or more parameters, at most " + Long.MAX_VALUE);
      }
      if (m.getMetricsCount() > MAX_METRICS) {
        throw bad("at most " + MAX_METRICS + " metrics, not " + m.getMetricsCount());
      }
      String previous = null;
      for (LocalMetric metric : m.getMetricsList()) {
        if (metric.getName().isEmpty() || metric.getName().length() > MAX_METRIC_NAME_CHARS) {
          throw bad("a metric name has 1 to " + MAX_METRIC_NAME_CHARS + " characters");
        }
        if (previous != null && metric.getName().compareTo(previous) <= 0) {
          throw bad("metrics must be sorted by name and distinct");
        }
        if (!Double.isFinite(metric.getValue())) {
          throw bad("metric " + metric.getName() + " is not finite");
        }
        previous = metric.getName();
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, SubmitUpdate args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, SubmitUpdate args) throws ContractException {
      TaskRecord task = existing(ctx, args.getTaskId());
      requireStatus(task, TaskStatus.RUNNING, "an update");
      String sender = ctx.sender().value();
      Participant participant = task.getParticipantsList().stream().filter(p -> p.getId().equals(sender)).findFirst()
          .orElseThrow(() -> new ContractException(NOT_PARTICIPANT, sender + " is not a participant of task " + task.getTaskId()));
      requireCurrentRound(task, args.getRound());
      RoundRecord round = currentRound(ctx, task);
      if (round.getStatus() != RoundStatus.OPEN || deadlinePassed(round, ctx.height(), ctx.timestampMillis())) {
        throw new ContractException(ROUND_CLOSED, "round " + round.getRound() + " of task " + task.getTaskId() + " is closed"
            + (round.getStatus() == RoundStatus.OPEN ? ": its deadline was " + deadlineText(round) + "; this block is height "
                + ctx.height() + " at " + ctx.timestampMillis() + " ms"
                : ": it is " + round.getStatus()));
      }
      int at = 0;
      for (UpdateRecord u : round.getUpdatesList()) {
        int c = u.getParticipant().compareTo(sender);
        if (c == 0) {
          throw new ContractException(DUPLICATE_UPDATE, sender + " already submitted update " + text(u.getUpdateSha256())
              + " in round " + round.getRound() + " of task " + task.getTaskId());
        }
        if (c < 0) {
          at++;
        }
      }
      byte[] hash = args.getUpdateSha256().toByteArray();
      Optional<String> earlier = FlState.submitter(ctx.state(), task.getTaskId(), hash);
      if (earlier.isPresent()) {
        throw new ContractException(REPLAYED_UPDATE, "update " + text(args.getUpdateSha256()) + " was already submitted in task "
            + task.getTaskId() + " by " + earlier.get());
      }
      if (args.getParameterCount() != task.getParameterCount()) {
        throw new ContractException(WRONG_SHAPE, "the update has " + args.getParameterCount() + " parameters; task "
            + task.getTaskId() + "'s model has " + task.getParameterCount());
      }
      if (Long.compareUnsigned(args.getExamples(), participant.getDatasetRows()) > 0) {
        throw new ContractException(TOO_MANY_EXAMPLES, "the update claims " + args.getExamples() + " examples; "
            + sender + "'s dataset has " + Long.toUnsignedString(participant.getDatasetRows()) + " rows");
      }
      UpdateRecord update = UpdateRecord.newBuilder()
          .setParticipant(sender)
          .setUpdateSha256(args.getUpdateSha256())
          .setExamples(args.getExamples())
          .setParameterCount(args.getParameterCount())
          .addAllMetrics(args.getMetricsList())
          .setHeight(ctx.height())
          .setTxId(ByteString.copyFrom(ctx.txId().bytes()))
          .build();
      putRound(ctx, round.toBuilder().addUpdates(at, update).build());
      ctx.put(FlState.updateKey(task.getTaskId(), hash), FlState.utf8(sender));
      ctx.emit("update_submitted", roundEvent(task.getTaskId(), round.getRound()));
    }
  }

  // ------------------------------------------------------------------ aggregate

  /** Decoded arguments of {@code aggregate}, with the result decoded. */
  record AggregateArgs(Aggregate message, RoundResult result) {}

  static final class AggregateMethod implements ContractMethod<AggregateArgs> {
    @Override
    public AggregateArgs decode(byte[] arguments) throws ContractException {
      Aggregate m = parse(Aggregate.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireTaskId(m.getTaskId());
      requireRound(m.getRound());
      if (m.getResult().isEmpty() || m.getResult().size() > MAX_RESULT_BYTES) {
        throw bad("the result must hold 1 to " + MAX_RESULT_BYTES + " bytes");
      }
      RoundResult r = parse(RoundResult.getDefaultInstance(), m.getResult().toByteArray(), BAD_ARGUMENTS);
      if (r.getRound() != m.getRound()) {
        throw bad("the result is of round " + Integer.toUnsignedString(r.getRound()) + ", not " + m.getRound());
      }
      requireHash(r.getGlobalModelSha256(), "global model hash", BAD_ARGUMENTS);
      if (r.getAcceptedCount() + r.getRejectedCount() == 0) {
        throw bad("the result accounts for no update");
      }
      String previous = null;
      for (AcceptedUpdate a : r.getAcceptedList()) {
        requireIdentityId(a.getParticipant(), "accepted participant");
        if (previous != null && a.getParticipant().compareTo(previous) <= 0) {
          throw bad("accepted updates must be sorted by participant and distinct");
        }
        requireHash(a.getUpdateSha256(), "accepted update hash", BAD_ARGUMENTS);
        if (!(a.getWeight() >= 0 && a.getWeight() <= 1)) { // also refuses NaN
          throw bad("the weight of " + a.getParticipant() + "'s update must be between 0 and 1");
        }
        previous = a.getParticipant();
      }
      previous = null;
      List<String> accepted = r.getAcceptedList().stream().map(AcceptedUpdate::getParticipant).toList();
      for (RejectedUpdate x : r.getRejectedList()) {
        requireIdentityId(x.getParticipant(), "rejected participant");
        if (previous != null && x.getParticipant().compareTo(previous) <= 0) {
          throw bad("rejected updates must be sorted by participant and distinct");
        }
        if (accepted.contains(x.getParticipant())) {
          throw bad(x.getParticipant() + "'s update is both accepted and rejected");
        }
        requireHash(x.getUpdateSha256(), "rejected update hash", BAD_ARGUMENTS);
        if (!REJECTION_REASONS.contains(x.getReason())) {
          throw bad("rejection reason '" + x.getReason() + "' is not one of " + new java.util.TreeSet<>(REJECTION_REASONS));
        }
        previous = x.getParticipant();
      }
      List<String> contributors = r.getContributionsList().stream().map(Contribution::getParticipant).toList();
      if (!contributors.equals(accepted)) {
        throw bad("contributions must be given for exactly the accepted participants, in the same order");
      }
      // Scores, loss and accuracy are taken as computed, even when not finite (a regressor's R² of a
      // constant target predicted wrongly is -Infinity): validators compare them bit for bit through
      // the result's hash, and refusing them would leave the round unaggregatable.
      return new AggregateArgs(m, r);
    }

    @Override
    public void authorise(ContractContext ctx, AggregateArgs args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
      Optional<TaskRecord> task = FlState.task(ctx.state(), args.message().getTaskId());
      if (task.isPresent() && !task.get().getSpec().getAggregator().equals(ctx.sender().value())) {
        throw new ContractException(NOT_AUTHORISED, "only task " + args.message().getTaskId() + "'s aggregator "
            + task.get().getSpec().getAggregator() + " may aggregate its rounds");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, AggregateArgs args) throws ContractException {
      Aggregate m = args.message();
      RoundResult result = args.result();
      TaskRecord task = existing(ctx, m.getTaskId());
      requireStatus(task, TaskStatus.RUNNING, "an aggregation");
      requireCurrentRound(task, m.getRound());
      RoundRecord round = currentRound(ctx, task);
      if (round.getStatus() != RoundStatus.OPEN && round.getStatus() != RoundStatus.AGGREGATE_REJECTED) {
        throw new ContractException(ALREADY_AGGREGATED, "round " + round.getRound() + " of task " + task.getTaskId() + " is "
            + round.getStatus() + " (attempt " + round.getAttempt() + ")");
      }
      if (round.getStatus() == RoundStatus.OPEN && round.getUpdatesCount() < task.getParticipantsCount()
          && !deadlinePassed(round, ctx.height(), ctx.timestampMillis())) {
        throw new ContractException(ROUND_OPEN, "round " + round.getRound() + " of task " + task.getTaskId() + " has "
            + round.getUpdatesCount() + " of " + task.getParticipantsCount() + " updates and is open until "
            + deadlineText(round) + "; this block is height " + ctx.height() + " at " + ctx.timestampMillis() + " ms");
      }
      if (round.getUpdatesCount() < task.getSpec().getMinParticipants()) {
        throw new ContractException(TOO_FEW_UPDATES, "round " + round.getRound() + " of task " + task.getTaskId() + " closed with "
            + round.getUpdatesCount() + " updates; it needs " + task.getSpec().getMinParticipants() + " (the owner may cancel the task)");
      }
      requireSameInputs(round, result);
      ByteString bytes = m.getResult();
      RoundRecord aggregated = round.toBuilder()
          .setStatus(RoundStatus.AGGREGATED)
          .setAttempt(round.getAttempt() + 1)
          .setResult(bytes)
          .setResultSha256(ByteString.copyFrom(Hash.sha256(bytes.toByteArray()).bytes()))
          .setAggregatedHeight(ctx.height())
          .clearRejection()
          .build();
      putRound(ctx, aggregated);
      ctx.emit("round_aggregated", roundEvent(task.getTaskId(), round.getRound()));
    }

    /** The result's accepted and rejected updates are exactly the round's, with the same hashes. */
    private static void requireSameInputs(RoundRecord round, RoundResult result) throws ContractException {
      SortedMap<String, ByteString> submitted = new TreeMap<>();
      for (UpdateRecord u : round.getUpdatesList()) {
        submitted.put(u.getParticipant(), u.getUpdateSha256());
      }
      SortedMap<String, ByteString> reported = new TreeMap<>();
      for (AcceptedUpdate a : result.getAcceptedList()) {
        reported.put(a.getParticipant(), a.getUpdateSha256());
      }
      for (RejectedUpdate x : result.getRejectedList()) {
        reported.put(x.getParticipant(), x.getUpdateSha256());
      }
      for (Map.Entry<String, ByteString> e : submitted.entrySet()) {
        ByteString given = reported.get(e.getKey());
        if (given == null) {
          throw new ContractException(INPUTS_MISMATCH, "the result leaves out " + e.getKey() + "'s update " + text(e.getValue()));
        }
        if (!given.equals(e.getValue())) {
          throw new ContractException(INPUTS_MISMATCH, "the result gives " + e.getKey() + "'s update as " + text(given)
              + "; it submitted " + text(e.getValue()));
        }
      }
      for (String participant : reported.keySet()) {
        if (!submitted.containsKey(participant)) {
          throw new ContractException(INPUTS_MISMATCH, "the result names an update of " + participant + ", who submitted none in round "
              + round.getRound());
        }
      }
      if (result.getAcceptedCount() == 0 && !result.getGlobalModelSha256().equals(round.getBaseModelSha256())) {
        throw new ContractException(INPUTS_MISMATCH, "every update was rejected, so the global model stays the round's base model "
            + text(round.getBaseModelSha256()) + ", not " + text(result.getGlobalModelSha256()));
      }
    }
  }

  // ------------------------------------------------------------------ attest_round

  static final class Attest implements ContractMethod<AttestRound> {
    @Override
    public AttestRound decode(byte[] arguments) throws ContractException {
      AttestRound m = parse(AttestRound.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireTaskId(m.getTaskId());
      requireRound(m.getRound());
      if (m.getAttempt() < 1) {
        throw bad("the attempt attested counts from 1");
      }
      if (m.getFailure().isEmpty()) {
        requireHash(m.getResultSha256(), "result hash", BAD_ARGUMENTS);
      } else if (!m.getResultSha256().isEmpty()) {
        throw bad("a failed recomputation has no result: give a failure or a result hash, not both");
      } else if (m.getFailure().length() > MAX_TEXT_CHARS) {
        throw bad("failure is longer than " + MAX_TEXT_CHARS + " characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, AttestRound args) throws ContractException {
      if (Identities.activeSender(ctx, NOT_AUTHORISED).getKind() != IdentityKind.VALIDATOR) {
        throw new ContractException(NOT_AUTHORISED, "only a validator may attest a round's recomputation");
      }
      Optional<TaskRecord> task = FlState.task(ctx.state(), args.getTaskId());
      if (task.isPresent() && task.get().getSpec().getAggregator().equals(ctx.sender().value())) {
        throw new ContractException(NOT_AUTHORISED, ctx.sender() + " aggregates task " + args.getTaskId()
            + " and may not attest its own aggregations");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, AttestRound args) throws ContractException {
      TaskRecord task = existing(ctx, args.getTaskId());
      requireStatus(task, TaskStatus.RUNNING, "an attestation");
      requireCurrentRound(task, args.getRound());
      RoundRecord round = currentRound(ctx, task);
      if (round.getStatus() != RoundStatus.AGGREGATED || round.getAttempt() != args.getAttempt()) {
        throw new ContractException(NOT_AGGREGATED, "round " + round.getRound() + " of task " + task.getTaskId() + " has no aggregation "
            + args.getAttempt() + " waiting for attestations: it is " + round.getStatus() + " at attempt " + round.getAttempt());
      }
      String validator = ctx.sender().value();
      for (RoundAttestation a : round.getAttestationsList()) {
        if (a.getValidator().equals(validator) && a.getAttempt() == args.getAttempt()) {
          throw new ContractException(ALREADY_ATTESTED, validator + " attested aggregation " + args.getAttempt() + " of round "
              + round.getRound() + " at height " + a.getHeight());
        }
      }
      boolean failed = !args.getFailure().isEmpty();
      boolean match = !failed && args.getResultSha256().equals(round.getResultSha256());
      RoundRecord.Builder b = round.toBuilder().addAttestations(RoundAttestation.newBuilder()
          .setValidator(validator).setAttempt(args.getAttempt()).setResultSha256(args.getResultSha256())
          .setMatch(match).setFailure(args.getFailure()).setHeight(ctx.height()).setTxId(ByteString.copyFrom(ctx.txId().bytes())));
      byte[] event = roundEvent(task.getTaskId(), round.getRound());
      if (!match) {
        b.setStatus(RoundStatus.AGGREGATE_REJECTED).setRejection(failed
            ? "FAILED: validator " + validator + " could not recompute the round: " + args.getFailure()
            : "MISMATCH: validator " + validator + " got " + text(args.getResultSha256()) + ", the aggregate is " + text(round.getResultSha256()));
        putRound(ctx, b.build());
        ctx.emit("round_rejected", event);
        return;
      }
      long matches = b.getAttestationsList().stream().filter(a -> a.getAttempt() == args.getAttempt() && a.getMatch()).count();
      if (matches < Models.requiredAttestations(ctx.state(Models.NAME))) {
        putRound(ctx, b.build());
        ctx.emit("round_attested", event);
        return;
      }
      RoundRecord verified = b.setStatus(RoundStatus.VERIFIED).setVerifiedHeight(ctx.height()).build();
      putRound(ctx, verified);
      ctx.emit("round_verified", event);
      RoundResult result = result(verified);
      TaskRecord tallied = tally(task, verified, result);
      if (verified.getRound() < task.getSpec().getRounds()) {
        TaskRecord next = tallied.toBuilder().setCurrentRound(verified.getRound() + 1).build();
        putTask(ctx, next);
        putRound(ctx, openRound(ctx, next, next.getCurrentRound(), result.getGlobalModelSha256()));
        return;
      }
      complete(ctx, tallied);
    }
  }

  /** The participants' tallies after a verified round. */
  private static TaskRecord tally(TaskRecord task, RoundRecord round, RoundResult result) {
    SortedMap<String, Long> contributions = new TreeMap<>();
    for (Contribution c : result.getContributionsList()) {
      contributions.put(c.getParticipant(), c.getMicros());
    }
    List<String> rejected = result.getRejectedList().stream().map(RejectedUpdate::getParticipant).toList();
    TaskRecord.Builder b = task.toBuilder();
    for (int i = 0; i < b.getParticipantsCount(); i++) {
      Participant p = b.getParticipants(i);
      Long micros = contributions.get(p.getId());
      Participant.Builder q = p.toBuilder();
      if (micros != null) {
        q.setContributionMicros(saturatingAdd(p.getContributionMicros(), micros)).setRoundsAccepted(p.getRoundsAccepted() + 1);
      } else if (rejected.contains(p.getId())) {
        q.setRoundsRejected(p.getRoundsRejected() + 1);
      } else {
        q.setRoundsMissed(p.getRoundsMissed() + 1);
      }
      b.setParticipants(i, q);
    }
    return b.build();
  }

  private static long saturatingAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  /** After the last verified round: rewards paid, the rest refunded, the final model registered. */
  private static void complete(ExecutionContext ctx, TaskRecord task) throws ContractException {
    String escrow = escrowId(task.getTaskId());
    long pool = Credits.escrowed(ctx.state(Credits.NAME), escrow);
    Rewards.Split split = Rewards.split(pool, task.getParticipantsList().stream().map(Participant::getContributionMicros).toList());
    TaskRecord.Builder b = task.toBuilder();
    for (int i = 0; i < b.getParticipantsCount(); i++) {
      long reward = split.rewards().get(i);
      Credits.payFromEscrow(ctx, escrow, b.getParticipants(i).getId(), reward, CREDIT_FAILURES);
      b.setParticipants(i, b.getParticipants(i).toBuilder().setReward(reward));
    }
    long refunded = Credits.releaseEscrow(ctx, escrow, task.getOwner(), CREDIT_FAILURES);
    TaskRecord completed = b.setStatus(TaskStatus.COMPLETED).setCurrentRound(task.getSpec().getRounds() + 1)
        .setFinishedHeight(ctx.height()).setRefunded(refunded).build();
    putTask(ctx, completed);
    ctx.emit("task_completed", taskEvent(task.getTaskId()));
    if (Models.registerFederated(ctx, finalModel(ctx, completed))) {
      ctx.emit("model_registered", taskEvent(task.getTaskId()));
    } else {
      ctx.emit("model_id_taken", taskEvent(task.getTaskId()));
    }
  }

  /** The last round's validation accuracy and loss, sorted by name, each only if finite (as model metrics must be). */
  private static List<Metric> finiteMetrics(RoundResult last) {
    List<Metric> metrics = new ArrayList<>();
    if (Double.isFinite(last.getValidationAccuracy())) {
      metrics.add(Metric.newBuilder().setName("validation.accuracy").setValue(last.getValidationAccuracy()).build());
    }
    if (Double.isFinite(last.getValidationLoss())) {
      metrics.add(Metric.newBuilder().setName("validation.loss").setValue(last.getValidationLoss()).build());
    }
    return metrics;
  }

  private static ModelRecord finalModel(ExecutionContext ctx, TaskRecord task) {
    List<RoundRecord> rounds = FlState.rounds(ctx.state(), task.getTaskId());
    RoundResult last = result(rounds.get(rounds.size() - 1));
    byte[] recipe = FederatedModel.recipe(task, rounds);
    int verifiedRounds = rounds.size();
    String engineVersion = FederatedRecipe.parse(task.getSpec().getRecipe().toByteArray()).engineVersion();
    List<DatasetRef> datasets = new ArrayList<>();
    for (Participant p : task.getParticipantsList()) {
      datasets.add(p.getDataset());
    }
    return ModelRecord.newBuilder()
        .setModelId(task.getSpec().getModelId())
        .setRecipe(ByteString.copyFrom(recipe))
        .setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
        .addAllDatasets(datasets)
        .setArtifactSha256(last.getGlobalModelSha256())
        .setLossCurveSha256(ByteString.copyFrom(FederatedModel.lossCurve(rounds).bytes()))
        .addAllMetrics(finiteMetrics(last))
        .setEngineVersion(engineVersion)
        .setTrainer(task.getOwner())
        .setRegisteredHeight(ctx.height())
        .setStage(ModelStage.VERIFIED)
        .addHistory(StageChange.newBuilder().setFrom(ModelStage.MODEL_STAGE_UNSPECIFIED).setTo(ModelStage.VERIFIED)
            .setBy(ctx.sender().value()).setHeight(ctx.height())
            .setReason("verified: each of " + verifiedRounds + " rounds recomputed by validators")
            .setTxId(ByteString.copyFrom(ctx.txId().bytes())))
        .setFederatedTask(task.getTaskId())
        .build();
  }
}
