package org.veriflow.client.audit;

/**
 * Why a link of an audit failed: the stable codes of {@code veriflow audit}, printed with each failed
 * check. {@link #OK} and {@link #SKIPPED} mark checks that passed or were not made.
 */
public enum AuditCode {
  OK,
  SKIPPED,
  /** The node has no record of the model, snapshot, stream or decision named. */
  NOT_FOUND,
  /** A transaction is not in a block, or its inclusion proof or block signature does not verify. */
  NOT_IN_LOG,
  /** A transaction is in the log but failed, so it changed nothing. */
  TX_FAILED,
  /** A transaction's payload does not hash to its id, is not the expected call, or does not carry what the record says. */
  TX_MISMATCH,
  /** A transaction's signature does not verify, or its sender is not who the record names. */
  BAD_TX_SIGNATURE,
  /** Bytes do not hash to the hash recorded for them. */
  HASH_MISMATCH,
  /** The recipe does not parse or is not in canonical form. */
  RECIPE_INVALID,
  /** The recipe's data or engine differs from what the model record names. */
  RECIPE_MISMATCH,
  /** A snapshot's on-chain hashes differ from those the model record names. */
  DATASET_MISMATCH,
  /** An export recomputed from the chain's readings does not reproduce the snapshot's hashes. */
  EXPORT_MISMATCH,
  /** A reading's signed bytes do not hash to its digest or do not decode. */
  BAD_DIGEST,
  /** A reading's device signature does not verify with the device's registered key. */
  BAD_SIGNATURE,
  /** A reading names a device that is not registered in its stream, or whose key id is not its id. */
  UNKNOWN_DEVICE,
  /** The values the chain keeps for a reading differ from the signed ones. */
  VALUES_MISMATCH,
  /** A batch transaction does not hold the reading's signed bytes at the recorded index. */
  BATCH_MISMATCH,
  /** The blob store does not have a blob the record names. */
  BLOB_NOT_FOUND,
  /** The artifact is not a model file this engine reads. */
  MALFORMED_MODEL,
  /** The artifact was written by another engine version than the record names. */
  ENGINE_MISMATCH,
  /** No validator has verified the model by replay yet. */
  NOT_VERIFIED,
  /** The model is rejected (a replay gave another artifact, or an approver rejected it). */
  MODEL_REJECTED,
  /** A validator's replay gave another artifact than the recorded one. */
  REPLAY_MISMATCH,
  /** A replay could not run: no artifact produced, or a decision's model file or input unusable (e.g. an input that does not hash to the logged digest). */
  REPLAY_FAILED,
  /** A decision's proof chain does not verify. */
  DECISION_PROOF,
  /** A decision names another model file than the model's artifact. */
  MODEL_MISMATCH,
  /** The model was not verified or approved at the height of the decision. */
  NOT_VERIFIED_AT_DECISION,
  /** The model does not give the recorded output on the decision's input. */
  OUTPUT_MISMATCH,
  /** A federated model's task is not COMPLETED with this model id. */
  FL_TASK_MISMATCH,
  /** A federated model's recipe is not the provenance ({@code veriflow-fl-model/1}) built from its task and rounds. */
  FL_PROVENANCE_MISMATCH,
  /**
   * A federated round is not VERIFIED, has no result, does not start from the previous round's global
   * model, lacks a matching attestation, or judges an update that was not submitted in it.
   */
  FL_ROUND_INVALID,
  /** The node refused a query or could not be reached. */
  NODE_ERROR
}
