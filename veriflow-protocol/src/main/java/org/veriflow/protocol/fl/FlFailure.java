package org.veriflow.protocol.fl;

import org.veriflow.protocol.FailureCode;

/** Why a call to the fl (federated learning) contract failed. The names are stable codes: never rename one. */
public enum FlFailure implements FailureCode {
  /** The arguments do not decode, or break a rule of the method (ids, hashes, bounds, recipe, ordering). */
  BAD_ARGUMENTS,
  /** The sender is not an active identity, or its kind, roles or place in the task do not allow the call. */
  NOT_AUTHORISED,
  /** {@code create_task}: a task with that id already exists, or a model has the task's model id. */
  TASK_EXISTS,
  /** No task has the id given. */
  UNKNOWN_TASK,
  /** {@code create_task}, {@code join}: a dataset snapshot or dataset version named does not exist. */
  UNKNOWN_DATASET,
  /** {@code create_task}, {@code join}: a dataset version named is erased. */
  DATASET_ERASED,
  /** {@code create_task}, {@code join}: the hashes given for a dataset differ from its on-chain hashes. */
  DATASET_MISMATCH,
  /** {@code join}: the sender does not satisfy the task's join policy. */
  NOT_ELIGIBLE,
  /** {@code join}: the sender already joined the task. */
  ALREADY_JOINED,
  /** {@code join}: the task has its maximum number of participants. */
  TASK_FULL,
  /** The task's status does not allow the call (joining after the start, updates before it or after the end). */
  WRONG_STATUS,
  /** {@code start}: fewer participants joined than the task's minimum. */
  TOO_FEW_PARTICIPANTS,
  /** {@code submit_update}: the sender is not a participant of the task. */
  NOT_PARTICIPANT,
  /** {@code submit_update}, {@code aggregate}, {@code attest_round}: the round named is not the task's current round. */
  WRONG_ROUND,
  /** {@code submit_update}: the round's deadline has passed, or it is no longer open. */
  ROUND_CLOSED,
  /** {@code submit_update}: the participant already submitted an update in this round. */
  DUPLICATE_UPDATE,
  /** {@code submit_update}: the update's hash was submitted before in this task (a replayed update). */
  REPLAYED_UPDATE,
  /** {@code submit_update}: the update's parameter count differs from the task's model. */
  WRONG_SHAPE,
  /** {@code submit_update}: the update claims more examples than the participant's dataset has rows. */
  TOO_MANY_EXAMPLES,
  /** {@code aggregate}: the round is still open: not every participant submitted and the deadline has not passed. */
  ROUND_OPEN,
  /** {@code aggregate}: fewer updates were submitted than the task's minimum participants. */
  TOO_FEW_UPDATES,
  /** {@code aggregate}: the result does not account for exactly the round's submitted updates. */
  INPUTS_MISMATCH,
  /** {@code aggregate}: the round is already aggregated and not rejected, or verified. */
  ALREADY_AGGREGATED,
  /** {@code attest_round}: the round has no aggregate waiting for attestations. */
  NOT_AGGREGATED,
  /** {@code attest_round}: the validator already attested this aggregation of the round. */
  ALREADY_ATTESTED,
  /** {@code create_task}: the owner's balance is below the reward pool. */
  INSUFFICIENT_FUNDS,
  /** {@code create_task}, payouts: a balance or an escrow would exceed the largest amount it holds. */
  BALANCE_OVERFLOW,
  /** {@code create_task}: the recipe's local training costs more than the chain's largest recipe cost. */
  RECIPE_TOO_COSTLY
}
