package org.veriflow.client;

/**
 * A request the node refused (an RFC 9457 problem with a stable {@link #code()}) or could not be
 * reached ({@code code} {@code UNREACHABLE}, {@code status} 0).
 */
public final class ClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public ClientException(int status, String code, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  public ClientException(String detail, Throwable cause) {
    super(detail, cause);
    this.status = 0;
    this.code = "UNREACHABLE";
  }

  /**
   * A request that got no answer for a reason with its own code (e.g. a {@link TlsFailure}); status 0.
   *
   * @param code the stable reason code
   * @param detail what happened
   * @param cause the underlying failure
   */
  public ClientException(String code, String detail, Throwable cause) {
    super(detail, cause);
    this.status = 0;
    this.code = code;
  }

  /** HTTP status, 0 if the node was not reached. */
  public int status() {
    return status;
  }

  /** The stable reason code, e.g. {@code NONCE_TOO_LOW}. */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
