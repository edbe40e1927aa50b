package org.veriflow.node.service;

/**
 * A request the node refuses: the HTTP status and the stable code of its problem+json answer, and a
 * sentence saying why. Thrown by the API classes and turned into the answer where they catch it.
 */
public final class Refused extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** The HTTP status the refusal answers with. */
  public final int status;
  /** The refusal's stable code. */
  public final String code;
  /** For a refusal that passes with time (a rate or replay limit), the seconds to wait; otherwise 0. */
  public final long retryAfterSeconds;

  /**
   * @param status the HTTP status to answer with
   * @param code the stable code
   * @param message why
   */
  public Refused(int status, String code, String message) {
    this(status, code, message, 0);
  }

  /**
   * A refusal that passes with time: answered with a {@code Retry-After} header.
   *
   * @param retryAfterSeconds the seconds to wait before trying again, 0 for none
   * @throws IllegalArgumentException if {@code retryAfterSeconds} is negative
   */
  public Refused(int status, String code, String message, long retryAfterSeconds) {
    super(message);
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("retry-after must not be negative, not " + retryAfterSeconds);
    }
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
