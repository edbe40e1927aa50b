package org.veriflow.protocol.http;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An update a participant submitted in a round.
 *
 * @param participant the participant
 * @param updateSha256 the SHA-256 of its model file, a blob (64 hex)
 * @param examples the training examples it claims
 * @param parameterCount its parameters
 * @param metrics its local metrics by name
 * @param height the height it was submitted at
 * @param txId the id of the transaction that submitted it (64 hex)
 */
public record FlUpdate(String participant, String updateSha256, long examples, long parameterCount, SortedMap<String, Double> metrics,
    long height, String txId) {
  /** Copies the map. */
  public FlUpdate {
    metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
  }
}
