package org.veriflow.protocol.decisions;

import org.veriflow.protocol.FailureCode;

/** Why a call to the decisions contract failed. The names are stable codes: never rename one. */
public enum DecisionsFailure implements FailureCode {
  /** The arguments do not decode, or a decision breaks a size rule; the message names its index. */
  BAD_ARGUMENTS,
  /** The sender is not an active identity. */
  NOT_AUTHORISED,
  /** A decision names a model that does not exist. */
  UNKNOWN_MODEL,
  /** A decision names a model that is neither {@code VERIFIED} nor {@code APPROVED}. */
  MODEL_NOT_SERVABLE,
  /** A decision's model hash is not the artifact its model records. */
  MODEL_MISMATCH,
  /** A decision keeps an input that does not hash to its input hash. */
  INPUT_DIGEST_MISMATCH,
  /** A decision was already logged, or appears twice in the batch. */
  DECISION_EXISTS
}
