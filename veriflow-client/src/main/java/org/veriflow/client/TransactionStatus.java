package org.veriflow.client;

import java.util.Objects;

/**
 * Where a transaction stands, as the node's HTTP API names it in a transaction's {@code status}: the
 * one place the SDK turns that field into a value, so that no caller compares status strings.
 */
public enum TransactionStatus {
  /** Accepted by the node, not yet in a block (or the node's wait ended first). */
  PENDING,
  /** In a durable block, executed successfully. */
  COMMITTED,
  /** In a durable block, executed with a failure code; its nonce is consumed. */
  FAILED,
  /** Refused or dropped before a block, with a rejection code; its nonce is not consumed. */
  REJECTED,
  /** The node knows nothing of the transaction. */
  UNKNOWN;

  /**
   * The status of a transaction as the node reported it.
   *
   * @param info a transaction's state from {@link VeriflowClient}
   * @return its status
   * @throws IllegalArgumentException if the node reported a status this SDK does not know
   */
  public static TransactionStatus of(Responses.TxInfo info) {
    Objects.requireNonNull(info, "info");
    try {
      return valueOf(info.status());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("transaction " + info.id() + " has a status this client does not know: '" + info.status() + "'", e);
    }
  }

  /**
   * Whether {@code info} is a transaction that reached a block and failed there.
   *
   * @param info a transaction's state from {@link VeriflowClient}
   * @return true if its status is {@link #FAILED}
   */
  public static boolean failed(Responses.TxInfo info) {
    return Objects.requireNonNull(info, "info").status().equals(FAILED.name());
  }
}
