package org.veriflow.client.federated;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An update a participant submitted in a round.
 *
 * @param participant the participant
 * @param updateSha256 SHA-256 of its model file, a blob (64 hex)
 * @param examples the training examples it claims
 * @param parameterCount its parameters
 * @param metrics its local metrics by name (immutable)
 * @param height the height it was submitted at
 * @param txId the submitting transaction's id
 */
public record RoundUpdate(String participant, String updateSha256, long examples, long parameterCount, SortedMap<String, Double> metrics,
    long height, String txId) {
  /** @throws NullPointerException if a reference is null */
  public RoundUpdate {
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(updateSha256, "updateSha256");
    metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
  }
}
