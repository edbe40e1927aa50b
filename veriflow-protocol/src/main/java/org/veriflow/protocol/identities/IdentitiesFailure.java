package org.veriflow.protocol.identities;

import org.veriflow.protocol.FailureCode;

/** Why a call to the identities contract failed. The names are stable codes: never rename one. */
public enum IdentitiesFailure implements FailureCode {
  /** The arguments do not decode, or break a rule of the method (key, kind, name, roles, reason). */
  BAD_ARGUMENTS,
  /** The sender is not an active identity, or its kind or ownership does not allow the call. */
  NOT_AUTHORISED,
  /** {@code register}: the key's identity is already registered. */
  IDENTITY_EXISTS,
  /** {@code revoke}: no identity has the id given. */
  UNKNOWN_IDENTITY,
  /** {@code revoke}: the identity is already revoked. */
  ALREADY_REVOKED
}
