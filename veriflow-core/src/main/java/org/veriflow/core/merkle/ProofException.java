package org.veriflow.core.merkle;

/** A Merkle proof that does not check; {@link #failure()} says why. */
public final class ProofException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ProofFailure failure;

  public ProofException(ProofFailure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public ProofFailure failure() {
    return failure;
  }
}
