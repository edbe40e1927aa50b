package org.veriflow.protocol.http;

/**
 * A dataset a model was trained on: a stream snapshot, or a datasets-contract version (compute-to-data).
 *
 * @param snapshotId the snapshot's id (empty for a dataset version)
 * @param csvSha256 the SHA-256 of the training CSV (64 hex)
 * @param readingsRoot the root over the readings' digests (64 hex)
 * @param datasetId the dataset's id; null (absent) for a snapshot
 * @param datasetVersion the dataset's version; null (absent) for a snapshot
 */
public record ModelDataset(String snapshotId, String csvSha256, String readingsRoot, String datasetId, Long datasetVersion) {}
