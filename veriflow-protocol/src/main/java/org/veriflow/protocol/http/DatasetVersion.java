package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/datasets/{id}/versions/{version}}, and each dataset of a page: every field of the
 * version's record, the wrapped custody key only as whether it is still there.
 *
 * @param datasetId the dataset's id
 * @param version the version
 * @param owner the publishing identity
 * @param status its status
 * @param title its title
 * @param description its description
 * @param tags its tags
 * @param schema its columns
 * @param licence its licence
 * @param policy its access policy
 * @param plaintextSha256 the plaintext's SHA-256 (64 hex)
 * @param ciphertextSha256 the ciphertext's SHA-256 (64 hex)
 * @param plaintextBytes the plaintext's size
 * @param ciphertextBytes the ciphertext's size
 * @param snapshotId the stream snapshot it was made from (empty for none)
 * @param readingsRoot the snapshot's readings root (hex; empty for none)
 * @param custodian the node that holds its key
 * @param custodyKey whether the wrapped custody key is still on chain (false once erased)
 * @param quality its quality summary
 * @param qualityReportSha256 the full quality report's SHA-256 (64 hex)
 * @param previousVersion the version it follows (0 for none)
 * @param nextVersion the version that follows it (0 for none)
 * @param publishedHeight the height it was published at
 * @param publishedMillis the time it was published at
 * @param history its status changes
 */
public record DatasetVersion(String datasetId, long version, String owner, String status, String title, String description,
    List<String> tags, List<DatasetColumn> schema, String licence, DatasetPolicy policy, String plaintextSha256, String ciphertextSha256,
    long plaintextBytes, long ciphertextBytes, String snapshotId, String readingsRoot, String custodian, boolean custodyKey,
    DatasetQuality quality, String qualityReportSha256, long previousVersion, long nextVersion, long publishedHeight, long publishedMillis,
    List<StatusChange> history) {
  /** Copies the lists. */
  public DatasetVersion {
    tags = List.copyOf(tags);
    schema = List.copyOf(schema);
    history = List.copyOf(history);
  }
}
