package org.veriflow.protocol.datasets;

import org.veriflow.protocol.FailureCode;

/**
 * Why a call to the datasets contract failed. The names are stable codes: never rename one.
 * docs/datasets.md describes each in the context of its method.
 */
public enum DatasetsFailure implements FailureCode {
  /** The arguments do not decode, or break a rule of the method (ids, texts, schema, policy, quality). */
  BAD_ARGUMENTS,
  /** The sender is not an active identity, or not a validator where a custodian is required. */
  NOT_AUTHORISED,
  /** {@code publish}: version 1 of a dataset that exists. */
  DATASET_EXISTS,
  /** No such dataset, or no such version of it. */
  UNKNOWN_DATASET,
  /** {@code publish}: the version does not follow the latest, or the latest is not ACTIVE. */
  INVALID_VERSION,
  /** The sender does not own the dataset version. */
  NOT_OWNER,
  /** {@code publish}: the custodian is not an active validator with an encryption key. */
  UNKNOWN_CUSTODIAN,
  /** {@code publish}: the snapshot the version exports does not exist. */
  UNKNOWN_SNAPSHOT,
  /** {@code publish}: the plaintext hash or row count is not the snapshot's. */
  DATASET_MISMATCH,
  /** The dataset version is erased. */
  DATASET_ERASED,
  /** The dataset version is not ACTIVE: it takes no new grant and cannot be deprecated. */
  DATASET_NOT_ACTIVE,
  /** The policy or the grant has expired in the block being executed. */
  GRANT_EXPIRED,
  /** No grant has the id given. */
  UNKNOWN_GRANT,
  /** {@code cancel}: the sender is not the grant's grantee. */
  NOT_GRANTEE,
  /** {@code cancel}: the grant's data key was already released. */
  ALREADY_RELEASED,
  /** {@code grant}, {@code deny}: the grant is not PENDING. */
  GRANT_NOT_PENDING,
  /** {@code revoke}, {@code cancel}, {@code record_access}: the grant is not GRANTED (or PENDING, to cancel). */
  GRANT_NOT_ACTIVE,
  /** {@code grant}, {@code record_access}: the grantee is no longer an active identity. */
  GRANTEE_REVOKED,
  /** {@code record_access}: the sender is not the dataset version's custodian. */
  NOT_CUSTODIAN,
  /** {@code record_access}: the purpose given is not the grant's. */
  PURPOSE_MISMATCH,
  /** {@code record_access}: a key release or download under a compute-only grant. */
  COMPUTE_ONLY,
  /** {@code record_access}: a compute access under a grant that is not compute-only. */
  NOT_COMPUTE_GRANT,
  /** {@code record_access}: the grant's key releases or reads are all used. */
  READS_EXHAUSTED,
  /** {@code record_access}: the grantee has set no encryption key to wrap the data key for. */
  NO_ENCRYPTION_KEY,
  /** A grant's price is above the grantee's balance, when it is taken into escrow. */
  INSUFFICIENT_FUNDS,
  /** Paying or refunding a grant's price would overflow a balance or an escrow. */
  BALANCE_OVERFLOW
}
