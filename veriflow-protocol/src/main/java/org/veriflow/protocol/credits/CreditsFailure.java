package org.veriflow.protocol.credits;

import org.veriflow.protocol.FailureCode;

/** Why a call to the credits contract failed. The names are stable codes: never rename one. */
public enum CreditsFailure implements FailureCode {
  /** The arguments do not decode, or name no identity, an amount below 1 or a memo too long. */
  BAD_ARGUMENTS,
  /** {@code transfer}: the recipient is not a registered identity. */
  UNKNOWN_RECIPIENT,
  /** {@code transfer}: the sender's balance is below the amount. */
  INSUFFICIENT_FUNDS,
  /** {@code transfer}: the recipient's balance would exceed the largest amount a balance holds. */
  BALANCE_OVERFLOW
}
