package org.veriflow.crypto;

/**
 * A ciphertext, wrapped key or key file that was refused; {@link #code()} says why and the message
 * says what was found.
 */
public final class CryptoException extends Exception {
  private static final long serialVersionUID = 1L;
  private final CryptoFailure code;

  public CryptoException(CryptoFailure code, String message) {
    super(message);
    this.code = code;
  }

  public CryptoException(CryptoFailure code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The stable reason. */
  public CryptoFailure code() {
    return code;
  }
}
