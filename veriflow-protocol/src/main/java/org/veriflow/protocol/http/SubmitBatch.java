package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code POST /v1/transactions/batch}.
 *
 * @param transactions the signed transactions, in the order their results are answered
 */
public record SubmitBatch(List<SubmitTransaction> transactions) {
  /** Copies the list. */
  public SubmitBatch {
    transactions = List.copyOf(transactions);
  }
}
