package org.veriflow.contracts.models;

import static org.veriflow.protocol.models.ModelsFailure.ALREADY_ATTESTED;
import static org.veriflow.protocol.models.ModelsFailure.BAD_ARGUMENTS;
import static org.veriflow.protocol.models.ModelsFailure.DATASET_ERASED;
import static org.veriflow.protocol.models.ModelsFailure.DATASET_MISMATCH;
import static org.veriflow.protocol.models.ModelsFailure.INVALID_TRANSITION;
import static org.veriflow.protocol.models.ModelsFailure.MODEL_EXISTS;
import static org.veriflow.protocol.models.ModelsFailure.NOT_AUTHORISED;
import static org.veriflow.protocol.models.ModelsFailure.RECIPE_TOO_COSTLY;
import static org.veriflow.protocol.models.ModelsFailure.UNKNOWN_DATASET;
import static org.veriflow.protocol.models.ModelsFailure.UNKNOWN_MODEL;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.veriflow.contracts.SystemContract;
import org.veriflow.contracts.datasets.DatasetsState;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.contracts.streams.StreamsState;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeCost;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.models.Attest;
import org.veriflow.protocol.proto.models.Attestation;
import org.veriflow.protocol.proto.models.ChangeStage;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.protocol.proto.models.ReplayOutcome;
import org.veriflow.protocol.proto.models.StageChange;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.StateView;

/**
 * The models contract: what a model was trained on and how (DESIGN.md, "Models"), its lifecycle,
 * and validators' attestations that replaying the training gave the same artifact ("proof of
 * training by replay"). The contract only checks and tallies; training and replay run off chain.
 *
 * <ul>
 *   <li>{@code register}: any active identity records a model: the canonical recipe (its SHA-256
 *       must match), the dataset snapshots with the hashes the trainer used (each must equal the
 *       snapshot's on-chain hashes, or the record fails with {@code DATASET_MISMATCH}) or the
 *       datasets-contract versions (by id and version: the version must exist, {@code
 *       UNKNOWN_DATASET}, not be erased, {@code DATASET_ERASED}, and have the plaintext SHA-256
 *       given, {@code DATASET_MISMATCH}), the artifact
 *       and loss-curve hashes, metrics, engine version. Stage {@code REGISTERED}.
 *   <li>{@code attest}: an active validator reports the artifact hash its replay produced, once per
 *       model (never for a federated task's final model, {@code BAD_ARGUMENTS}: it has no single
 *       training to replay), or why its replay produced none ({@code failure}, with no hash). A different hash or
 *       a failure marks the model {@code REJECTED} with that evidence; as many matching ones as the
 *       chain's required attestations make a registered model {@code VERIFIED}. A validator whose
 *       replay exceeded its own time or memory budget attests {@code BUDGET_EXCEEDED} (a reason, no
 *       hash): recorded once, neither a match nor evidence against the model, no stage change.
 *   <li>{@code change_stage}: {@code APPROVED} (from VERIFIED) and {@code REJECTED} by an
 *       administrator or an identity with role {@code approver}; {@code DEPRECATED} (from VERIFIED or
 *       APPROVED) also by the trainer. VERIFIED is reached only through attestations. No stage change
 *       leaves REJECTED or DEPRECATED, except that a mismatching replay still marks a deprecated
 *       model REJECTED: evidence that it did not come from its data outlives its retirement.
 * </ul>
 *
 * Every change is appended to the record's history: who, when, why, in which transaction.
 *
 * <p>The fl contract registers a completed federated task's final model through {@link
 * #registerFederated}: stage VERIFIED from the start, naming its task.
 *
 * <p>Bounded recipes: {@code register} parses a recipe that parses ({@link Recipe}; one that does
 * not is recorded as it is and its replay fails at once), refuses an MLP with more than {@link
 * Limits#RECIPE_MAX_HIDDEN_LAYERS} hidden layers, a layer wider than {@link
 * Limits#RECIPE_MAX_HIDDEN_WIDTH} units or more than {@link Limits#RECIPE_MAX_EPOCHS} epochs ({@code
 * BAD_ARGUMENTS}, at admission), and, once the rows of its datasets are known from the chain, a
 * recipe whose {@link RecipeCost#operations()} pass the chain's largest recipe cost ({@code
 * RECIPE_TOO_COSTLY}: the transaction fails and nothing is registered).
 *
 * <p>State: {@code m/<model id>} → ModelRecord; {@code p/required_attestations} → the number of
 * matching attestations that verify a model, 8 bytes big-endian; {@code p/max_recipe_cost} → the
 * largest recipe cost, 8 bytes big-endian. Both parameters are fixed at genesis ({@code
 * GenesisSpec}), which writes each only when it is not its default (1 and {@link
 * #DEFAULT_MAX_RECIPE_COST}); absent means the default, so chains that never set them keep their
 * genesis block.
 */
