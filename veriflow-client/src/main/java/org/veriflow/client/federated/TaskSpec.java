package org.veriflow.client.federated;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.veriflow.client.ClientException;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.JoinPolicy;

/**
 * What {@code fl.create_task} asks for, before the chain's hashes of its datasets are looked up: build
 * one with {@link #builder}, then {@link #toCreateTask} reads the validation (and root) dataset's
 * hashes from the chain and gives the transaction's arguments. Immutable; the recipe is kept in its
 * canonical form ({@code veriflow-fl-recipe/1}), exactly as hashed.
 *
 * <p>The builder checks what the SDK can check alone (bounds, the rule's parameters, the recipe) and
 * throws {@link IllegalArgumentException} with a sentence naming the field; the contract checks the
 * rest (ids, eligibility, funds) and refuses with an {@link org.veriflow.protocol.fl.FlFailure} code.
 *
 * @param taskId the task's id: lower-case letters, digits and '-'
 * @param recipe the canonical federated recipe
 * @param rounds rounds to run, 1 to 100
 * @param roundBlocks blocks a round stays open, 1 to 100,000
 * @param roundMillis milliseconds of block time a round stays open: 0 for no time limit, else
 *     1,000 to 604,800,000 (7 days); the round closes at whichever deadline comes first, and only a
 *     time deadline closes a round on an idle chain, where no blocks come
 * @param minParticipants updates a round needs, 1 to {@code maxParticipants}
 * @param maxParticipants participants the task takes, 1 to 16
 * @param rule the aggregation rule
 * @param trimFractionMicros TRIMMED_MEAN: millionths trimmed at each end (1 to 499,999), else 0
 * @param krumF KRUM, MULTI_KRUM: Byzantine updates tolerated, else 0
 * @param multiKrumM MULTI_KRUM: updates averaged (from 1), else 0
 * @param validation the dataset contributions are measured on
 * @param root FLTRUST: the aggregator's clean dataset; empty for every other rule
 * @param rewardPool credits escrowed and paid to the participants
 * @param identities identities that may join, sorted and distinct
 * @param organisations organisations whose members may join, sorted and distinct
 * @param roles roles whose holders may join, sorted and distinct
 * @param aggregator the identity that aggregates the rounds
 * @param modelId the id the final model is registered under
 */
