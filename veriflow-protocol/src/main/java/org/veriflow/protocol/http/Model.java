package org.veriflow.protocol.http;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code GET /v1/models/{id}}, and each model of {@code GET /v1/models}.
 *
 * @param modelId the model's id
 * @param stage its stage
 * @param trainer the identity that registered it
 * @param registeredHeight the height it was registered at
 * @param engineVersion the training engine's version
 * @param recipeSha256 the SHA-256 of its canonical recipe (64 hex)
 * @param recipe the canonical recipe, exactly as hashed
 * @param artifactSha256 the SHA-256 of its model file (64 hex)
 * @param lossCurveSha256 the SHA-256 of its loss curve (64 hex)
 * @param datasets what it was trained on
 * @param metrics its metrics by name (the chain keeps them sorted and distinct)
 * @param history its stage changes
 * @param attestations the validators' attestations
 * @param federatedTask the federated task whose completion registered it; null (absent) when it was not trained federatedly
 */
public record Model(String modelId, String stage, String trainer, long registeredHeight, String engineVersion, String recipeSha256,
    String recipe, String artifactSha256, String lossCurveSha256, List<ModelDataset> datasets, SortedMap<String, Double> metrics,
    List<ModelStageChange> history, List<ModelAttestation> attestations, String federatedTask) {
  /** Copies the lists and the map. */
  public Model {
    datasets = List.copyOf(datasets);
    metrics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
    history = List.copyOf(history);
    attestations = List.copyOf(attestations);
  }
}
