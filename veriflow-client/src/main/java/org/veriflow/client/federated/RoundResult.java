package org.veriflow.client.federated;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a round's latest aggregation came to. Lists and the map are immutable.
 *
 * @param globalModelSha256 SHA-256 of the round's new global model, a blob (64 hex)
 * @param accepted the updates taken in, sorted by participant id
 * @param rejected the updates refused, sorted by participant id
 * @param contributionMicros each accepted participant's leave-one-out contribution, in millionths of
 *     validation loss, by participant id
 * @param validationLoss the new global model's loss on the validation dataset
 * @param validationAccuracy its accuracy there (a classifier), or its R² (a regressor)
 */
public record RoundResult(String globalModelSha256, List<AcceptedUpdate> accepted, List<RejectedUpdate> rejected,
    SortedMap<String, Long> contributionMicros, double validationLoss, double validationAccuracy) {
  /** Copies the lists and the map. */
  public RoundResult {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
    contributionMicros = Collections.unmodifiableSortedMap(new TreeMap<>(contributionMicros));
  }
}
