package org.veriflow.client;

/** A signed checkpoint that does not check; {@link #failure()} says which check failed. */
public final class CheckpointException extends Exception {
  private static final long serialVersionUID = 1L;
  private final CheckpointFailure failure;

  public CheckpointException(CheckpointFailure failure, String message) {
    super(message);
    this.failure = java.util.Objects.requireNonNull(failure, "failure");
  }

  public CheckpointFailure failure() {
    return failure;
  }

  @Override
  public String toString() {
    return failure + ": " + getMessage();
  }
}
