package org.veriflow.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.veriflow.client.federated.FederatedClient;
import org.veriflow.cli.cluster.Table;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.Participant;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.RoundProgress;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskParticipant;
import org.veriflow.client.federated.TaskSpec;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "fl", description = {"Federated learning: organisations train one model together without pooling their data;",
    "rounds, updates, aggregates and contributions are on chain."},
    subcommands = {FlCommand.Create.class, FlCommand.Join.class, FlCommand.Start.class, FlCommand.Cancel.class, FlCommand.Run.class,
        FlCommand.Status.class, FlCommand.Rounds.class, FlCommand.Contributions.class})
final class FlCommand {
  private FlCommand() {}

  /** The JSON result of a command that submits one transaction of a task. */
  record Submitted(String task, String transaction, long height) {}

  /** A dataset given as a snapshot id or a dataset id with its version; {@code what} names the options. */
  static DatasetSource dataset(CommandSpec spec, String snapshot, String dataset, Long version, String what) {
    if (snapshot != null && dataset != null) {
      throw new ParameterException(spec.commandLine(), "give --" + what + "-snapshot or --" + what + "-dataset, not both");
    }
    if (dataset != null && version == null) {
      throw new ParameterException(spec.commandLine(), "--" + what + "-dataset needs --" + what + "-version");
    }
    if (dataset == null && version != null) {
      throw new ParameterException(spec.commandLine(), "--" + what + "-version goes with --" + what + "-dataset");
    }
    try {
      return snapshot != null ? DatasetSource.snapshot(snapshot) : dataset != null ? DatasetSource.version(dataset, version) : null;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + what + ": " + e.getMessage());
    }
  }

  /** An aggregation rule as the options name it: fedavg, median, trimmed-mean, krum, multi-krum, fltrust. */
  static AggregationRule rule(CommandSpec spec, String name) {
    String n = name.toUpperCase(Locale.ROOT).replace('-', '_');
    for (AggregationRule r : AggregationRule.values()) {
      if (r != AggregationRule.AGGREGATION_RULE_UNSPECIFIED && r != AggregationRule.UNRECOGNIZED && r.name().equals(n)) {
        return r;
      }
    }
    throw new ParameterException(spec.commandLine(), "--rule must be fedavg, median, trimmed-mean, krum, multi-krum or fltrust, not '" + name + "'");
  }

  /** A rule as the options name it. */
  static String ruleName(AggregationRule rule) {
    return rule.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Command(name = "create", description = {"Create a federated task, signed by its owner (--key), whose reward pool goes into escrow.",
      "The validation (and FLTrust root) dataset's hashes are read from the chain. Prints the transaction id."})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--task", required = true, description = "The task id: lower-case letters, digits and '-'.")
    String task;

    @Option(names = "--recipe", required = true, paramLabel = "FILE", description = "The federated recipe (JSON veriflow-fl-recipe/1).")
    Path recipe;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N", description = "Rounds to run, 1 to 100 (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--round-blocks", defaultValue = "20", paramLabel = "N", description = "Blocks a round stays open, 1 to 100000 (default: ${DEFAULT-VALUE}).")
    long roundBlocks;

    @Option(names = "--round-time", paramLabel = "DURATION", description = {"Also close each round once this much block time has passed since "
        + "it opened, whichever deadline comes first: 1s to 7d, a whole number with a unit ms, s, m, h or d (e.g. 30s, 5m).",
        "On an idle chain no blocks come, so only a time limit closes a round a participant never fills (default: none)."})
    String roundTime;

    @Option(names = "--min-participants", defaultValue = "1", paramLabel = "N", description = "Updates a round needs (default: ${DEFAULT-VALUE}).")
    int minParticipants;

    @Option(names = "--max-participants", defaultValue = "16", paramLabel = "N", description = "Participants the task takes, 1 to 16 (default: ${DEFAULT-VALUE}).")
    int maxParticipants;

    @Option(names = "--rule", defaultValue = "fedavg", description = "fedavg, median, trimmed-mean, krum, multi-krum or fltrust (default: ${DEFAULT-VALUE}).")
    String rule;

    @Option(names = "--trim", paramLabel = "FRACTION", description = "trimmed-mean: the fraction dropped at each end, above 0 and below 0.5, e.g. 0.2.")
    BigDecimal trim;

    @Option(names = "--krum-f", defaultValue = "0", paramLabel = "F", description = "krum, multi-krum: the Byzantine updates tolerated (default: ${DEFAULT-VALUE}).")
    int krumF;

    @Option(names = "--multi-krum-m", defaultValue = "0", paramLabel = "M", description = "multi-krum: how many updates are averaged.")
    int multiKrumM;

    @Option(names = "--validation-snapshot", paramLabel = "ID", description = "The snapshot the rounds and contributions are measured on.")
    String validationSnapshot;

    @Option(names = "--validation-dataset", paramLabel = "ID", description = "Or a dataset version (with --validation-version).")
    String validationDataset;

    @Option(names = "--validation-version", paramLabel = "N", description = "The version of --validation-dataset.")
    Long validationVersion;

    @Option(names = "--root-snapshot", paramLabel = "ID", description = "fltrust: the aggregator's clean snapshot.")
    String rootSnapshot;

    @Option(names = "--root-dataset", paramLabel = "ID", description = "fltrust: or a dataset version (with --root-version).")
    String rootDataset;

    @Option(names = "--root-version", paramLabel = "N", description = "The version of --root-dataset.")
    Long rootVersion;

    @Option(names = "--reward-pool", defaultValue = "0", paramLabel = "CREDITS", description = "Credits escrowed and paid to the participants (default: ${DEFAULT-VALUE}).")
    long rewardPool;

    @Option(names = "--allow-identity", paramLabel = "ID", description = "An identity that may join; repeat for more.")
    List<String> identities = List.of();

    @Option(names = "--allow-organisation", paramLabel = "ID", description = "An organisation whose members may join; repeat for more.")
    List<String> organisations = List.of();

    @Option(names = "--allow-role", paramLabel = "ROLE", description = "A role whose holders may join; repeat for more. No --allow-*: any organisation or member.")
    List<String> roles = List.of();

    @Option(names = "--aggregator", required = true, paramLabel = "ID", description = "The identity that aggregates the rounds (a node's).")
    String aggregator;

    @Option(names = "--model-id", paramLabel = "ID", description = "The id the final model is registered under (default: the task id).")
    String modelId;

    @Override
    public Integer call() throws Exception {
      TaskSpec taskSpec = taskSpec();
      VeriflowClient client = options.client();
      printSubmitted(spec, output, task, new FederatedClient(client).createTask(options.session(client), taskSpec));
      return Veriflow.OK;
    }

    /** The task as the options give it: every option is checked before the node is asked anything. */
    TaskSpec taskSpec() throws java.io.IOException {
      AggregationRule r = rule(spec, rule);
      int trimMicros = 0;
      if (trim != null) {
        if (trim.signum() <= 0 || trim.compareTo(new BigDecimal("0.5")) >= 0) {
          throw new ParameterException(spec.commandLine(), "--trim must be above 0 and below 0.5, not " + trim.toPlainString());
        }
        BigDecimal micros = trim.movePointRight(6);
        if (micros.stripTrailingZeros().scale() > 0) {
          throw new ParameterException(spec.commandLine(), "--trim is kept in millionths: " + trim.toPlainString() + " has more than 6 decimals");
        }
        trimMicros = micros.intValueExact();
      }
      DatasetSource validation = dataset(spec, validationSnapshot, validationDataset, validationVersion, "validation");
      if (validation == null) {
        throw new ParameterException(spec.commandLine(), "give the validation dataset: --validation-snapshot ID, or --validation-dataset ID --validation-version N");
      }
      DatasetSource root = dataset(spec, rootSnapshot, rootDataset, rootVersion, "root");
      if (!Files.isRegularFile(recipe)) {
        throw new ParameterException(spec.commandLine(), "--recipe " + recipe + " is not a file");
      }
      byte[] json = Files.readAllBytes(recipe);
      TaskSpec.Builder b = TaskSpec.builder(task);
      try {
        b.recipe(json);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("recipe " + recipe + ": " + e.getMessage(), e);
      }
      b.rounds(rounds).roundBlocks(roundBlocks).minParticipants(minParticipants).maxParticipants(maxParticipants)
          .rule(r, trimMicros, krumF, multiKrumM, root).validation(validation).rewardPool(rewardPool)
          .aggregator(aggregator).modelId(modelId == null ? task : modelId);
      identities.forEach(b::allowIdentity);
      organisations.forEach(b::allowOrganisation);
      roles.forEach(b::allowRole);
      try {
        if (roundTime != null) {
          b.roundMillis(duration("--round-time", roundTime));
        }
        return b.build();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }

  private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)");

  /**
   * Parses a duration as a whole number and a unit: {@code 1500ms}, {@code 30s}, {@code 5m},
   * {@code 2h}, {@code 1d}.
   *
   * @throws IllegalArgumentException with a sentence naming {@code option} if {@code text} is not one
   */
  static Duration duration(String option, String text) {
    java.util.regex.Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " must be a whole number with a unit ms, s, m, h or d (e.g. 30s, 5m), not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /**
   * A round time as {@code --round-time} takes it, in the largest of its units that divides it
   * exactly, with a space: {@code 10 s}, {@code 5 m}, {@code 1500 ms}.
   */
  static String roundTime(long millis) {
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis % sizes[i] == 0) {
        return millis / sizes[i] + " " + units[i];
      }
    }
    return millis + " ms";
  }

  @Command(name = "join", description = {"Join a task with the dataset the --key identity trains on: a snapshot, or a dataset version.",
      "Only its hashes go on chain. Prints the transaction id."})
  static final class Join implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--task", required = true, description = "The task id.")
    String task;

    @Option(names = "--snapshot", paramLabel = "ID", description = "The snapshot the participant trains on.")
    String snapshot;

    @Option(names = "--dataset", paramLabel = "ID", description = "Or a dataset (with --dataset-version).")
    String dataset;

    @Option(names = "--dataset-version", paramLabel = "N", description = "The version of --dataset.")
    Long version;

    @Override
    public Integer call() {
      if (snapshot != null && dataset != null) {
        throw new ParameterException(spec.commandLine(), "give --snapshot or --dataset, not both");
      }
      if (dataset != null && version == null) {
        throw new ParameterException(spec.commandLine(), "--dataset needs --dataset-version");
      }
      if (dataset == null && version != null) {
        throw new ParameterException(spec.commandLine(), "--dataset-version goes with --dataset");
      }
      if (snapshot == null && dataset == null) {
        throw new ParameterException(spec.commandLine(), "give the dataset to train on: --snapshot ID, or --dataset ID --dataset-version N");
      }
      DatasetSource source;
      try {
        source = snapshot != null ? DatasetSource.snapshot(snapshot) : DatasetSource.version(dataset, version);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      VeriflowClient client = options.client();
      Responses.TxInfo tx = new FederatedClient(client).join(options.session(client), task, source);
      printSubmitted(spec, output, task, tx);
      return Veriflow.OK;
    }
  }

  @Command(name = "start", description = "Close joining and open round 1 (the task's owner, --key). Prints the transaction id.")
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--task", required = true, description = "The task id.")
    String task;

    @Override
    public Integer call() {
      VeriflowClient client = options.client();
      printSubmitted(spec, output, task, new FederatedClient(client).start(options.session(client), task));
      return Veriflow.OK;
    }
  }

  @Command(name = "cancel", description = "Stop a task that has not completed (its owner, --key); the pool returns to the owner. Prints the transaction id.")
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--task", required = true, description = "The task id.")
    String task;

    @Option(names = "--reason", defaultValue = "", description = "Why, kept on chain.")
    String reason;

    @Override
    public Integer call() {
      VeriflowClient client = options.client();
      printSubmitted(spec, output, task, new FederatedClient(client).cancel(options.session(client), task, reason));
      return Veriflow.OK;
    }
  }

  static void printSubmitted(CommandSpec spec, OutputOptions output, String task, Responses.TxInfo tx) {
    PrintWriter out = spec.commandLine().getOut();
    if (!output.printJson(out, new Submitted(task, tx.id(), tx.height().orElse(-1L)))) {
      out.println(tx.id());
    }
  }

  @Command(name = "run", description = {"Take part in a task as the --key identity until it completes: for each round, train the",
      "round's global model on the local data (never sent), upload the update and submit it. Progress per round",
      "on standard error; a restarted run resumes where the chain says it stands. Exits 0 once the task completed."})
  static final class Run implements Callable<Integer> {
    /** The JSON result: the task's end and this participant's account of it. */
    record Finished(String task, String status, String participant, long contributionMicros, long reward, int roundsAccepted,
        int roundsRejected, int roundsMissed) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--task", required = true, description = "The task id.")
    String task;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "The local CSV: the dataset the identity joined with.")
    Path data;

    @Option(names = "--work", defaultValue = "fl-work", paramLabel = "DIR", description = "Where global models and updates are written (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Training threads; the update is the same for any count (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
      if (threads < 1) {
        throw new ParameterException(spec.commandLine(), "--threads must be at least 1, not " + threads);
      }
      if (!Files.isRegularFile(data)) {
        throw new ParameterException(spec.commandLine(), "--data " + data + " is not a file");
      }
      PrintWriter err = spec.commandLine().getErr();
      VeriflowClient client = options.client();
      org.veriflow.client.Session session = options.session(client);
      Task end;
      try (Participant p = new Participant(session, task, data, work).threads(threads).listener(progress -> print(err, progress))) {
        end = p.run();
      }
      String me = session.key().id().value();
      if (end.status() == TaskStatus.CANCELLED) {
        throw new IllegalStateException("task " + task + " was cancelled" + end.cancelReason().map(r -> ": " + r).orElse(""));
      }
      TaskParticipant self = end.participant(me).orElseThrow();
      PrintWriter out = spec.commandLine().getOut();
      if (!output.printJson(out, new Finished(task, end.status().name(), me, self.contributionMicros(), self.reward(), self.roundsAccepted(),
          self.roundsRejected(), self.roundsMissed()))) {
        out.println("task " + task + " " + end.status() + ": contribution " + self.contributionMicros() + " micros, reward " + self.reward()
            + ", rounds accepted " + self.roundsAccepted() + ", rejected " + self.roundsRejected() + ", missed " + self.roundsMissed());
      }
      return Veriflow.OK;
    }

    private static void print(PrintWriter err, RoundProgress p) {
      StringBuilder line = new StringBuilder(p.round() == 0 ? "task " + p.taskId() : "round " + p.round()).append(": ")
          .append(p.phase().name().toLowerCase(Locale.ROOT));
      if (!p.localMetrics().isEmpty()) {
        line.append("  ").append(p.localMetrics().entrySet().stream()
            .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.5f", e.getValue())).collect(Collectors.joining(" ")));
      }
      p.validationAccuracy().ifPresent(a -> line.append(String.format(Locale.ROOT, "  validation accuracy %.4f", a)));
      if (!p.detail().isEmpty()) {
        line.append("  (").append(p.detail()).append(')');
      }
      err.println(line);
      err.flush();
    }
  }

  @Command(name = "status", description = "Show a task: its status, recipe, rule, pool, current round and participants.")
  static final class Status implements Callable<Integer> {
    /** The JSON result: the task as the chain keeps it. */
    record Shown(String task, String owner, String status, String recipeSha256, int rounds, int currentRound, long roundBlocks,
        long roundMillis, int minParticipants, int maxParticipants, String rule, int trimFractionMicros, int krumF, int multiKrumM,
        String validation, String root, long rewardPool, long refunded, String aggregator, String modelId, long parameterCount, String initialModelSha256,
        List<String> participants, long createdHeight, long startedHeight, long finishedHeight, String cancelReason) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "TASK")
    String task;

    @Override
    public Integer call() {
      Task t = new FederatedClient(options.client()).task(task);
      PrintWriter out = spec.commandLine().getOut();
      List<String> participants = t.participants().stream().map(TaskParticipant::id).toList();
      if (output.printJson(out, new Shown(t.taskId(), t.owner(), t.status().name(), t.recipeSha256(), t.rounds(), t.currentRound(),
          t.roundBlocks(), t.roundMillis(), t.minParticipants(), t.maxParticipants(), ruleName(t.rule()), t.trimFractionMicros(), t.krumF(),
          t.multiKrumM(), t.validation().source().toString(), t.root().map(r -> r.source().toString()).orElse(null), t.rewardPool(), t.refunded(),
          t.aggregator(), t.modelId(), t.parameterCount(), t.initialModelSha256(), participants, t.createdHeight(), t.startedHeight(),
          t.finishedHeight(), t.cancelReason().orElse(null)))) {
        return Veriflow.OK;
      }
      out.println("task:          " + t.taskId() + " (" + t.status() + ")");
      out.println("owner:         " + t.owner());
      out.println("round:         " + Math.min(t.currentRound(), t.rounds()) + " of " + t.rounds() + ", " + t.roundBlocks() + " blocks"
          + (t.roundMillis() > 0 ? " or " + roundTime(t.roundMillis()) : "") + " each");
      out.println("rule:          " + ruleName(t.rule()) + ruleParameters(t));
      out.println("participants:  " + t.participants().size() + " (min " + t.minParticipants() + " per round, max " + t.maxParticipants() + ")"
          + (participants.isEmpty() ? "" : ": " + String.join(", ", participants)));
      out.println("validation:    " + t.validation().source());
      t.root().ifPresent(r -> out.println("root:          " + r.source()));
      out.println("reward pool:   " + t.rewardPool() + (t.refunded() > 0 ? ", refunded " + t.refunded() : ""));
      out.println("aggregator:    " + t.aggregator());
      out.println("model:         " + t.modelId() + ", " + t.parameterCount() + " parameters");
      out.println("recipe:        " + t.recipeSha256());
      t.cancelReason().ifPresent(r -> out.println("cancelled:     " + r));
      return Veriflow.OK;
    }

    private static String ruleParameters(Task t) {
      return switch (t.rule()) {
        case TRIMMED_MEAN -> " (trim " + t.trimFractionMicros() + " micros)";
        case KRUM -> " (f " + t.krumF() + ")";
        case MULTI_KRUM -> " (f " + t.krumF() + ", m " + t.multiKrumM() + ")";
        default -> "";
      };
    }
  }

  @Command(name = "rounds", description = "List a task's rounds: status, accepted and rejected updates, global model, attestations, validation accuracy.")
  static final class Rounds implements Callable<Integer> {
    /** A refused update in JSON. */
    record Rejected(String participant, String reason, double score) {}

    /** One round in JSON; the aggregate's fields are null before it is aggregated. */
    record Shown(int round, String status, long openedHeight, long deadlineHeight, long deadlineMillis, String deadlineTime, int updates,
        List<String> accepted, List<Rejected> rejected, String globalModelSha256, int attestations, int matchingAttestations, Double validationLoss,
        Double validationAccuracy) {}

    /** The JSON result. */
    record Listed(String task, List<Shown> rounds) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "TASK")
    String task;

    @Override
    public Integer call() {
      List<Round> rounds = new FederatedClient(options.client()).rounds(task);
      List<Shown> shown = rounds.stream().map(Rounds::shown).toList();
      PrintWriter out = spec.commandLine().getOut();
      if (output.printJson(out, new Listed(task, shown))) {
        return Veriflow.OK;
      }
      Table table = new Table("ROUND", "STATUS", "DEADLINE", "UPDATES", "ACCEPTED", "REJECTED", "GLOBAL MODEL", "ATTESTATIONS", "ACCURACY");
      for (Shown s : shown) {
        String deadline = "height " + s.deadlineHeight() + (s.deadlineTime() == null ? "" : " or " + s.deadlineTime());
        table.row(Integer.toString(s.round()), s.status(), deadline, Integer.toString(s.updates()), String.join(",", s.accepted()),
            s.rejected().stream().map(x -> x.participant() + ":" + x.reason()).collect(Collectors.joining(",")),
            s.globalModelSha256() == null ? "-" : s.globalModelSha256(),
            s.matchingAttestations() + "/" + s.attestations(),
            s.validationAccuracy() == null ? "-" : String.format(Locale.ROOT, "%.4f", s.validationAccuracy()));
      }
      table.print(out);
      return Veriflow.OK;
    }

    /** The deadline time as ISO-8601 UTC, or null when the round has none. */
    private static String deadlineTime(Round r) {
      return r.deadlineMillis() > 0 ? Instant.ofEpochMilli(r.deadlineMillis()).toString() : null;
    }

    private static Shown shown(Round r) {
      int matching = (int) r.attestations().stream().filter(a -> a.attempt() == r.attempt() && a.match()).count();
      int attestations = (int) r.attestations().stream().filter(a -> a.attempt() == r.attempt()).count();
      return r.result().map(x -> new Shown(r.round(), r.status().name(), r.openedHeight(), r.deadlineHeight(), r.deadlineMillis(),
          deadlineTime(r), r.updates().size(),
          x.accepted().stream().map(a -> a.participant()).toList(),
          x.rejected().stream().map(j -> new Rejected(j.participant(), j.reason(), j.score())).toList(), x.globalModelSha256(),
          attestations, matching, x.validationLoss(), x.validationAccuracy()))
          .orElse(new Shown(r.round(), r.status().name(), r.openedHeight(), r.deadlineHeight(), r.deadlineMillis(), deadlineTime(r),
              r.updates().size(), List.of(), List.of(), null, attestations, matching, null, null));
    }
  }

  @Command(name = "contributions", description = "List a task's participants: contribution, reward, rounds accepted, rejected and missed.")
  static final class Contributions implements Callable<Integer> {
    /** One participant in JSON; the contribution is in millionths of validation loss. */
    record Shown(String participant, String dataset, long contributionMicros, long reward, int roundsAccepted, int roundsRejected,
        int roundsMissed) {}

    /** The JSON result. */
    record Listed(String task, String status, long rewardPool, long refunded, List<Shown> participants) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "TASK")
    String task;

    @Override
    public Integer call() {
      Task t = new FederatedClient(options.client()).task(task);
      List<Shown> shown = t.participants().stream().map(p -> new Shown(p.id(), p.dataset().source().toString(), p.contributionMicros(),
          p.reward(), p.roundsAccepted(), p.roundsRejected(), p.roundsMissed())).toList();
      PrintWriter out = spec.commandLine().getOut();
      if (output.printJson(out, new Listed(t.taskId(), t.status().name(), t.rewardPool(), t.refunded(), shown))) {
        return Veriflow.OK;
      }
      Table table = new Table("PARTICIPANT", "CONTRIBUTION", "REWARD", "ACCEPTED", "REJECTED", "MISSED");
      for (Shown s : shown) {
        table.row(s.participant(), String.format(Locale.ROOT, "%.6f", s.contributionMicros() / 1e6), Long.toString(s.reward()),
            Integer.toString(s.roundsAccepted()), Integer.toString(s.roundsRejected()), Integer.toString(s.roundsMissed()));
      }
      table.print(out);
      return Veriflow.OK;
    }
  }
}
