package org.veriflow.core.crypto;

/**
 * The outcome of a signature check. Never a bare boolean: a caller must look at the reason, or call
 * {@link #requireValid()} to turn a failure into an exception.
 */
public enum SignatureCheck {
  /** The signature is valid for the key and message. */
  VALID,
  /** The signature has the wrong length or an invalid encoding (e.g. r or s out of range). */
  MALFORMED_SIGNATURE,
  /** A P-256 signature with {@code s > n/2}: valid ECDSA, but not the canonical low-S form. */
  HIGH_S,
  /** The signature does not verify. */
  INVALID;

  public boolean isValid() {
    return this == VALID;
  }

  /**
   * Returns normally only for {@link #VALID}.
   *
   * @throws SignatureException naming this outcome otherwise
   */
  public void requireValid() throws SignatureException {
    if (this != VALID) {
      throw new SignatureException(this);
    }
  }
}
