package org.veriflow.protocol.http;

/**
 * What a submission answers (and each result of a batch): the transaction's status, and once it is
 * in a block or refused, its height or code.
 *
 * @param id the transaction's id (64 hex); null (absent) for a batch entry that did not decode
 * @param status {@code PENDING}, {@code COMMITTED}, {@code FAILED} or {@code REJECTED}
 * @param height the block's height; null (absent) unless in a block
 * @param code the failure's or rejection's stable code; null (absent) when there is none
 * @param message the failure's or rejection's sentence; null (absent) when there is none
 */
public record TxStatusAnswer(String id, String status, Long height, String code, String message) {
  /**
   * A transaction accepted and not in a block yet.
   *
   * @param id the transaction's id (64 hex)
   * @return the answer with status {@code PENDING}
   */
  public static TxStatusAnswer pending(String id) {
    return new TxStatusAnswer(id, "PENDING", null, null, null);
  }
}
