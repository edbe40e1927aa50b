package org.veriflow.demo.federated;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.FederatedClient;
import org.veriflow.client.federated.Participant;
import org.veriflow.client.federated.RejectedUpdate;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.RoundAttestation;
import org.veriflow.client.federated.RoundResult;
import org.veriflow.client.federated.RoundUpdate;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskParticipant;
import org.veriflow.client.federated.TaskSpec;
import org.veriflow.client.federated.UpdateTransform;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.RoundAggregation;
import org.veriflow.ml.federated.RoundOutcome;
import org.veriflow.ml.federated.RuleSpec;
import org.veriflow.ml.federated.UpdateInput;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The federated demo on a running node whose aggregator (a separate key) and verifier are on: five
 * organisations train one office-occupancy model without pooling their data.
 *
 * <ol>
 *   <li>Each organisation registers its office's stream and two multi-sensor devices; the devices
 *       sign their readings ({@link OfficeModel}) and the organisation forwards them through the
 *       ledger; it snapshots its own stream and exports the snapshot, which never leaves it. The
 *       coordinator does the same for a sixth, held-out office (the validation snapshot) and for a day
 *       of its own office (FLTrust's clean root snapshot, and the recipe's input scaling).
 *   <li>For each aggregation rule the coordinator creates a task with the same recipe, escrows a
 *       reward pool and lets exactly the five organisations join, each with its snapshot; the five
 *       run the SDK's {@link Participant} loop in threads. One of them is Byzantine: its {@link
 *       UpdateTransform#signFlipped} update is {@code base - 5 × (trained - base)}, the step reversed
 *       and scaled five times; one is a free-rider and submits the round's global model unchanged.
 *       The node's aggregator aggregates each round, its verifier recomputes it and attests, and the
 *       chain pays the rewards and registers the final model.
 *   <li>The demo recomputes every round itself from the same blobs (which also times aggregation),
 *       and trains the baselines: the same recipe on the pooled data of the five ({@code
 *       centralised}) and on each one's data alone ({@code local-only}), all evaluated on the
 *       validation snapshot.
 * </ol>
 *
 * Not thread-safe; run once.
 */
public final class FederatedDemo {
  /** The participant whose updates are sign-flipped and scaled (an index into {@link Office#scenario()}). */
  public static final int BYZANTINE = 4;
  /** The participant that returns the global model unchanged. */
  public static final int FREE_RIDER = 3;
  /** The scale of the Byzantine participant's reversed step. */
  public static final double BYZANTINE_SCALE = 5.0;
  /**
   * Block time a round stays open for updates: on this single node blocks are only cut for
   * transactions, so a round some participant does not fill (its update refused, e.g. a free-rider's
   * replayed global model) closes at this time deadline, long before its deadline height.
   */
  static final Duration ROUND_TIME = Duration.ofSeconds(10);
  /** Blocks a round stays open for updates. */
  static final long ROUND_BLOCKS = 40;
  /** Participants per task. */
  public static final int PARTICIPANTS = 5;
  /** Devices per office. */
  public static final int DEVICES = 2;
  /** Trimmed mean: a quarter dropped at each end (one of four valid updates). */
  public static final int TRIM_MICROS = 250_000;
  /** Multi-Krum: one Byzantine update tolerated, the two best averaged. */
  public static final int KRUM_F = 1;
  public static final int MULTI_KRUM_M = 2;
  /**
   * The robust rule of the headline figure by default. Multi-Krum averages the {@value #MULTI_KRUM_M}
   * most central updates whole; the coordinate-wise rules (median, trimmed mean) mix coordinates of
   * different participants' models, which non-IID data makes incoherent when there are only four valid
   * updates (docs/benchmarks.md shows all five rules side by side).
   */
  public static final AggregationRule DEFAULT_ROBUST_RULE = AggregationRule.MULTI_KRUM;
  /** The rules the demo runs by default, FedAvg first: the undefended reference. */
  public static final List<AggregationRule> RULES = List.of(AggregationRule.FEDAVG, AggregationRule.MEDIAN,
      AggregationRule.TRIMMED_MEAN, AggregationRule.MULTI_KRUM, AggregationRule.FLTRUST);

