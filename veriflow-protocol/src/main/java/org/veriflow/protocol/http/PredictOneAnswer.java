package org.veriflow.protocol.http;

import java.util.List;

/**
 * The answer to {@code POST /v1/models/{id}/predict} asked with one {@code input}: the batch's
 * fields and its one decision's ({@link Predicted}) side by side.
 *
 * @param modelId the model's id
 * @param txId the logging transaction's id (64 hex)
 * @param height the block it was committed in
 * @param batchRoot the Merkle root over the one decision id (64 hex)
 * @param decisionId the decision's id (64 hex)
 * @param output the model's canonical output: its JSON text, written as the value itself
 * @param inputSha256 the SHA-256 of the canonical input (64 hex)
 * @param attributions each feature's share in the output
 */
public record PredictOneAnswer(String modelId, String txId, long height, String batchRoot, String decisionId, String output,
    String inputSha256, List<FeatureAttribution> attributions) {
  /** Copies the list. */
  public PredictOneAnswer {
    attributions = List.copyOf(attributions);
  }

  /**
   * The answer to one input.
   *
   * @param modelId the model's id
   * @param txId the logging transaction's id
   * @param height the block it was committed in
   * @param batchRoot the Merkle root over the one decision id
   * @param decision the one decision
   * @return the batch's fields and the decision's, flattened
   */
  public static PredictOneAnswer of(String modelId, String txId, long height, String batchRoot, Predicted decision) {
    return new PredictOneAnswer(modelId, txId, height, batchRoot, decision.decisionId(), decision.output(), decision.inputSha256(),
        decision.attributions());
  }
}