public final class Models extends SystemContract {
  public static final String NAME = "models";
  public static final String APPROVER_ROLE = "approver";
  private static final int MAX_RECIPE_BYTES = 64 * 1024;
  private static final int MAX_FAILURE_CHARS = 512;
  /** This contract's codes for a dataset reference that is malformed or does not match the chain. */
  private static final DatasetRefs.Failures DATASET_FAILURES = new DatasetRefs.Failures(
      BAD_ARGUMENTS, UNKNOWN_DATASET, DATASET_ERASED, DATASET_MISMATCH, "the model was not trained on that data");
  private static final byte[] REQUIRED_ATTESTATIONS_KEY = "p/required_attestations".getBytes(StandardCharsets.UTF_8);
  private static final byte[] MAX_RECIPE_COST_KEY = "p/max_recipe_cost".getBytes(StandardCharsets.UTF_8);

  /**
   * The largest recipe cost ({@link RecipeCost#operations()}) of a chain whose genesis does not set
   * one: 10^12, one to three hours of one core at the engine's measured 1 to 2.5 × 10^8 a second.
   * Every seed recipe fits on the largest snapshot the chain allows (the 1-64-64-1 regressor, 300
   * epochs, 500,000 rows: 6.5 × 10^11); the tests' and documentation's recipes cost below 10^8.
   */
  public static final long DEFAULT_MAX_RECIPE_COST = 1_000_000_000_000L;

  public Models() {
    super(NAME, Map.of("register", new Register(), "attest", new AttestMethod(), "change_stage", new ChangeStageMethod()));
  }

  static byte[] key(String modelId) {
    return ("m/" + modelId).getBytes(StandardCharsets.UTF_8);
  }

  /** A model's record, from the models namespace. */
  public static Optional<ModelRecord> find(StateView state, String modelId) {
    return state.get(key(modelId)).map(b -> parseStored(ModelRecord.parser(), b));
  }

  /**
   * Registers the final model of a completed federated task, for the fl contract: a record it built,
   * stage {@code VERIFIED} (each of its rounds was recomputed and attested on chain, so it is never
   * replayed), naming its task. Nothing is written if a model already has the record's id (one
   * registered through {@code register} while the task ran): the caller records that instead.
   *
   * @param ctx the fl contract's context; it must declare the models namespace in {@link
   *     org.veriflow.ledger.exec.Contract#writesTo()}
   * @param record the model record
   * @return whether the record was written ({@code false}: the id is taken, nothing changed)
   * @throws IllegalArgumentException if the record names no federated task, is not {@code
   *     VERIFIED}, or its model id is not an id
   * @throws IllegalStateException if the calling contract may not write the models namespace
   */
  public static boolean registerFederated(ExecutionContext ctx, ModelRecord record) {
    if (record.getFederatedTask().isEmpty() || record.getStage() != ModelStage.VERIFIED
        || !record.getModelId().matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("a federated model record names its task, is VERIFIED and has a model id; not "
          + record.getModelId() + " of task '" + record.getFederatedTask() + "' at stage " + record.getStage());
    }
    if (ctx.state(NAME).get(key(record.getModelId())).isPresent()) {
      return false;
    }
    ctx.put(NAME, key(record.getModelId()), record.toByteArray());
    return true;
  }