  /**
   * What to run.
   *
   * @param days simulated days per participant's office (the validation office too), 1 to 60
   * @param interval time between two readings of a device; divides a day
   * @param rounds rounds per task, 1 to 100
   * @param localEpochs local epochs per round
   * @param rules the rules to run, FEDAVG among them
   * @param rewardPool credits escrowed per task
   * @param seed seeds the offices, the devices' errors and the recipe's initial weights
   * @param work where the exports, models and updates are written
   * @param taskTimeout the longest one task may take
   * @param robustRule the robust rule whose accuracy is the headline {@code federatedRobust}: one of {@code rules}
   */
  public record Config(int days, Duration interval, int rounds, int localEpochs, List<AggregationRule> rules, long rewardPool,
      long seed, Path work, Duration taskTimeout, AggregationRule robustRule) {
    /**
     * @throws IllegalArgumentException if a value is out of its range or FEDAVG is not among the rules
     *     (it is the undefended reference every report compares with)
     */
    public Config {
      rules = List.copyOf(rules);
      if (days < 1 || days > 60) {
        throw new IllegalArgumentException("days must be 1 to 60, not " + days);
      }
      if (rounds < 1 || rounds > TaskSpec.MAX_ROUNDS) {
        throw new IllegalArgumentException("rounds must be 1 to " + TaskSpec.MAX_ROUNDS + ", not " + rounds);
      }
      if (localEpochs < 1 || localEpochs > 100) {
        throw new IllegalArgumentException("local epochs must be 1 to 100, not " + localEpochs);
      }
      if (!rules.contains(AggregationRule.FEDAVG) || rules.size() < 2 || rules.stream().distinct().count() != rules.size()) {
        throw new IllegalArgumentException("the rules must be distinct and include FEDAVG and at least one robust rule, not " + rules);
      }
      if (rules.contains(AggregationRule.KRUM) || rules.contains(AggregationRule.AGGREGATION_RULE_UNSPECIFIED)) {
        throw new IllegalArgumentException("the demo runs FEDAVG, MEDIAN, TRIMMED_MEAN, MULTI_KRUM and FLTRUST, not " + rules);
      }
      if (robustRule == AggregationRule.FEDAVG || !rules.contains(robustRule)) {
        throw new IllegalArgumentException("the headline robust rule must be one of the robust rules run " + rules + ", not " + robustRule);
      }
      if (rewardPool < PARTICIPANTS) {
        throw new IllegalArgumentException("the reward pool must be at least " + PARTICIPANTS + " credits, not " + rewardPool);
      }
    }
  }

  private final VeriflowClient client;
  private final SigningKey admin;
  private final String aggregator;
  private final PrintWriter out;
  private final Config config;
  private final FederatedClient fl;

  /**
   * @param client the node
   * @param admin a genesis administrator holding credits (registers the organisations, funds the coordinator)
   * @param aggregator the identity id of the node's aggregator key: registered, never a participant
   * @param out where the narrative and progress per round go
   */
  public FederatedDemo(VeriflowClient client, SigningKey admin, String aggregator, PrintWriter out, Config config) {
    this.client = client;
    this.admin = admin;
    this.aggregator = aggregator;
    this.out = out;
    this.config = config;
    this.fl = new FederatedClient(client);
  }

  /** One organisation of the scenario and its office's snapshot. */
  private record Org(Office office, String role, SigningKey key, String stream, String snapshotId, Path csv, long rows, double occupied) {
    String id() {
      return key.id().value();
    }

    String behaviour(int index) {
      return index == BYZANTINE ? "byzantine" : index == FREE_RIDER ? "free-rider" : "honest";
    }
  }

  /**
   * Runs the demo.
   *
   * @return everything the report shows
   * @throws IllegalStateException if the node refuses a step, a task does not complete in time (is
   *     the node's aggregator on?), or the demo's recomputation of a round differs from the chain's
   * @throws Exception if the node cannot be reached or a file cannot be written
   */
  public FederatedResult run() throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(config.work());
    List<Office> offices = Office.scenario();

