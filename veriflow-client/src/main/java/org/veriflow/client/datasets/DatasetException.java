package org.veriflow.cli.datasets;

import java.util.Objects;

/**
 * A dataset operation was refused: by the node or the chain (their stable code, e.g. {@code
 * GRANT_NOT_ACTIVE}, {@code DATASET_ERASED}), by a cryptographic check ({@code TAMPERED}, {@code
 * WRONG_RECIPIENT}, ...), or by a comparison with the record on chain ({@code CIPHERTEXT_MISMATCH},
 * {@code PLAINTEXT_MISMATCH}). The message starts with the code.
 */
public final class DatasetException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;

  public DatasetException(String code, String detail) {
    super(code + ": " + detail);
    this.code = Objects.requireNonNull(code, "code");
  }

  public DatasetException(String code, String detail, Throwable cause) {
    super(code + ": " + detail, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The stable reason code. */
  public String code() {
    return code;
  }
}
