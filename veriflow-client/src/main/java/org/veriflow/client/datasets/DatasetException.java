package org.veriflow.client.datasets;

import java.util.Objects;
import org.veriflow.client.ClientException;
import org.veriflow.crypto.CryptoException;

/**
 * A dataset operation was refused: by the node or the chain (their stable code, e.g. {@code
 * GRANT_NOT_ACTIVE}, {@code DATASET_ERASED}), by a cryptographic check ({@code TAMPERED}, {@code
 * WRONG_RECIPIENT}, ...), or by a comparison with the record on chain ({@code CIPHERTEXT_MISMATCH},
 * {@code PLAINTEXT_MISMATCH}). {@link #failure()} says which kind; {@link #code()} is the stable
 * code. The message starts with the code.
 */
public final class DatasetException extends Exception {
  private static final long serialVersionUID = 1L;
  private final DatasetFailure failure;
  private final String code;

  /**
   * A failure that is its own code.
   *
   * @param failure why; neither {@link DatasetFailure#REFUSED}, {@link DatasetFailure#TRANSACTION_FAILED}
   *     nor {@link DatasetFailure#CRYPTO}, which carry another party's code
   * @param detail one sentence for people
   * @throws IllegalArgumentException if {@code failure} carries another party's code
   */
  public DatasetException(DatasetFailure failure, String detail) {
    this(failure, ownCode(failure), detail, null);
  }

  private static String ownCode(DatasetFailure failure) {
    if (failure == DatasetFailure.REFUSED || failure == DatasetFailure.TRANSACTION_FAILED || failure == DatasetFailure.CRYPTO) {
      throw new IllegalArgumentException(failure + " carries the code of the party that refused; use the matching factory");
    }
    return failure.name();
  }

  private DatasetException(DatasetFailure failure, String code, String detail, Throwable cause) {
    super(code + ": " + detail, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * The node refused a request.
   *
   * @param e the node's refusal
   * @return an exception with the node's code, {@link DatasetFailure#REFUSED}
   */
  public static DatasetException refused(ClientException e) {
    return new DatasetException(DatasetFailure.REFUSED, e.code(), e.getMessage(), e);
  }

  /**
   * A transaction failed in its block.
   *
   * @param code the contract's failure code, e.g. {@code DATASET_EXISTS}
   * @param detail one sentence for people
   * @return an exception with that code, {@link DatasetFailure#TRANSACTION_FAILED}
   */
  public static DatasetException transactionFailed(String code, String detail) {
    return new DatasetException(DatasetFailure.TRANSACTION_FAILED, code, detail, null);
  }

  /**
   * A cryptographic check failed.
   *
   * @param what what was being checked, e.g. "the released data key"
   * @param e the crypto failure
   * @return an exception whose code is the crypto failure's name, {@link DatasetFailure#CRYPTO}
   */
  public static DatasetException crypto(String what, CryptoException e) {
    return new DatasetException(DatasetFailure.CRYPTO, e.code().name(), what + ": " + e.getMessage(), e);
  }

  /** @return which kind of failure this is */
  public DatasetFailure failure() {
    return failure;
  }

  /** @return the stable reason code: the node's, the contract's, the crypto failure's, or the {@link #failure()}'s name */
  public String code() {
    return code;
  }
}
