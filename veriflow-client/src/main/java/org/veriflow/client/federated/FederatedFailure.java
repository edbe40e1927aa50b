package org.veriflow.client.federated;

/**
 * Why the SDK itself stopped a federated learning call before or after the chain had its say: the
 * {@link org.veriflow.client.ClientException#code() code} of the {@link
 * org.veriflow.client.ClientException} it throws. The contract's own refusals keep the contract's codes
 * ({@link org.veriflow.protocol.fl.FlFailure}: {@code UNKNOWN_TASK}, {@code DATASET_MISMATCH}, ...). The
 * names are stable codes: never rename one.
 */
public enum FederatedFailure {
  /** The participant's local CSV does not hash to the dataset hash it joined the task with. */
  DATA_MISMATCH,
  /** The session's identity has not joined the task. */
  NOT_JOINED,
  /** The task's recipe does not parse, or does not hash to the task's recipe hash. */
  BAD_RECIPE,
  /**
   * A round's base model is not the one the chain names: the recipe's initial model does not hash to
   * the task's initial model hash, or a downloaded global model does not hash to the round's base model
   * hash or does not decode to a model of that hash.
   */
  BASE_MODEL_MISMATCH,
  /** A dataset named for a task or a join has hashes the SDK cannot use (not 64 hex characters). */
  BAD_DATASET,
  /** A transaction's block did not come within the node's wait; it may still be committed later. */
  PENDING
}
