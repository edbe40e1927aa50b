package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/decisions/{id}}: a logged decision with its proof in its batch.
 *
 * @param decisionId the decision's id (64 hex)
 * @param modelId the answering model
 * @param modelSha256 the model file's SHA-256 (64 hex)
 * @param inputSha256 the canonical input's SHA-256 (64 hex)
 * @param input the canonical input JSON as logged; null (absent) when it was not kept
 * @param output the canonical output JSON as logged
 * @param attributions the features' shares in the output
 * @param requester the identity the request named (empty for none)
 * @param requestId the node's id of the request
 * @param agent the node that answered and logged it
 * @param txId the logging transaction (64 hex)
 * @param height its block
 * @param index the decision's position in its batch
 * @param batchSize the decisions in its batch
 * @param batchRoot the RFC 6962 root over the batch's decision ids (64 hex)
 * @param decision the Decision bytes exactly as logged, base64
 * @param proof the decision's inclusion proof in the batch tree (64 hex each)
 */
public record Decision(String decisionId, String modelId, String modelSha256, String inputSha256, String input, String output,
    List<FeatureAttribution> attributions, String requester, String requestId, String agent, String txId, long height, int index,
    int batchSize, String batchRoot, String decision, List<String> proof) {
  /** Copies the lists. */
  public Decision {
    attributions = List.copyOf(attributions);
    proof = List.copyOf(proof);
  }
}
