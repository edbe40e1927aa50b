package org.veriflow.client.federated;

import com.google.protobuf.ByteString;
import java.util.Objects;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.Hex;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * A dataset as a federated task names it (its validation and root datasets) or a participant joins
 * with it: a streams snapshot, or one version of a dataset of the datasets contract. The chain wants
 * its hashes besides its name; {@link #resolve} reads them from the chain's own record, so the caller
 * never copies a hash by hand. Immutable.
 *
 * @param snapshotId the snapshot's id, or empty for a dataset version
 * @param datasetId the dataset's id, or empty for a snapshot
 * @param version the dataset's version from 1, or 0 for a snapshot
 */
public record DatasetSource(String snapshotId, String datasetId, long version) {
  /**
   * @throws NullPointerException if an id is null
   * @throws IllegalArgumentException unless exactly one of a snapshot id and a dataset id with a
   *     version from 1 is given
   */
  public DatasetSource {
    Objects.requireNonNull(snapshotId, "snapshotId");
    Objects.requireNonNull(datasetId, "datasetId");
    if (snapshotId.isEmpty() == datasetId.isEmpty()) {
      throw new IllegalArgumentException("a dataset is a snapshot or a dataset version, not both and not neither");
    }
    if (datasetId.isEmpty() ? version != 0 : version < 1) {
      throw new IllegalArgumentException(datasetId.isEmpty() ? "a snapshot has no version, not " + version
          : "dataset " + datasetId + " needs a version from 1, not " + version);
    }
  }

  /**
   * A streams snapshot.
   *
   * @param snapshotId the snapshot's id (its transaction's id)
   * @return the source
   * @throws IllegalArgumentException if {@code snapshotId} is empty
   */
  public static DatasetSource snapshot(String snapshotId) {
    return new DatasetSource(snapshotId, "", 0);
  }

  /**
   * One version of a dataset of the datasets contract.
   *
   * @param datasetId the dataset's id
   * @param version the version, from 1
   * @return the source
   * @throws IllegalArgumentException if {@code datasetId} is empty or {@code version} is below 1
   */
  public static DatasetSource version(String datasetId, long version) {
    return new DatasetSource("", datasetId, version);
  }

  /** @return whether this is a streams snapshot (otherwise a dataset version) */
  public boolean isSnapshot() {
    return !snapshotId.isEmpty();
  }

  /**
   * The chain's reference to this dataset with the hashes the chain records for it: a snapshot's CSV
   * hash and readings root; a dataset version's plaintext hash (as {@code csv_sha256}) and its
   * readings root when it has one.
   *
   * @param client the node to read the record from
   * @return the reference, as {@code fl.create_task} and {@code fl.join} want it
   * @throws ClientException {@code UNKNOWN_SNAPSHOT} or {@code UNKNOWN_DATASET} if the chain has no
   *     such dataset; {@code BAD_DATASET} if its record's hashes are not hex
   */
  public DatasetRef resolve(VeriflowClient client) {
    if (isSnapshot()) {
      Responses.Snapshot s = client.streams().snapshot(snapshotId);
      return DatasetRef.newBuilder().setSnapshotId(snapshotId).setCsvSha256(hash(s.csvSha256(), "CSV hash"))
          .setReadingsRoot(hash(s.readingsRoot(), "readings root")).build();
    }
    Responses.DatasetVersion v = client.datasets().version(datasetId, version);
    DatasetRef.Builder ref = DatasetRef.newBuilder().setDatasetId(datasetId).setDatasetVersion(version)
        .setCsvSha256(hash(v.plaintextSha256(), "plaintext hash"));
    if (v.readingsRoot() != null && !v.readingsRoot().isEmpty()) {
      ref.setReadingsRoot(hash(v.readingsRoot(), "readings root"));
    }
    return ref.build();
  }

  /**
   * The source a chain reference names.
   *
   * @param ref a reference as the chain keeps it
   * @return its snapshot or dataset version
   * @throws IllegalArgumentException if it names neither or both
   */
  public static DatasetSource of(DatasetRef ref) {
    return new DatasetSource(ref.getSnapshotId(), ref.getDatasetId(), ref.getDatasetVersion());
  }

  @Override
  public String toString() {
    return isSnapshot() ? "snapshot " + snapshotId : "dataset " + datasetId + " version " + version;
  }

  private ByteString hash(String hex, String what) {
    if (hex == null || hex.length() != 64) {
      throw new ClientException(200, FederatedFailure.BAD_DATASET.name(), "the " + what + " the node gives for " + this
          + " is not 64 hex characters: '" + hex + "'");
    }
    try {
      return ByteString.copyFrom(Hex.decode(hex));
    } catch (IllegalArgumentException e) {
      throw new ClientException(200, FederatedFailure.BAD_DATASET.name(), "the " + what + " the node gives for " + this + " is not hex: '" + hex + "'");
    }
  }
}
