package org.veriflow.ledger;

import java.util.Objects;

/** A refused transaction: the stable code and a sentence saying what was wrong with this one. */
public record Rejection(RejectionCode code, String message) {
  public Rejection {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return code + ": " + message;
  }
}
