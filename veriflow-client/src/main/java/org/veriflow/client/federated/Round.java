package org.veriflow.client.federated;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.veriflow.protocol.proto.fl.RoundStatus;

/**
 * One round of a federated task ({@code GET /v1/fl/tasks/{id}/rounds/{round}}). Lists are immutable.
 *
 * @param taskId the task
 * @param round the round's number, from 1
 * @param status OPEN, AGGREGATED, VERIFIED or AGGREGATE_REJECTED
 * @param openedHeight the height it opened at
 * @param deadlineHeight the last height at which an update is accepted
 * @param deadlineMillis the block time (milliseconds since 1970-01-01T00:00:00Z) after which no update is
 *     accepted; 0 when the task has no time limit
 * @param baseModelSha256 SHA-256 of the global model it starts from (64 hex)
 * @param updates the updates submitted, sorted by participant id
 * @param attempt 0 until aggregated; +1 for each aggregation of the round
 * @param resultSha256 SHA-256 of the latest aggregation's encoded result, once there is one
 * @param result the latest aggregation's result, once there is one
 * @param aggregatedHeight the height of the latest aggregation (0 before one)
 * @param attestations the validators' attestations, of every attempt
 * @param verifiedHeight the height it was verified at (0 before)
 * @param rejection why the latest aggregation was rejected, if it was
 */
public record Round(String taskId, int round, RoundStatus status, long openedHeight, long deadlineHeight, long deadlineMillis,
    String baseModelSha256,
    List<RoundUpdate> updates, int attempt, Optional<String> resultSha256, Optional<RoundResult> result, long aggregatedHeight,
    List<RoundAttestation> attestations, long verifiedHeight, Optional<String> rejection) {
  /** @throws NullPointerException if a reference is null */
  public Round {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(baseModelSha256, "baseModelSha256");
    updates = List.copyOf(updates);
    attestations = List.copyOf(attestations);
    Objects.requireNonNull(resultSha256, "resultSha256");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(rejection, "rejection");
  }

  /**
   * A participant's update in this round.
   *
   * @param participant the participant's identity
   * @return its update, or empty if it submitted none
   */
  public Optional<RoundUpdate> update(String participant) {
    return updates.stream().filter(u -> u.participant().equals(participant)).findFirst();
  }
}