  /**
   * The genesis write that sets the chain's required attestations to {@code k}.
   *
   * @param k how many matching attestations verify a model
   * @return the write of block 0
   * @throws IllegalArgumentException if {@code k} is below 1
   */
  public static GenesisState.Write requiredAttestationsWrite(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("a model needs at least one attestation, not " + k);
    }
    return new GenesisState.Write(NAME, REQUIRED_ATTESTATIONS_KEY, ByteBuffer.allocate(Long.BYTES).putLong(k).array());
  }

  /**
   * How many matching attestations verify a model on this chain: the genesis parameter, 1 if absent.
   *
   * @param state the models namespace
   * @return the number, 1 or more
   * @throws IllegalStateException if the stored parameter is damaged
   */
  public static int requiredAttestations(StateView state) {
    return state.get(REQUIRED_ATTESTATIONS_KEY).map(b -> {
      long k = b.length == Long.BYTES ? ByteBuffer.wrap(b).getLong() : -1;
      if (k < 1 || k > Integer.MAX_VALUE) {
        throw new IllegalStateException("stored required attestations is not a positive 8-byte count");
      }
      return (int) k;
    }).orElse(1);
  }

  /**
   * The genesis write that sets the chain's largest recipe cost.
   *
   * @param cost the largest {@link RecipeCost#operations()} a registered recipe may have
   * @return the write of block 0
   * @throws IllegalArgumentException if {@code cost} is below 1
   */
  public static GenesisState.Write maxRecipeCostWrite(long cost) {
    if (cost < 1) {
      throw new IllegalArgumentException("the largest recipe cost must be at least 1, not " + cost);
    }
    return new GenesisState.Write(NAME, MAX_RECIPE_COST_KEY, ByteBuffer.allocate(Long.BYTES).putLong(cost).array());
  }

  /**
   * The largest recipe cost on this chain: the genesis parameter, {@link #DEFAULT_MAX_RECIPE_COST} if absent.
   *
   * @param state the models namespace
   * @return the cost
   * @throws IllegalStateException if the stored parameter is damaged
   */
  public static long maxRecipeCost(StateView state) {
    return state.get(MAX_RECIPE_COST_KEY).map(b -> {
      long cost = b.length == Long.BYTES ? ByteBuffer.wrap(b).getLong() : -1;
      if (cost < 1) {
        throw new IllegalStateException("stored largest recipe cost is not a positive 8-byte count");
      }
      return cost;
    }).orElse(DEFAULT_MAX_RECIPE_COST);
  }

  /** The recipe, or empty if it does not parse (its replay then fails at once, at no cost). */
  private static Optional<Recipe> parseRecipe(ByteString recipe) {
    try {
      return Optional.of(Recipe.parse(recipe.toByteArray()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The hard bounds on an MLP's shape and on epochs, whatever the data. */
  private static void requireSaneRecipe(Recipe recipe) throws ContractException {
    Algorithm a = recipe.algorithm();
    if (a == Algorithm.MLP_REGRESSOR || a == Algorithm.MLP_CLASSIFIER) {
      java.util.List<Integer> hidden = recipe.hyperParameters().getIntList("hiddenLayers");
      if (hidden.size() > Limits.RECIPE_MAX_HIDDEN_LAYERS) {
        throw new ContractException(BAD_ARGUMENTS, "the recipe has " + hidden.size() + " hidden layers; at most "
            + Limits.RECIPE_MAX_HIDDEN_LAYERS + " are accepted");
      }
      for (int width : hidden) {
        if (width > Limits.RECIPE_MAX_HIDDEN_WIDTH) {
          throw new ContractException(BAD_ARGUMENTS, "the recipe has a hidden layer of " + width + " units; at most "
              + Limits.RECIPE_MAX_HIDDEN_WIDTH + " are accepted");
        }
      }
    }
    if (a == Algorithm.MLP_REGRESSOR || a == Algorithm.MLP_CLASSIFIER || a == Algorithm.LOGISTIC_REGRESSION) {
      long epochs = recipe.hyperParameters().getLong("epochs");
      if (epochs > Limits.RECIPE_MAX_EPOCHS) {
        throw new ContractException(BAD_ARGUMENTS, "the recipe trains for " + epochs + " epochs; at most "
            + Limits.RECIPE_MAX_EPOCHS + " are accepted");
      }
    }
  }

  private static void requireModelId(String id) throws ContractException {
    requireId(id, "model", BAD_ARGUMENTS);
  }

  private static void requireHash(ByteString b, String what) throws ContractException {
    requireHash(b, what, BAD_ARGUMENTS);
  }

  private static ModelRecord existing(ContractContext ctx, String modelId) throws ContractException {
    return find(ctx.state(), modelId).orElseThrow(() -> new ContractException(UNKNOWN_MODEL, "no model " + modelId));
  }

  private static StageChange change(ExecutionContext ctx, ModelStage from, ModelStage to, String reason) {
    return StageChange.newBuilder().setFrom(from).setTo(to).setBy(ctx.sender().value()).setHeight(ctx.height())
        .setReason(reason).setTxId(ByteString.copyFrom(ctx.txId().bytes())).build();
  }

  // ------------------------------------------------------------------ register

  static final class Register implements ContractMethod<RegisterModel> {
    @Override
    public RegisterModel decode(byte[] arguments) throws ContractException {
      RegisterModel m = parse(RegisterModel.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireModelId(m.getModelId());
      if (m.getRecipe().isEmpty() || m.getRecipe().size() > MAX_RECIPE_BYTES) {
        throw new ContractException(BAD_ARGUMENTS, "the recipe must hold 1 to " + MAX_RECIPE_BYTES + " bytes");
      }
      requireHash(m.getRecipeSha256(), "recipe hash");
      if (!Hash.sha256(m.getRecipe().toByteArray()).equals(Hash.of(m.getRecipeSha256().toByteArray()))) {
        throw new ContractException(BAD_ARGUMENTS, "the recipe does not hash to the recipe hash given");
      }
      Optional<Recipe> recipe = parseRecipe(m.getRecipe());
      if (recipe.isPresent()) {
        requireSaneRecipe(recipe.get());
      }
      if (m.getDatasetsCount() == 0 || m.getDatasetsCount() > 16) {
        throw new ContractException(BAD_ARGUMENTS, "a model names 1 to 16 datasets");
      }
      for (DatasetRef d : m.getDatasetsList()) {
        DatasetRefs.requireWellFormed(d, "dataset", DATASET_FAILURES);
      }
      requireHash(m.getArtifactSha256(), "artifact hash");
      requireHash(m.getLossCurveSha256(), "loss-curve hash");
      String previous = null;
      for (Metric metric : m.getMetricsList()) {
        if (previous != null && metric.getName().compareTo(previous) <= 0) {
          throw new ContractException(BAD_ARGUMENTS, "metrics must be sorted by name and distinct");
        }
        if (!Double.isFinite(metric.getValue())) {
          throw new ContractException(BAD_ARGUMENTS, "metric " + metric.getName() + " is not finite");
        }
        previous = metric.getName();
      }
      if (m.getEngineVersion().isEmpty() || m.getEngineVersion().length() > 64) {
        throw new ContractException(BAD_ARGUMENTS, "the engine version must be 1 to 64 characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, RegisterModel args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, RegisterModel args) throws ContractException {
      if (ctx.state().get(key(args.getModelId())).isPresent()) {
        throw new ContractException(MODEL_EXISTS, "model " + args.getModelId() + " is already registered");
      }
      long rows = 0;
      for (DatasetRef d : args.getDatasetsList()) {
        rows = saturatingAdd(rows, DatasetRefs.requireOnChain(ctx, d, DATASET_FAILURES));
      }
      Optional<Recipe> recipe = parseRecipe(args.getRecipe());
      if (recipe.isPresent()) {
        RecipeCost cost = RecipeCost.of(recipe.get(), rows);
        long limit = maxRecipeCost(ctx.state());
        if (cost.operations() > limit) {
          throw new ContractException(RECIPE_TOO_COSTLY, "replaying the recipe costs " + cost.operations() + " ("
              + cost.parameters() + " parameters, " + rows + " rows, its epochs); this chain accepts at most " + limit);
        }
      }
      ModelRecord record = ModelRecord.newBuilder()
          .setModelId(args.getModelId())
          .setRecipe(args.getRecipe())
          .setRecipeSha256(args.getRecipeSha256())
          .addAllDatasets(args.getDatasetsList())
          .setArtifactSha256(args.getArtifactSha256())
          .setLossCurveSha256(args.getLossCurveSha256())
          .addAllMetrics(args.getMetricsList())
          .setEngineVersion(args.getEngineVersion())
          .setTrainer(ctx.sender().value())
          .setRegisteredHeight(ctx.height())
          .setStage(ModelStage.REGISTERED)
          .addHistory(change(ctx, ModelStage.MODEL_STAGE_UNSPECIFIED, ModelStage.REGISTERED, "registered"))
          .build();
      ctx.put(key(args.getModelId()), record.toByteArray());
      ctx.emit("model_registered", args.getModelId().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** {@code a + b} for row counts (unsigned on chain), at most {@link Long#MAX_VALUE}. */
  private static long saturatingAdd(long a, long b) {
    return b < 0 || a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
  }

  // ------------------------------------------------------------------ attest

  static final class AttestMethod implements ContractMethod<Attest> {
    @Override
    public Attest decode(byte[] arguments) throws ContractException {
      Attest m = parse(Attest.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireModelId(m.getModelId());
      if (m.getOutcome() == ReplayOutcome.BUDGET_EXCEEDED) {
        if (!m.getArtifactSha256().isEmpty() || m.getFailure().isEmpty() || m.getFailure().length() > MAX_FAILURE_CHARS) {
          throw new ContractException(BAD_ARGUMENTS, "a replay over its budget has no artifact and says which budget it exceeded, in 1 to "
              + MAX_FAILURE_CHARS + " characters");
        }
        return m;
      }
      if (m.getOutcome() != ReplayOutcome.REPLAY_OUTCOME_UNSPECIFIED) {
        throw new ContractException(BAD_ARGUMENTS, "the replay outcome is unknown");
      }
      if (m.getFailure().isEmpty()) {
        requireHash(m.getArtifactSha256(), "artifact hash");
      } else if (!m.getArtifactSha256().isEmpty()) {
        throw new ContractException(BAD_ARGUMENTS, "a failed replay has no artifact: give a failure or an artifact hash, not both");
      } else if (m.getFailure().length() > MAX_FAILURE_CHARS) {
        throw new ContractException(BAD_ARGUMENTS, "failure is longer than " + MAX_FAILURE_CHARS + " characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, Attest args) throws ContractException {
      if (Identities.activeSender(ctx, NOT_AUTHORISED).getKind() != IdentityKind.VALIDATOR) {
        throw new ContractException(NOT_AUTHORISED, "only a validator may attest a model's replay");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, Attest args) throws ContractException {
      ModelRecord m = existing(ctx, args.getModelId());
      if (!m.getFederatedTask().isEmpty()) {
        throw new ContractException(BAD_ARGUMENTS, "model " + args.getModelId() + " is the final model of federated task "
            + m.getFederatedTask() + ": each of its rounds was recomputed and attested in the fl contract, it is not replayed");
      }
      String validator = ctx.sender().value();
      for (Attestation a : m.getAttestationsList()) {
        if (a.getValidator().equals(validator)) {
          throw new ContractException(ALREADY_ATTESTED, "validator " + validator + " attested model " + args.getModelId() + " at height " + a.getHeight());
        }
      }
      if (args.getOutcome() == ReplayOutcome.BUDGET_EXCEEDED) {
        // Recorded, so that the validator does not replay it again; no evidence, so no stage change.
        ctx.put(key(args.getModelId()), m.toBuilder().addAttestations(Attestation.newBuilder().setValidator(validator)
            .setHeight(ctx.height()).setFailure(args.getFailure()).setOutcome(ReplayOutcome.BUDGET_EXCEEDED)).build().toByteArray());
        ctx.emit("attested_budget_exceeded", args.getModelId().getBytes(StandardCharsets.UTF_8));
        return;
      }
      boolean failed = !args.getFailure().isEmpty();
      boolean match = !failed && args.getArtifactSha256().equals(m.getArtifactSha256());
      ModelRecord.Builder b = m.toBuilder().addAttestations(Attestation.newBuilder().setValidator(validator)
          .setArtifactSha256(args.getArtifactSha256()).setMatch(match).setHeight(ctx.height()).setFailure(args.getFailure()));
      long matches = b.getAttestationsList().stream().filter(Attestation::getMatch).count();
      ModelStage stage = m.getStage();
      if (!match && stage != ModelStage.REJECTED) {
        String reason = failed
            ? "replay by " + validator + " failed: " + args.getFailure()
            : "replay by " + validator + " gave artifact " + Hash.of(args.getArtifactSha256().toByteArray())
                + ", the record says " + Hash.of(m.getArtifactSha256().toByteArray());
        b.setStage(ModelStage.REJECTED).addHistory(change(ctx, stage, ModelStage.REJECTED, reason));
      } else if (match && stage == ModelStage.REGISTERED && matches >= requiredAttestations(ctx.state())) {
        b.setStage(ModelStage.VERIFIED).addHistory(change(ctx, stage, ModelStage.VERIFIED, matches + " validator replay(s) gave the recorded artifact"));
      }
      ctx.put(key(args.getModelId()), b.build().toByteArray());
      ctx.emit(match ? "attested_match" : "attested_mismatch", args.getModelId().getBytes(StandardCharsets.UTF_8));
    }
  }

  // ------------------------------------------------------------------ change_stage

  static final class ChangeStageMethod implements ContractMethod<ChangeStage> {
    @Override
    public ChangeStage decode(byte[] arguments) throws ContractException {
      ChangeStage m = parse(ChangeStage.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireModelId(m.getModelId());
      if (m.getStage() == ModelStage.MODEL_STAGE_UNSPECIFIED || m.getStage() == ModelStage.UNRECOGNIZED) {
        throw new ContractException(BAD_ARGUMENTS, "the stage is missing or unknown");
      }
      if (m.getReason().length() > 256) {
        throw new ContractException(BAD_ARGUMENTS, "reason is longer than 256 characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, ChangeStage args) throws ContractException {
      IdentityRecord sender = Identities.activeSender(ctx, NOT_AUTHORISED);
      boolean approver = sender.getKind() == IdentityKind.ADMINISTRATOR || sender.getRolesList().contains(APPROVER_ROLE);
      switch (args.getStage()) {
        case APPROVED, REJECTED -> {
          if (!approver) {
            throw new ContractException(NOT_AUTHORISED, "only an administrator or an identity with role '" + APPROVER_ROLE
                + "' may mark a model " + args.getStage());
          }
        }
        case DEPRECATED -> {
          boolean trainer = find(ctx.state(), args.getModelId()).map(m -> m.getTrainer().equals(sender.getId())).orElse(false);
          if (!approver && !trainer) {
            throw new ContractException(NOT_AUTHORISED, "only an approver or the model's trainer may deprecate it");
          }
        }
        default -> throw new ContractException(NOT_AUTHORISED, args.getStage() + " is reached only through validators' attestations");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, ChangeStage args) throws ContractException {
      ModelRecord m = existing(ctx, args.getModelId());
      ModelStage from = m.getStage();
      boolean allowed = switch (args.getStage()) {
        case APPROVED -> from == ModelStage.VERIFIED;
        case DEPRECATED -> from == ModelStage.VERIFIED || from == ModelStage.APPROVED;
        case REJECTED -> from == ModelStage.REGISTERED || from == ModelStage.VERIFIED || from == ModelStage.APPROVED;
        default -> false;
      };
      if (!allowed) {
        throw new ContractException(INVALID_TRANSITION, "model " + args.getModelId() + " cannot go from " + from + " to " + args.getStage());
      }
      ctx.put(key(args.getModelId()), m.toBuilder().setStage(args.getStage())
          .addHistory(change(ctx, from, args.getStage(), args.getReason())).build().toByteArray());
      ctx.emit("stage_changed", args.getModelId().getBytes(StandardCharsets.UTF_8));
    }
  }
}
