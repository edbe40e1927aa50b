package org.veriflow.protocol.http;

/**
 * A participant of a federated task.
 *
 * @param id its identity
 * @param dataset the dataset it trains on (only its hashes are on chain)
 * @param datasetRows the dataset's rows: the most examples an update may claim
 * @param joinedHeight the height it joined at
 * @param contributionMicros the sum of its contributions over the verified rounds where its update was
 *     accepted, in millionths of validation loss
 * @param roundsAccepted the rounds where its update was accepted
 * @param roundsRejected the rounds where its update was rejected
 * @param roundsMissed the rounds where it submitted no update
 * @param reward the credits paid to it when the task completed
 * @param joinTxId the id of the {@code fl.join} transaction, signed by it, that named the dataset (64 hex); null (absent) if the
 *     chain did not record it
 */
public record FlParticipant(String id, ModelDataset dataset, long datasetRows, long joinedHeight, long contributionMicros,
    int roundsAccepted, int roundsRejected, int roundsMissed, long reward, String joinTxId) {}
