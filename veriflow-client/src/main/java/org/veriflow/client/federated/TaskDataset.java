package org.veriflow.client.federated;

import java.util.Objects;

/**
 * A dataset as a task's record names it, with the hashes the chain checked when it was named.
 *
 * @param source the snapshot or dataset version
 * @param csvSha256 SHA-256 of its CSV (a snapshot) or plaintext (a dataset version), 64 hex
 * @param readingsRoot the RFC 6962 root over its readings' digests, 64 hex, or empty if none was given
 */
public record TaskDataset(DatasetSource source, String csvSha256, String readingsRoot) {
  /** @throws NullPointerException if a component is null */
  public TaskDataset {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(csvSha256, "csvSha256");
    Objects.requireNonNull(readingsRoot, "readingsRoot");
  }
}