public record TaskSpec(String taskId, FederatedRecipe recipe, int rounds, long roundBlocks, long roundMillis, int minParticipants, int maxParticipants,
    AggregationRule rule, int trimFractionMicros, int krumF, int multiKrumM, DatasetSource validation, Optional<DatasetSource> root,
    long rewardPool, List<String> identities, List<String> organisations, List<String> roles, String aggregator, String modelId) {
  /** Most rounds a task may have. */
  public static final int MAX_ROUNDS = 100;
  /** Most blocks a round may stay open. */
  public static final long MAX_ROUND_BLOCKS = 100_000;
  /** Shortest time limit of a round, in ms (0 means none). */
  public static final long MIN_ROUND_MILLIS = 1_000;
  /** Longest time limit of a round, in ms: 7 days. */
  public static final long MAX_ROUND_MILLIS = 7L * 24 * 60 * 60 * 1000;
  /** Most participants a task may take. */
  public static final int MAX_PARTICIPANTS = 16;
  /** The trimmed fraction of TRIMMED_MEAN is below one half: in millionths, at most this. */
  public static final int MAX_TRIM_FRACTION_MICROS = 499_999;

  /**
   * @throws NullPointerException if a reference is null
   * @throws IllegalArgumentException if a field breaks the rule its description gives
   */
  public TaskSpec {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(recipe, "recipe");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(aggregator, "aggregator");
    Objects.requireNonNull(modelId, "modelId");
    identities = sortedDistinct(identities, "identities");
    organisations = sortedDistinct(organisations, "organisations");
    roles = sortedDistinct(roles, "roles");
    if (taskId.isEmpty()) {
      throw new IllegalArgumentException("the task needs an id");
    }
    between("rounds", rounds, 1, MAX_ROUNDS);
    between("round blocks", roundBlocks, 1, MAX_ROUND_BLOCKS);
    if (roundMillis != 0) {
      between("the round time in ms (0: no time limit)", roundMillis, MIN_ROUND_MILLIS, MAX_ROUND_MILLIS);
    }
    between("max participants", maxParticipants, 1, MAX_PARTICIPANTS);
    between("min participants", minParticipants, 1, maxParticipants);
    if (rewardPool < 0) {
      throw new IllegalArgumentException("the reward pool must not be negative, not " + rewardPool);
    }
    if (aggregator.isEmpty()) {
      throw new IllegalArgumentException("the task needs an aggregator identity");
    }
    if (modelId.isEmpty()) {
      throw new IllegalArgumentException("the task needs the model id its final model is registered under");
    }
    switch (rule) {
      case FEDAVG, MEDIAN -> none(trimFractionMicros, krumF, multiKrumM, rule);
      case TRIMMED_MEAN -> {
        between("the trim fraction (millionths)", trimFractionMicros, 1, MAX_TRIM_FRACTION_MICROS);
        none(0, krumF, multiKrumM, rule);
      }
      case KRUM -> {
        between("krum f", krumF, 0, maxParticipants - 1);
        none(trimFractionMicros, 0, multiKrumM, rule);
      }
      case MULTI_KRUM -> {
        between("krum f", krumF, 0, maxParticipants - 1);
        between("multi-krum m", multiKrumM, 1, maxParticipants);
        none(trimFractionMicros, 0, 0, rule);
      }
      case FLTRUST -> {
        if (root.isEmpty()) {
          throw new IllegalArgumentException("FLTRUST needs a root dataset (the aggregator's clean data)");
        }
        none(trimFractionMicros, krumF, multiKrumM, rule);
      }
      default -> throw new IllegalArgumentException("the task needs an aggregation rule, not " + rule);
    }
    if (rule != AggregationRule.FLTRUST && root.isPresent()) {
      throw new IllegalArgumentException("only FLTRUST takes a root dataset, not " + rule);
    }
  }

  /**
   * A builder with the defaults: 5 rounds, rounds open for 20 blocks, 1 to {@value #MAX_PARTICIPANTS}
   * participants, FEDAVG, no reward pool, any organisation or member may join.
   *
   * @param taskId the task's id
   * @return a new builder
   */
  public static Builder builder(String taskId) {
    return new Builder(taskId);
  }

  /**
   * The arguments of {@code fl.create_task}: this spec with the recipe's bytes and hash and the
   * chain's hashes of the validation and root datasets.
   *
   * @param client the node to read the datasets' records from
   * @return the arguments
   * @throws ClientException {@code UNKNOWN_SNAPSHOT} or {@code UNKNOWN_DATASET} if a dataset is not on
   *     the chain, or the node's other code
   */
  public CreateTask toCreateTask(VeriflowClient client) {
    byte[] json = recipe.toCanonicalJson();
    CreateTask.Builder b = CreateTask.newBuilder()
        .setTaskId(taskId)
        .setRecipe(ByteString.copyFrom(json))
        .setRecipeSha256(ByteString.copyFrom(Hash.sha256(json).bytes()))
        .setRounds(rounds)
        .setRoundBlocks(roundBlocks)
        .setRoundMillis(roundMillis)
        .setMinParticipants(minParticipants)
        .setMaxParticipants(maxParticipants)
        .setRule(rule)
        .setTrimFractionMicros(trimFractionMicros)
        .setKrumF(krumF)
        .setMultiKrumM(multiKrumM)
        .setValidation(validation.resolve(client))
        .setRewardPool(rewardPool)
        .setPolicy(JoinPolicy.newBuilder().addAllIdentities(identities).addAllOrganisations(organisations).addAllRoles(roles))
        .setAggregator(aggregator)
        .setModelId(modelId);
    root.ifPresent(r -> b.setRoot(r.resolve(client)));
    return b.build();
  }

  private static List<String> sortedDistinct(List<String> ids, String what) {
    Objects.requireNonNull(ids, what);
    for (String id : ids) {
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("the join policy's " + what + " must not hold an empty id");
      }
    }
    return List.copyOf(new TreeSet<>(ids));
  }

  private static void between(String what, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be " + min + " to " + max + ", not " + value);
    }
  }

  private static void none(int trim, int f, int m, AggregationRule rule) {
    if (trim != 0) {
      throw new IllegalArgumentException("only TRIMMED_MEAN takes a trim fraction, not " + rule);
    }
    if (f != 0) {
      throw new IllegalArgumentException("only KRUM and MULTI_KRUM take krum f, not " + rule);
    }
    if (m != 0) {
      throw new IllegalArgumentException("only MULTI_KRUM takes multi-krum m, not " + rule);
    }
  }

  /** Builds a {@link TaskSpec}; not thread-safe. Every setter returns this builder. */
  public static final class Builder {
    private final String taskId;
    private FederatedRecipe recipe;
    private int rounds = 5;
    private long roundBlocks = 20;
    private long roundMillis;
    private int minParticipants = 1;
    private int maxParticipants = MAX_PARTICIPANTS;
    private AggregationRule rule = AggregationRule.FEDAVG;
    private int trimFractionMicros;
    private int krumF;
    private int multiKrumM;
    private DatasetSource validation;
    private DatasetSource root;
    private long rewardPool;
    private final TreeSet<String> identities = new TreeSet<>();
    private final TreeSet<String> organisations = new TreeSet<>();
    private final TreeSet<String> roles = new TreeSet<>();
    private String aggregator;
    private String modelId;

    private Builder(String taskId) {
      this.taskId = Objects.requireNonNull(taskId, "taskId");
    }

    /**
     * @param recipe the federated recipe
     * @return this builder
     */
    public Builder recipe(FederatedRecipe recipe) {
      this.recipe = Objects.requireNonNull(recipe, "recipe");
      return this;
    }

    /**
     * @param json a federated recipe ({@code veriflow-fl-recipe/1}); it is kept in canonical form
     * @return this builder
     * @throws IllegalArgumentException if it is not a federated recipe, with the parser's sentence
     */
    public Builder recipe(byte[] json) {
      this.recipe = FederatedRecipe.parse(json);
      return this;
    }

    /**
     * @param rounds rounds to run, 1 to {@value TaskSpec#MAX_ROUNDS}
     * @return this builder
     */
    public Builder rounds(int rounds) {
      this.rounds = rounds;
      return this;
    }

    /**
     * @param blocks blocks a round stays open for updates, 1 to {@value TaskSpec#MAX_ROUND_BLOCKS}
     * @return this builder
     */
    public Builder roundBlocks(long blocks) {
      this.roundBlocks = blocks;
      return this;
    }

    /**
     * Also closes each round once this much block time has passed since it opened (whichever of the
     * two deadlines comes first), so that a round a participant never fills closes on an idle chain.
     *
     * @param time the round's time limit, 1 s to 7 days, counted in whole milliseconds; {@link
     *     Duration#ZERO} for none (the default)
     * @return this builder
     * @throws NullPointerException if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is neither zero nor within 1 s to 7 days
     */
    public Builder roundMillis(Duration time) {
      Objects.requireNonNull(time, "time");
      if (!time.isZero() && (time.compareTo(Duration.ofMillis(MIN_ROUND_MILLIS)) < 0 || time.compareTo(Duration.ofMillis(MAX_ROUND_MILLIS)) > 0)) {
        throw new IllegalArgumentException("a round's time limit must be 0 (none) or 1 s to 7 days, not " + time);
      }
      this.roundMillis = time.toMillis();
      return this;
    }

    /**
     * @param min updates a round needs before it is aggregated
     * @return this builder
     */
    public Builder minParticipants(int min) {
      this.minParticipants = min;
      return this;
    }

    /**
     * @param max participants the task takes, up to {@value TaskSpec#MAX_PARTICIPANTS}
     * @return this builder
     */
    public Builder maxParticipants(int max) {
      this.maxParticipants = max;
      return this;
    }

    /**
     * FEDAVG, MEDIAN or FLTRUST (for TRIMMED_MEAN, KRUM and MULTI_KRUM use the setters with their parameters).
     *
     * @param rule the rule
     * @return this builder
     */
    public Builder rule(AggregationRule rule) {
      this.rule = Objects.requireNonNull(rule, "rule");
      return this;
    }

    /**
     * TRIMMED_MEAN.
     *
     * @param fractionMicros the fraction dropped at each end of every coordinate, in millionths
     * @return this builder
     */
    public Builder trimmedMean(int fractionMicros) {
      this.rule = AggregationRule.TRIMMED_MEAN;
      this.trimFractionMicros = fractionMicros;
      return this;
    }

    /**
     * KRUM.
     *
     * @param f the Byzantine updates tolerated
     * @return this builder
     */
    public Builder krum(int f) {
      this.rule = AggregationRule.KRUM;
      this.krumF = f;
      return this;
    }

    /**
     * MULTI_KRUM.
     *
     * @param f the Byzantine updates tolerated
     * @param m the updates with the best scores that are averaged
     * @return this builder
     */
    public Builder multiKrum(int f, int m) {
      this.rule = AggregationRule.MULTI_KRUM;
      this.krumF = f;
      this.multiKrumM = m;
      return this;
    }

    /**
     * FLTRUST.
     *
     * @param root the aggregator's small clean dataset
     * @return this builder
     */
    public Builder flTrust(DatasetSource root) {
      this.rule = AggregationRule.FLTRUST;
      this.root = Objects.requireNonNull(root, "root");
      return this;
    }

    /**
     * Sets the rule's parameters as given, without choosing the rule by them: for callers (a command
     * line) that take every field on its own and let {@link TaskSpec}'s checks refuse a mismatch.
     *
     * @param rule the rule
     * @param trimFractionMicros the trim fraction in millionths, or 0
     * @param krumF krum f, or 0
     * @param multiKrumM multi-krum m, or 0
     * @param root the root dataset, or null
     * @return this builder
     */
    public Builder rule(AggregationRule rule, int trimFractionMicros, int krumF, int multiKrumM, DatasetSource root) {
      this.rule = Objects.requireNonNull(rule, "rule");
      this.trimFractionMicros = trimFractionMicros;
      this.krumF = krumF;
      this.multiKrumM = multiKrumM;
      this.root = root;
      return this;
    }

    /**
     * @param validation the dataset the rounds' models and the contributions are measured on
     * @return this builder
     */
    public Builder validation(DatasetSource validation) {
      this.validation = Objects.requireNonNull(validation, "validation");
      return this;
    }

    /**
     * @param credits credits escrowed from the owner and paid to the participants at completion
     * @return this builder
     */
    public Builder rewardPool(long credits) {
      this.rewardPool = credits;
      return this;
    }

    /**
     * @param id an identity that may join
     * @return this builder
     */
    public Builder allowIdentity(String id) {
      identities.add(Objects.requireNonNull(id, "id"));
      return this;
    }

    /**
     * @param id an organisation whose identities may join
     * @return this builder
     */
    public Builder allowOrganisation(String id) {
      organisations.add(Objects.requireNonNull(id, "id"));
      return this;
    }

    /**
     * @param role a role whose holders may join
     * @return this builder
     */
    public Builder allowRole(String role) {
      roles.add(Objects.requireNonNull(role, "role"));
      return this;
    }

    /**
     * @param id the identity that aggregates the rounds (usually a node's)
     * @return this builder
     */
    public Builder aggregator(String id) {
      this.aggregator = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * @param id the id the final model is registered under in the models contract
     * @return this builder
     */
    public Builder modelId(String id) {
      this.modelId = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * @return the spec
     * @throws IllegalArgumentException if the recipe, the validation dataset, the aggregator or the
     *     model id is missing, or a field breaks its rule (see {@link TaskSpec})
     */
    public TaskSpec build() {
      if (recipe == null) {
        throw new IllegalArgumentException("the task needs a federated recipe");
      }
      if (validation == null) {
        throw new IllegalArgumentException("the task needs a validation dataset (a snapshot or a dataset version)");
      }
      return new TaskSpec(taskId, recipe, rounds, roundBlocks, roundMillis, minParticipants, maxParticipants, rule, trimFractionMicros, krumF,
          multiKrumM, validation, Optional.ofNullable(root), rewardPool, List.copyOf(identities), List.copyOf(organisations),
          List.copyOf(roles), aggregator == null ? "" : aggregator, modelId == null ? "" : modelId);
    }
  }
}
