package org.veriflow.demo.federated;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the federated demo found: the offices and their data, every rule's task round by round as the
 * chain recorded it, the participants' contributions and rewards, and the accuracies next to the
 * baselines. Immutable; {@link FederatedReport} renders it.
 *
 * @param chainId the chain the demo ran on
 * @param offices the participants' offices, then the validation and root offices
 * @param rules one run per aggregation rule, in the order run
 * @param participants one row per participant, in id order
 * @param accuracy the headline figures
 * @param cost aggregation cost against local training
 * @param seconds wall time of the whole demo
 */
public record FederatedResult(String chainId, Settings settings, List<OfficeRow> offices, List<RuleRun> rules,
    List<ParticipantRow> participants, Accuracy accuracy, Cost cost, double seconds) {

  public FederatedResult {
    offices = List.copyOf(offices);
    rules = List.copyOf(rules);
    participants = List.copyOf(participants);
  }

  /**
   * How the demo was run.
   *
   * @param days simulated days per office
   * @param intervalMinutes minutes between two readings of a device
   * @param rounds rounds per task
   * @param localEpochs local epochs per round
   * @param recipeSha256 the federated recipe's hash (the same for every task)
   * @param seed seeds the simulation and the recipe
   */
  public record Settings(int days, int intervalMinutes, int rounds, int localEpochs, String recipeSha256, long seed) {}

  /**
   * One office and its snapshot.
   *
   * @param role {@code participant}, {@code validation} or {@code root}
   * @param owner the organisation that owns the stream
   * @param rows legal readings in its snapshot
   * @param occupiedShare share of its rows labelled occupied
   */
  public record OfficeRow(String stream, String name, String role, String owner, String snapshotId, long rows,
      double occupiedShare) {}

  /**
   * One aggregation rule's task.
   *
   * @param rule the rule's chain name ({@code FEDAVG}, {@code MEDIAN}, ...)
   * @param status the task's final status
   * @param rounds every round, in order
   * @param finalAccuracy the last round's validation accuracy
   * @param modelId the final model's id in the models contract
   */
  public record RuleRun(String rule, String taskId, String status, List<RoundRow> rounds, double finalAccuracy,
      String modelId, SortedMap<String, Long> rewards, SortedMap<String, Long> contributionMicros) {
    public RuleRun {
      rounds = List.copyOf(rounds);
      rewards = new TreeMap<>(rewards);
      contributionMicros = new TreeMap<>(contributionMicros);
    }
  }

  /**
   * One round as the chain recorded it.
   *
   * @param accepted participants whose updates went in, in id order
   * @param rejected participants whose updates were thrown out, with the rule's reason
   * @param attestations the validators' verdicts on the aggregate
   */
  public record RoundRow(int round, String rule, String status, String globalModelHash, List<String> accepted,
      List<Rejection> rejected, List<Attestation> attestations, double validationAccuracy, double validationLoss) {
    public RoundRow {
      accepted = List.copyOf(accepted);
      rejected = List.copyOf(rejected);
      attestations = List.copyOf(attestations);
    }
  }

  /** An update the rule threw out: the stable reason code and the rule's score. */
  public record Rejection(String participant, String reason, double score) {}

  /** A validator's verdict: {@code match} if its recomputation gave the aggregator's result. */
  public record Attestation(String validator, boolean match, String failure) {}

  /**
   * A participant.
   *
   * @param behaviour {@code honest}, {@code byzantine} or {@code free-rider}
   * @param contribution leave-one-out contribution in the robust headline task, in validation-loss units
   * @param reward credits paid by the robust headline task
   * @param roundsRejected rounds of the headline task where its update was thrown out
   */
  public record ParticipantRow(String id, String office, String behaviour, double contribution, long reward,
      int roundsAccepted, int roundsRejected, double localOnlyAccuracy) {}

  /**
   * The headline accuracies, all on the validation snapshot.
   *
   * @param robustRule the robust rule the headline figure is taken from, chosen before the run
   * @param federatedRobust that rule's final accuracy, the Byzantine participant present
   * @param federatedMean FedAvg's final accuracy, the Byzantine participant present
   * @param centralised the same recipe on the pooled data of the five participants
   * @param localOnly the best participant trained alone
   * @param localOnlyBest which participant that is
   * @param byRule every rule's final accuracy
   * @param localOnlyAll every participant's local-only accuracy
   */
  public record Accuracy(String robustRule, double federatedRobust, double federatedMean, double centralised,
      double localOnly, String localOnlyBest, SortedMap<String, Double> byRule, SortedMap<String, Double> localOnlyAll) {
    public Accuracy {
      byRule = new TreeMap<>(byRule);
      localOnlyAll = new TreeMap<>(localOnlyAll);
    }
  }

  /**
   * Aggregation cost per round against one participant's local training of a round, both measured
   * in this process on the same machine.
   *
   * @param aggregationMillis mean time to aggregate one round, per rule
   * @param localTrainingMillis mean time of one participant's local training of one round
   */
  public record Cost(SortedMap<String, Double> aggregationMillis, double localTrainingMillis) {
    public Cost {
      aggregationMillis = new TreeMap<>(aggregationMillis);
    }
  }
}
