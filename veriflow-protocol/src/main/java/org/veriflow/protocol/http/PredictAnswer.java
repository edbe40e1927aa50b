package org.veriflow.protocol.http;

import java.util.List;

/**
 * The answer to {@code POST /v1/models/{id}/predict} asked with {@code inputs}: every answer, in
 * input order, logged in one transaction under one batch root.
 *
 * @param modelId the model's id
 * @param txId the logging transaction's id (64 hex)
 * @param height the block it was committed in
 * @param batchRoot the Merkle root over the decision ids (64 hex)
 * @param decisions one per input, in input order
 */
public record PredictAnswer(String modelId, String txId, long height, String batchRoot, List<Predicted> decisions) {
  /** Copies the list. */
  public PredictAnswer {
    decisions = List.copyOf(decisions);
  }
}
