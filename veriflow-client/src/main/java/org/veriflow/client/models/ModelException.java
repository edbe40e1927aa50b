package org.veriflow.client.models;

import java.util.Objects;

/** A model operation of the SDK could not be done; {@link #code()} says why. The message starts with the code. */
public final class ModelException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ModelFailure code;

  /**
   * @param code why
   * @param detail one sentence for people
   * @param cause what failed, or null
   */
  public ModelException(ModelFailure code, String detail, Throwable cause) {
    super(Objects.requireNonNull(code, "code") + ": " + detail, cause);
    this.code = code;
  }

  /** @return the stable reason code */
  public ModelFailure code() {
    return code;
  }
}
