package org.veriflow.client.datasets;

/**
 * Why a dataset operation failed, as a {@link DatasetException} reports it. {@link #REFUSED} and
 * {@link #TRANSACTION_FAILED} carry the node's or the contract's own code in {@link
 * DatasetException#code()} (e.g. {@code GRANT_NOT_ACTIVE}, {@code DATASET_EXISTS}); {@link #CRYPTO}
 * carries the {@link org.veriflow.crypto.CryptoFailure} name ({@code TAMPERED}, {@code
 * WRONG_RECIPIENT}, ...); every other constant is its own code.
 */
public enum DatasetFailure {
  /** The node refused a request or a transaction; the code is the node's. */
  REFUSED,
  /** A transaction reached a block and failed there; the code is the contract's. */
  TRANSACTION_FAILED,
  /** The transaction's block did not come within the node's wait. */
  PENDING,
  /** A wrapped key or a ciphertext failed its cryptographic check; the code is the crypto failure's name. */
  CRYPTO,
  /** The node sent a ciphertext whose SHA-256 is not the version's record. */
  CIPHERTEXT_MISMATCH,
  /** The ciphertext decrypts to bytes whose SHA-256 is not the version's record. */
  PLAINTEXT_MISMATCH,
  /** None of the chain's orderers shows an encryption key to wrap a data key for. */
  NO_CUSTODIAN,
  /** The named custodian shows no encryption key. */
  NO_ENCRYPTION_KEY,
  /** The node answered with something that cannot be right (an invalid key). */
  BAD_RESPONSE
}
