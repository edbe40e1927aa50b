package org.veriflow.crypto;

/**
 * Why a ciphertext, a wrapped key or a key file was refused. Stable names: the API and the CLI
 * report them as error codes.
 */
public enum CryptoFailure {
  /**
   * The bytes are not in the expected format: wrong magic, too short, wrong length, a PEM or
   * PKCS#8 structure that does not parse, a key of another algorithm.
   */
  MALFORMED,
  /** The format is recognised but its version is not one this build reads. */
  UNSUPPORTED_VERSION,
  /** The dataset ciphertext names another data key than the one given to decrypt it. */
  WRONG_KEY,
  /** The wrapped key is addressed to another X25519 key than the one given to unwrap it. */
  WRONG_RECIPIENT,
  /**
   * Authentication failed: the bytes were modified, truncated or extended, or the associated data
   * (dataset ciphertext) or context (wrapped key) differs from the one used to encrypt. These
   * causes cannot be told apart by design.
   */
  TAMPERED
}
