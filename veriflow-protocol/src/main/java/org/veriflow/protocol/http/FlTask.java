package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/fl/tasks/{id}}, and each task of {@code GET /v1/fl/tasks}: a federated learning task
 * as the fl contract keeps it (its TaskRecord and the CreateTask it was created with).
 *
 * @param taskId the task's id
 * @param owner the identity that created it and escrowed its reward pool
 * @param status {@code JOINING}, {@code RUNNING}, {@code COMPLETED} or {@code CANCELLED}
 * @param recipeSha256 the SHA-256 of its canonical federated recipe (64 hex)
 * @param recipe the canonical federated recipe (JSON {@code veriflow-fl-recipe/1}), exactly as hashed
 * @param rounds the rounds it runs
 * @param roundBlocks the blocks a round stays open for updates once it opens
 * @param roundMillis the milliseconds of block time a round stays open for updates once it opens (0: no
 *     time limit); a round closes at whichever comes first, its blocks or its time
 * @param minParticipants the updates a round needs before it can be aggregated
 * @param maxParticipants the most participants that may join
 * @param rule the aggregation rule: {@code FEDAVG}, {@code MEDIAN}, {@code TRIMMED_MEAN}, {@code KRUM},
 *     {@code MULTI_KRUM} or {@code FLTRUST}
 * @param trimFractionMicros {@code TRIMMED_MEAN}: the fraction trimmed at each end, in millionths (0 otherwise)
 * @param krumF {@code KRUM}, {@code MULTI_KRUM}: the Byzantine updates tolerated (0 otherwise)
 * @param multiKrumM {@code MULTI_KRUM}: how many updates are averaged (0 otherwise)
 * @param validation the snapshot or dataset version the contributions are measured on
 * @param root {@code FLTRUST}: the aggregator's root dataset; null (absent) for the other rules
 * @param rewardPool the credits held in escrow for the participants
 * @param joinIdentities the identities that may join (sorted)
 * @param joinOrganisations the organisations whose members may join (sorted)
 * @param joinRoles the roles whose holders may join (sorted); all three empty: any active identity
 * @param aggregator the identity that aggregates the rounds
 * @param modelId the model id the final model is registered under
 * @param parameterCount the model's parameters: every update must have as many
 * @param initialModelSha256 the SHA-256 of the round-0 global model, built from the recipe alone (64 hex)
 * @param participants its participants, sorted by id
 * @param currentRound the round open or being aggregated now (0 while joining; rounds + 1 once completed)
 * @param createdHeight the height it was created at
 * @param startedHeight the height its first round opened at (0 before)
 * @param finishedHeight the height it completed or was cancelled at (0 before)
 * @param cancelReason why it was cancelled; null (absent) unless cancelled
 * @param refunded the credits returned to the owner at completion or cancellation
 */
public record FlTask(String taskId, String owner, String status, String recipeSha256, String recipe, int rounds, long roundBlocks,
    long roundMillis, int minParticipants, int maxParticipants, String rule, int trimFractionMicros, int krumF, int multiKrumM, ModelDataset validation,
    ModelDataset root, long rewardPool, List<String> joinIdentities, List<String> joinOrganisations, List<String> joinRoles,
    String aggregator, String modelId, long parameterCount, String initialModelSha256, List<FlParticipant> participants, int currentRound,
    long createdHeight, long startedHeight, long finishedHeight, String cancelReason, long refunded) {
  /** Copies the lists. */
  public FlTask {
    joinIdentities = List.copyOf(joinIdentities);
    joinOrganisations = List.copyOf(joinOrganisations);
    joinRoles = List.copyOf(joinRoles);
    participants = List.copyOf(participants);
  }
}
