package org.veriflow.client.federated;

/** Where a {@link Participant} stands in one round, as its {@link RoundListener} hears it. */
public enum RoundPhase {
  /**
   * The task has not started yet, or the round is open and the participant waits: for its turn, or
   * for the round's global model to reach its node.
   */
  WAITING,
  /** Training locally on the participant's own data, from the round's global model. */
  TRAINING,
  /** Uploading the update's model file as a blob. */
  UPLOADING,
  /** The update's {@code fl.submit_update} is committed (or was before a restart). */
  SUBMITTED,
  /** The round was aggregated; validators are recomputing it. */
  AGGREGATED,
  /** The round's aggregate is verified by validators' recomputations. */
  VERIFIED,
  /** The round closed without this participant's update (its deadline passed first). */
  MISSED
}
