package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/fl/tasks/{id}/rounds}: every round of a task opened so far, in round order.
 *
 * @param taskId the task
 * @param rounds its rounds
 */
public record FlRounds(String taskId, List<FlRound> rounds) {
  /** Copies the list. */
  public FlRounds {
    rounds = List.copyOf(rounds);
  }
}
