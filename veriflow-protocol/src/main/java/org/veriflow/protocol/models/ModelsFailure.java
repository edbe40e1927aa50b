package org.veriflow.protocol.models;

import org.veriflow.protocol.FailureCode;

/** Why a call to the models contract failed. The names are stable codes: never rename one. */
public enum ModelsFailure implements FailureCode {
  /** The arguments do not decode, or break a rule of the method (ids, hashes, recipe, metrics). */
  BAD_ARGUMENTS,
  /** The sender is not an active identity, or its kind or roles do not allow the call. */
  NOT_AUTHORISED,
  /** {@code register}: a model with that id is already registered. */
  MODEL_EXISTS,
  /** {@code register}: a dataset snapshot or dataset version the recipe names does not exist. */
  UNKNOWN_DATASET,
  /** {@code register}: a dataset version the recipe names is erased. */
  DATASET_ERASED,
  /** {@code register}: the hashes given for a dataset differ from its on-chain hashes. */
  DATASET_MISMATCH,
  /** {@code attest}, {@code change_stage}: no model has the id given. */
  UNKNOWN_MODEL,
  /** {@code attest}: the validator already attested the model. */
  ALREADY_ATTESTED,
  /** {@code change_stage}: the model's stage cannot go to the stage asked. */
  INVALID_TRANSITION,
  /**
   * {@code register}: replaying the recipe would cost more than the chain's limit (its parameters ×
   * the rows of its datasets × its epochs, against the genesis parameter {@code maxRecipeCost}).
   */
  RECIPE_TOO_COSTLY
}