    step("the organisations and the coordinator");
    SigningKey coordinator = SigningKey.generate(SignatureAlgorithm.ED25519);
    expect(new Session(client, admin).submit(b -> b.registerIdentity(coordinator.publicKey(), IdentityKind.ORGANISATION,
        "Federation coordinator", List.of()), true));
    long funds = config.rewardPool() * config.rules().size();
    expect(new Session(client, admin).submit(b -> b.transfer(coordinator.id().value(), funds, "reward pools of the federated tasks"), true));
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < PARTICIPANTS; i++) {
      SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
      String name = "Organisation " + (i + 1) + " (" + offices.get(i).name() + ")";
      expect(new Session(client, admin).submit(b -> b.registerIdentity(k.publicKey(), IdentityKind.ORGANISATION, name, List.of()), true));
      keys.add(k);
    }
    out.println("   coordinator " + coordinator.id() + " (" + funds + " credits for the reward pools); aggregator " + aggregator);

    step("each office's devices sign their readings; each organisation forwards and snapshots its own stream");
    Instant end = Instant.now();
    List<Org> orgs = new ArrayList<>();
    for (int i = 0; i < offices.size(); i++) {
      boolean participant = i < PARTICIPANTS;
      String role = participant ? "participant" : i == PARTICIPANTS ? "validation" : "root";
      int days = role.equals("root") ? 1 : config.days();
      SigningKey owner = participant ? keys.get(i) : coordinator;
      orgs.add(ingest(offices.get(i), "office-" + (i + 1), role, days, owner, i, end));
    }
    Org validation = orgs.get(PARTICIPANTS);
    Org root = orgs.get(PARTICIPANTS + 1);
    byte[] validationCsv = Files.readAllBytes(validation.csv());
    byte[] rootCsv = Files.readAllBytes(root.csv());

    FederatedRecipe recipe = OccupancyRecipe.of(rootCsv, config.localEpochs(), config.seed());
    out.println("   recipe " + recipe.hash().hex() + ": mlp-classifier, " + OccupancyRecipe.HIDDEN_UNITS + " tanh units, "
        + config.localEpochs() + " local epoch(s) a round, input scaling from the coordinator's root snapshot");

    List<FederatedResult.RuleRun> runs = new ArrayList<>();
    SortedMap<String, Double> aggregationMillis = new TreeMap<>();
    for (AggregationRule rule : config.rules()) {
      step("task for " + rule + ": " + config.rounds() + " rounds, " + behaviourLine(orgs));
      RuleOutcome o = runTask(rule, recipe, coordinator, orgs, validation, root, validationCsv, rootCsv);
      runs.add(o.run());
      aggregationMillis.put(rule.name(), o.aggregationMillis());
    }

    step("baselines: the same recipe on the pooled data of the five, and on each one's data alone");
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < PARTICIPANTS; i++) {
      parts.add(Files.readAllBytes(orgs.get(i).csv()));
    }
    Parallelism parallelism = Parallelism.sequential();
    Baselines.Outcome centralised = Baselines.train(recipe, "centralised", config.rounds(), Baselines.pooled(parts), validationCsv, parallelism);
    out.printf(Locale.ROOT, "   centralised: %.2f %%%n", 100 * centralised.validation().accuracy());
    SortedMap<String, Double> localOnly = new TreeMap<>();
    double localMillis = 0;
    String bestLocal = null;
    for (int i = 0; i < PARTICIPANTS; i++) {
      Baselines.Outcome o = Baselines.train(recipe, "local-" + (i + 1), config.rounds(), parts.get(i), validationCsv, parallelism);
      localOnly.put(orgs.get(i).id(), o.validation().accuracy());
      localMillis += o.millisPerRound() / PARTICIPANTS;
      if (bestLocal == null || o.validation().accuracy() > localOnly.get(bestLocal)) {
        bestLocal = orgs.get(i).id();
      }
      out.printf(Locale.ROOT, "   local-only, %s: %.2f %%%n", orgs.get(i).office().name(), 100 * o.validation().accuracy());
    }

    SortedMap<String, Double> byRule = new TreeMap<>();
    for (FederatedResult.RuleRun run : runs) {
      byRule.put(run.rule(), run.finalAccuracy());
    }
    String robust = config.robustRule().name();
    FederatedResult.RuleRun headline = runs.stream().filter(r -> r.rule().equals(robust)).findFirst().orElseThrow();
    List<FederatedResult.ParticipantRow> participants = new ArrayList<>();
    Task headlineTask = fl.task(headline.taskId());
    for (int i = 0; i < PARTICIPANTS; i++) {
      Org o = orgs.get(i);
      TaskParticipant p = headlineTask.participant(o.id()).orElseThrow();
      participants.add(new FederatedResult.ParticipantRow(o.id(), o.office().name(), o.behaviour(i), p.contributionMicros() / 1e6, p.reward(),
          p.roundsAccepted(), p.roundsRejected(), localOnly.get(o.id())));
    }
    participants.sort(java.util.Comparator.comparing(FederatedResult.ParticipantRow::id));
    List<FederatedResult.OfficeRow> officeRows = new ArrayList<>();
    for (Org o : orgs) {
      officeRows.add(new FederatedResult.OfficeRow(o.stream(), o.office().name(), o.role(), o.id(), o.snapshotId(), o.rows(), o.occupied()));
    }
    FederatedResult.Accuracy accuracy = new FederatedResult.Accuracy(robust, byRule.get(robust), byRule.get(AggregationRule.FEDAVG.name()),
        centralised.validation().accuracy(), localOnly.get(bestLocal), bestLocal, byRule, localOnly);
    return new FederatedResult(client.chain().chainId(),
        new FederatedResult.Settings(config.days(), (int) config.interval().toMinutes(), config.rounds(), config.localEpochs(), recipe.hash().hex(),
            config.seed()),
        officeRows, runs, participants, accuracy, new FederatedResult.Cost(aggregationMillis, localMillis), (System.nanoTime() - started) / 1e9);
  }

  // ------------------------------------------------------------------ data

  private Org ingest(Office office, String stream, String role, int days, SigningKey owner, int index, Instant end) throws Exception {
    OfficeModel model = new OfficeModel(office, DEVICES, config.interval(), days, config.seed() + 1000L * (index + 1));
    Duration window = Duration.ofDays(days).plusHours(1);
    CreateStream spec = OfficeFields.stream(stream, office, config.interval(), window);
    List<SensorDevice> devices = SensorDevice.generate(stream + "-sensor", DEVICES, SignatureAlgorithm.P256, new SecureRandom());
    StreamAdmin streams = new StreamAdmin(client, owner);
    streams.create(spec);
    streams.registerDevices(stream, devices);
    List<SignedReading> readings = OfficeStreams.sign(model, devices, stream, end);
    new Gateway(client, owner, Gateway.DEFAULT_BATCH).submit(stream, readings, ProgressListener.NONE);
    String snapshotId = expect(new Session(client, owner).submit(b -> b.snapshot(stream, Long.MIN_VALUE, Long.MAX_VALUE,
        office.name() + ": " + days + " day(s) of legal readings"), true)).id();
    Path csv = config.work().resolve(stream + ".csv");
    Responses.SnapshotExport export = client.streams().exportSnapshot(snapshotId, csv);
    if (export.rows() != readings.size()) {
      throw new IllegalStateException("the ledger kept " + export.rows() + " of the " + readings.size() + " readings of " + stream
          + "; every reading of the simulation is legal");
    }
    out.printf(Locale.ROOT, "   %-9s %-22s %-11s %5d readings, %4.1f %% occupied, snapshot %s%n", stream, office.name(), role, export.rows(),
        100 * model.occupiedShare(), snapshotId);
    return new Org(office, role, owner, stream, snapshotId, csv, export.rows(), model.occupiedShare());
  }

  // ------------------------------------------------------------------ tasks

  private record RuleOutcome(FederatedResult.RuleRun run, double aggregationMillis) {}

  private RuleOutcome runTask(AggregationRule rule, FederatedRecipe recipe, SigningKey coordinator, List<Org> orgs, Org validation, Org root,
      byte[] validationCsv, byte[] rootCsv) throws Exception {
    String taskId = "occupancy-" + rule.name().toLowerCase(Locale.ROOT).replace('_', '-');
    TaskSpec.Builder b = TaskSpec.builder(taskId).recipe(recipe).rounds(config.rounds()).roundBlocks(ROUND_BLOCKS).roundMillis(ROUND_TIME)
        .minParticipants(PARTICIPANTS - 2).maxParticipants(PARTICIPANTS)
        .validation(DatasetSource.snapshot(validation.snapshotId())).rewardPool(config.rewardPool()).aggregator(aggregator)
        .modelId(taskId + "-model");
    switch (rule) {
      case TRIMMED_MEAN -> b.trimmedMean(TRIM_MICROS);
      case MULTI_KRUM -> b.multiKrum(KRUM_F, MULTI_KRUM_M);
      case FLTRUST -> b.flTrust(DatasetSource.snapshot(root.snapshotId()));
      default -> b.rule(rule);
    }
    for (int i = 0; i < PARTICIPANTS; i++) {
      b.allowIdentity(orgs.get(i).id());
    }
    Session owner = new Session(client, coordinator);
    expect(fl.createTask(owner, b.build()));
    for (int i = 0; i < PARTICIPANTS; i++) {
      Org o = orgs.get(i);
      expect(fl.join(new Session(client, o.key()), taskId, DatasetSource.snapshot(o.snapshotId())));
    }
    expect(fl.start(owner, taskId));

    ExecutorService pool = Executors.newFixedThreadPool(PARTICIPANTS, r -> {
      Thread t = new Thread(r, "participant-" + taskId);
      t.setDaemon(true);
      return t;
    });
    List<Participant> loops = new ArrayList<>();
    List<Future<Task>> running = new ArrayList<>();
    try {
      for (int i = 0; i < PARTICIPANTS; i++) {
        Org o = orgs.get(i);
        Participant p = new Participant(new Session(client, o.key()), taskId, o.csv(), config.work().resolve(taskId).resolve(o.stream()));
        if (i == BYZANTINE) {
          p.transform(UpdateTransform.signFlipped(BYZANTINE_SCALE));
        } else if (i == FREE_RIDER) {
          p.transform(UpdateTransform.freeRider());
        }
        loops.add(p);
        running.add(pool.submit(p::run));
      }
      follow(taskId, orgs, running);
      for (Future<Task> f : running) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      loops.forEach(Participant::close);
      pool.shutdownNow();
    }

    Task task = fl.task(taskId);
    if (!task.status().name().equals("COMPLETED")) {
      throw new IllegalStateException("task " + taskId + " ended " + task.status() + (task.cancelReason().map(r -> ": " + r).orElse("")));
    }
    List<Round> rounds = fl.rounds(taskId);
    List<FederatedResult.RoundRow> rows = new ArrayList<>();
    double aggregationNanos = 0;
    Model base = recipe.initialModel();
    for (Round round : rounds) {
      RoundResult result = round.result().orElseThrow(() -> new IllegalStateException("round " + round.round() + " of " + taskId + " has no result"));
      List<UpdateInput> inputs = inputs(taskId, round);
      RuleSpec ruleSpec = new RuleSpec(org.veriflow.ml.federated.AggregationRule.valueOf(rule.name()), task.trimFractionMicros(), task.krumF(),
          task.multiKrumM());
      long t0 = System.nanoTime();
      RoundOutcome again = RoundAggregation.aggregate(recipe, taskId, round.round(), base, inputs, ruleSpec,
          rule == AggregationRule.FLTRUST ? rootCsv : null, validationCsv, Parallelism.sequential());
      aggregationNanos += System.nanoTime() - t0;
      if (!again.globalHash().hex().equals(result.globalModelSha256())) {
        throw new IllegalStateException("round " + round.round() + " of " + taskId + ": the demo's recomputation gives global model "
            + again.globalHash().hex() + ", the chain holds " + result.globalModelSha256());
      }
      base = again.globalModel();
      List<FederatedResult.Rejection> rejected = new ArrayList<>();
      for (RejectedUpdate x : result.rejected()) {
        rejected.add(new FederatedResult.Rejection(x.participant(), x.reason(), x.score()));
      }
      List<FederatedResult.Attestation> attestations = new ArrayList<>();
      for (RoundAttestation a : round.attestations()) {
        attestations.add(new FederatedResult.Attestation(a.validator(), a.match(), a.failure().orElse(null)));
      }
      rows.add(new FederatedResult.RoundRow(round.round(), rule.name(), round.status().name(), result.globalModelSha256(),
          result.accepted().stream().map(a -> a.participant()).toList(), rejected, attestations, result.validationAccuracy(),
          result.validationLoss()));
    }
    SortedMap<String, Long> rewards = new TreeMap<>();
    SortedMap<String, Long> contributions = new TreeMap<>();
    for (TaskParticipant p : task.participants()) {
      rewards.put(p.id(), p.reward());
      contributions.put(p.id(), p.contributionMicros());
    }
    double finalAccuracy = rows.get(rows.size() - 1).validationAccuracy();
    out.printf(Locale.ROOT, "   %s completed: final accuracy %.2f %%, rewards %s, %d credits refunded%n", rule, 100 * finalAccuracy,
        named(rewards, orgs), task.refunded());
    return new RuleOutcome(new FederatedResult.RuleRun(rule.name(), taskId, task.status().name(), rows, finalAccuracy, task.modelId(), rewards,
        contributions), aggregationNanos / 1e6 / rows.size());
  }

  /**
   * Prints each round as the chain verifies it, until the task finishes or a participant fails. A
   * round closes when every participant submitted or at its deadline ({@link #ROUND_TIME} of block
   * time, or its deadline height): the node's aggregator aggregates it then, with no other traffic
   * needed on this idle chain.
   */
  private void follow(String taskId, List<Org> orgs, List<Future<Task>> running) throws Exception {
    long deadline = System.nanoTime() + config.taskTimeout().toNanos();
    int printed = 0;
    while (true) {
      long next = client.latestBlock().height() + 1;
      Task task = fl.task(taskId);
      for (Round round : fl.rounds(taskId)) {
        if (round.round() > printed && round.status() == RoundStatus.VERIFIED && round.result().isPresent()) {
          RoundResult r = round.result().get();
          StringBuilder rejected = new StringBuilder();
          for (RejectedUpdate x : r.rejected()) {
            rejected.append(rejected.length() == 0 ? "" : ", ").append(officeOf(x.participant(), orgs)).append(' ').append(x.reason());
          }
          long matches = round.attestations().stream().filter(RoundAttestation::match).count();
          out.printf(Locale.ROOT, "   round %2d/%d: accuracy %6.2f %%, %d accepted, rejected: %s; %d matching attestation(s)%n", round.round(),
              task.rounds(), 100 * r.validationAccuracy(), r.accepted().size(), rejected.length() == 0 ? "none" : rejected, matches);
          out.flush();
          printed = round.round();
        }
      }
      if (task.finished()) {
        return;
      }
      for (Future<Task> f : running) {
        if (f.isDone()) {
          try {
            f.get();
          } catch (ExecutionException e) {
            throw new IllegalStateException("a participant of task " + taskId + " failed: " + e.getCause().getMessage(), e.getCause());
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("task " + taskId + " did not complete within " + config.taskTimeout().toSeconds() + " s (round "
            + task.currentRound() + " of " + task.rounds() + "); is the node's aggregator on (fl.aggregator.key-file) and its verifier?");
      }
      client.awaitBlock(next, Duration.ofSeconds(2));
      if (Thread.interrupted()) {
        throw new InterruptedException("following task " + taskId);
      }
    }
  }

  /** A round's updates as the chain committed them, their blobs fetched from the node: what any validator recomputes from. */
  private List<UpdateInput> inputs(String taskId, Round round) throws IOException {
    Path dir = config.work().resolve(taskId).resolve("recomputed");
    Files.createDirectories(dir);
    List<UpdateInput> inputs = new ArrayList<>();
    for (RoundUpdate u : round.updates()) {
      Path file = dir.resolve(u.updateSha256() + ".bin");
      client.getBlob(u.updateSha256(), file);
      inputs.add(new UpdateInput(u.participant(), Sha256.fromHex(u.updateSha256()), u.examples(), Files.readAllBytes(file)));
    }
    return inputs;
  }

  // ------------------------------------------------------------------ helpers

  private static String behaviourLine(List<Org> orgs) {
    return orgs.get(BYZANTINE).office().name() + " Byzantine (sign-flipped ×" + (int) BYZANTINE_SCALE + "), "
        + orgs.get(FREE_RIDER).office().name() + " a free-rider";
  }

  private static String officeOf(String id, List<Org> orgs) {
    return orgs.stream().filter(o -> o.id().equals(id)).map(o -> o.office().name()).findFirst().orElse(id);
  }

  private static String named(Map<String, Long> byId, List<Org> orgs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < PARTICIPANTS; i++) {
      b.append(i == 0 ? "" : ", ").append(orgs.get(i).office().name()).append(' ').append(byId.getOrDefault(orgs.get(i).id(), 0L));
    }
    return b.toString();
  }

  private static Responses.TxInfo expect(Responses.TxInfo info) {
    if (!info.committed()) {
      throw new IllegalStateException("transaction " + info.id() + " is " + info.status() + ": " + info.code().orElse("") + " "
          + info.message().orElse(""));
    }
    return info;
  }

  private int stepNumber;

  private void step(String what) {
    out.println();
    out.println(++stepNumber + ". " + what);
    out.flush();
  }
}
