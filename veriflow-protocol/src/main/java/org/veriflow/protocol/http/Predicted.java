package org.veriflow.protocol.http;

import java.util.List;

/**
 * One answer of {@code POST /v1/models/{id}/predict}, logged as a decision.
 *
 * @param decisionId the decision's id (64 hex)
 * @param output the model's canonical output: its JSON text, written as the value itself (not as a
 *     string)
 * @param inputSha256 the SHA-256 of the canonical input (64 hex)
 * @param attributions each feature's share in the output
 */
public record Predicted(String decisionId, String output, String inputSha256, List<FeatureAttribution> attributions) {
  /** Copies the list. */
  public Predicted {
    attributions = List.copyOf(attributions);
  }
}
