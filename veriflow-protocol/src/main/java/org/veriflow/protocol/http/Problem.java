package org.veriflow.protocol.http;

/**
 * An error answer (RFC 9457 {@code application/problem+json}).
 *
 * @param type {@code urn:veriflow:problem:} followed by the code
 * @param title a short description of the code
 * @param status the HTTP status
 * @param detail why, for this request
 * @param code the stable code
 * @param txStatus {@code UNKNOWN} when a transaction looked up is neither pending nor committed;
 *     null (absent) otherwise
 */
public record Problem(String type, String title, int status, String detail, String code, String txStatus) {
  /**
   * The problem of a code.
   *
   * @param status the HTTP status
   * @param code the stable code
   * @param title a short description of the code
   * @param detail why
   * @return the problem, with its type derived from the code
   */
  public static Problem of(int status, String code, String title, String detail) {
    return new Problem("urn:veriflow:problem:" + code, title, status, detail, code, null);
  }
}
