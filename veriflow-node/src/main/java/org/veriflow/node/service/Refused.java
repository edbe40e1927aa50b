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

  /**
   * @param status the HTTP status to answer with
   * @param code the stable code
   * @param message why
   */
  public Refused(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
