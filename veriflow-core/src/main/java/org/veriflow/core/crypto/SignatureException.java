package org.veriflow.core.crypto;

/** A signature that failed its check; {@link #check()} says why. */
public final class SignatureException extends Exception {
  private static final long serialVersionUID = 1L;
  private final SignatureCheck check;

  public SignatureException(SignatureCheck check) {
    super("signature check failed: " + check);
    this.check = check;
  }

  public SignatureCheck check() {
    return check;
  }
}
