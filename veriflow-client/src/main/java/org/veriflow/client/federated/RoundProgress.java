package org.veriflow.client.federated;

import java.util.Collections;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One step of a {@link Participant} in one round.
 *
 * @param taskId the task
 * @param round the round, from 1 (0 while the task has not started)
 * @param phase where the participant stands
 * @param localMetrics its update's local metrics once trained (immutable; empty before)
 * @param validationAccuracy the round's global model's accuracy on the validation dataset (R² for a
 *     regressor), once the round is aggregated
 * @param detail a short note for people ("accepted", "rejected: KRUM_NOT_SELECTED", "update 3f2a…"), or empty
 */
public record RoundProgress(String taskId, int round, RoundPhase phase, SortedMap<String, Double> localMetrics,
    OptionalDouble validationAccuracy, String detail) {
  /** @throws NullPointerException if a reference is null */
  public RoundProgress {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(phase, "phase");
    localMetrics = Collections.unmodifiableSortedMap(new TreeMap<>(localMetrics));
    Objects.requireNonNull(validationAccuracy, "validationAccuracy");
    Objects.requireNonNull(detail, "detail");
  }
}
