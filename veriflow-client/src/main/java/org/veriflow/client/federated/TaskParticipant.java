package org.veriflow.client.federated;

import java.util.Objects;
import java.util.Optional;

/**
 * A participant of a federated task as the chain records it.
 *
 * @param id its identity
 * @param dataset the dataset it joined with (only its hashes are on chain)
 * @param datasetRows the dataset's rows: the most examples an update may claim
 * @param joinedHeight the height it joined at
 * @param contributionMicros its contributions summed over the verified rounds where its update was
 *     accepted, in millionths of validation loss
 * @param roundsAccepted rounds where its update was accepted
 * @param roundsRejected rounds where its update was rejected
 * @param roundsMissed rounds where it submitted no update
 * @param reward credits paid to it when the task completed
 * @param joinTxId the id of its {@code fl.join} transaction, which named the dataset (64 hex); empty if the chain did not record it
 */
public record TaskParticipant(String id, TaskDataset dataset, long datasetRows, long joinedHeight, long contributionMicros,
    int roundsAccepted, int roundsRejected, int roundsMissed, long reward, Optional<String> joinTxId) {
  /** @throws NullPointerException if a reference is null */
  public TaskParticipant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(joinTxId, "joinTxId");
  }
}
