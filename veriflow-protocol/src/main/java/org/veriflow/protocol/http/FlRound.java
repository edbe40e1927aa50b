package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/fl/tasks/{id}/rounds/{round}}, and each round of {@code GET /v1/fl/tasks/{id}/rounds}.
 *
 * @param taskId the task
 * @param round the round's number, from 1
 * @param status {@code OPEN}, {@code AGGREGATED}, {@code VERIFIED} or {@code AGGREGATE_REJECTED}
 * @param openedHeight the height it opened at
 * @param deadlineHeight the last height at which an update is accepted
 * @param deadlineMillis the block time (milliseconds since 1970-01-01T00:00:00Z) after which no update is
 *     accepted: the opening block's timestamp plus the task's {@code roundMillis}; 0 when the task has no
 *     time limit
 * @param baseModelSha256 the SHA-256 of the global model it starts from (64 hex)
 * @param updates the updates submitted, sorted by participant id
 * @param attempt 0 until aggregated; +1 for each aggregation of the round
 * @param resultSha256 the SHA-256 of the latest aggregation's encoded result (64 hex); null (absent) before one
 * @param result the latest aggregation's result, decoded; null (absent) before one
 * @param aggregatedHeight the height of the latest aggregation (0 before one)
 * @param attestations the validators' attestations, of every attempt
 * @param verifiedHeight the height it was verified at (0 before)
 * @param rejection why the latest aggregation was rejected; null (absent) unless it was
 */
public record FlRound(String taskId, int round, String status, long openedHeight, long deadlineHeight, long deadlineMillis,
    String baseModelSha256,
    List<FlUpdate> updates, int attempt, String resultSha256, FlRoundResult result, long aggregatedHeight, List<FlAttestation> attestations,
    long verifiedHeight, String rejection) {
  /** Copies the lists. */
  public FlRound {
    updates = List.copyOf(updates);
    attestations = List.copyOf(attestations);
  }
}
