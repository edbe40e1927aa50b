package org.veriflow.protocol.http;

import java.util.List;

/**
 * What a round's latest aggregation came to: its RoundResult, decoded.
 *
 * @param globalModelSha256 the SHA-256 of the round's new global model, a blob (64 hex)
 * @param accepted the updates taken in, sorted by participant id
 * @param rejected the updates refused, sorted by participant id
 * @param contributions one per accepted participant, sorted by participant id
 * @param validationLoss the new global model's loss on the validation snapshot
 * @param validationAccuracy its accuracy there (a classifier), or its R² (a regressor)
 */
public record FlRoundResult(String globalModelSha256, List<FlAccepted> accepted, List<FlRejected> rejected,
    List<FlContribution> contributions, double validationLoss, double validationAccuracy) {
  /** Copies the lists. */
  public FlRoundResult {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
    contributions = List.copyOf(contributions);
  }
}
