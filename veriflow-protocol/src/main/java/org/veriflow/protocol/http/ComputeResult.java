package org.veriflow.protocol.http;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The answer (201) to {@code POST /v1/grants/{id}/compute}: the recorded access, the registered
 * model and what it was trained on.
 *
 * @param grantId the compute-only grant's id
 * @param modelId the registered model's id
 * @param accessTx the {@code COMPUTE} access's transaction id (64 hex)
 * @param accessHeight the block it was committed in
 * @param modelTx the model registration's transaction id (64 hex)
 * @param modelHeight the block it was committed in
 * @param artifactSha256 the SHA-256 of the model file (64 hex)
 * @param lossCurveSha256 the SHA-256 of the loss curve (64 hex)
 * @param datasetId the dataset's id
 * @param version the dataset version trained on
 * @param plaintextSha256 the SHA-256 of that version's plaintext (64 hex)
 * @param metrics the training run's metrics by name, in the engine's order (sorted by name)
 */
public record ComputeResult(String grantId, String modelId, String accessTx, long accessHeight, String modelTx, long modelHeight,
    String artifactSha256, String lossCurveSha256, String datasetId, long version, String plaintextSha256,
    SortedMap<String, Double> metrics) {
  /** Copies the map. */
  public ComputeResult {
    metrics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
  }
}
