package org.veriflow.protocol.http;

import java.util.List;

/**
 * The answer to {@code POST /v1/transactions/batch}.
 *
 * @param results one per submitted transaction, in request order
 */
public record BatchResults(List<TxStatusAnswer> results) {
  /** Copies the list. */
  public BatchResults {
    results = List.copyOf(results);
  }
}
