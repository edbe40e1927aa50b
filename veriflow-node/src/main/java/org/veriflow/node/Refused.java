package org.veriflow.node;

/**
 * A request the node refuses: the HTTP status and the stable code of its problem+json answer, and a
 * sentence saying why. Thrown by the API classes and turned into the answer where they catch it.
 */
final class Refused extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final String code;

  Refused(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
