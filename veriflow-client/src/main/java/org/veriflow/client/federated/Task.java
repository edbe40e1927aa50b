package org.veriflow.client.federated;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.TaskStatus;

/**
 * A federated learning task as the fl contract keeps it ({@code GET /v1/fl/tasks/{id}}). Hashes are
 * 64 hex characters; lists are immutable.
 *
 * @param taskId the task's id
 * @param owner the identity that created it and escrowed its reward pool
 * @param status JOINING, RUNNING, COMPLETED or CANCELLED
 * @param recipeSha256 SHA-256 of its canonical federated recipe
 * @param recipe the canonical federated recipe ({@code veriflow-fl-recipe/1}), exactly as hashed
 * @param rounds the rounds it runs
 * @param roundBlocks blocks a round stays open for updates
 * @param roundMillis milliseconds of block time a round stays open for updates (0: no time limit); a round
 *     closes at whichever comes first, its blocks or its time
 * @param minParticipants updates a round needs before it can be aggregated
 * @param maxParticipants the most participants that may join
 * @param rule the aggregation rule
 * @param trimFractionMicros TRIMMED_MEAN: the fraction trimmed at each end, in millionths (else 0)
 * @param krumF KRUM, MULTI_KRUM: the Byzantine updates tolerated (else 0)
 * @param multiKrumM MULTI_KRUM: how many updates are averaged (else 0)
 * @param validation the dataset the contributions are measured on
 * @param root FLTRUST: the aggregator's root dataset
 * @param rewardPool credits held in escrow for the participants
 * @param joinIdentities identities that may join
 * @param joinOrganisations organisations whose members may join
 * @param joinRoles roles whose holders may join; all three empty: any active organisation or member
 * @param aggregator the identity that aggregates the rounds
 * @param modelId the id the final model is registered under
 * @param parameterCount the model's parameters: every update must have as many
 * @param initialModelSha256 SHA-256 of the round-0 global model, built from the recipe alone
 * @param participants its participants, sorted by id
 * @param currentRound the round open or being aggregated (0 while joining; rounds + 1 once completed)
 * @param createdHeight the height it was created at
 * @param startedHeight the height its first round opened at (0 before)
 * @param finishedHeight the height it completed or was cancelled at (0 before)
 * @param cancelReason why it was cancelled, if it was
 * @param refunded credits returned to the owner at completion or cancellation
 */
public record Task(String taskId, String owner, TaskStatus status, String recipeSha256, String recipe, int rounds, long roundBlocks,
    long roundMillis, int minParticipants, int maxParticipants, AggregationRule rule, int trimFractionMicros, int krumF, int multiKrumM,
    TaskDataset validation, Optional<TaskDataset> root, long rewardPool, List<String> joinIdentities, List<String> joinOrganisations,
    List<String> joinRoles, String aggregator, String modelId, long parameterCount, String initialModelSha256,
    List<TaskParticipant> participants, int currentRound, long createdHeight, long startedHeight, long finishedHeight,
    Optional<String> cancelReason, long refunded) {
  /** @throws NullPointerException if a reference is null */
  public Task {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(cancelReason, "cancelReason");
    joinIdentities = List.copyOf(joinIdentities);
    joinOrganisations = List.copyOf(joinOrganisations);
    joinRoles = List.copyOf(joinRoles);
    participants = List.copyOf(participants);
  }

  /**
   * One participant.
   *
   * @param id the participant's identity
   * @return it, or empty if that identity has not joined
   */
  public Optional<TaskParticipant> participant(String id) {
    return participants.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** @return whether the task is over: COMPLETED or CANCELLED */
  public boolean finished() {
    return status == TaskStatus.COMPLETED || status == TaskStatus.CANCELLED;
  }
}
