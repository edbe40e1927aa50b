package org.veriflow.ledger.store;

/**
 * The storage underneath the ledger failed (disk full, I/O error, corruption). Not a business
 * outcome: the node must stop cleanly and report the cause.
 */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
