package org.veriflow.client.models;

/** Why a model operation of the SDK failed, as a {@link ModelException} reports it; the names are stable codes. */
public enum ModelFailure {
  /** The recipe's data reference is not a dataset snapshot at all, or a snapshot the client cannot export. */
  DATA_UNAVAILABLE,
  /** The blob store returned another model file than the engine wrote. */
  ARTIFACT_MISMATCH,
  /** The node refused {@code models.register}; the message names its code. */
  REGISTRATION_REFUSED,
  /** {@code models.register} reached a block and failed there; the message names the contract's code. */
  REGISTRATION_FAILED,
  /** The registration's block did not come within the node's wait. */
  PENDING
}
