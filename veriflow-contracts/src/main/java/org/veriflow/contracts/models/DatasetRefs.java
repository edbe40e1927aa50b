package org.veriflow.contracts.models;

import com.google.protobuf.ByteString;
import java.util.Objects;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.datasets.DatasetsState;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.contracts.streams.StreamsState;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.protocol.FailureCode;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.streams.SnapshotRecord;

/**
 * The checks of a {@link DatasetRef}, the data a model was trained on or a federated participant
 * trains on, shared by the contracts that take one ({@code models.register}, {@code fl.create_task},
 * {@code fl.join}): a streams snapshot by id with its CSV hash and readings root, or a
 * datasets-contract version by id and version with its plaintext hash (and, optionally, its
 * readings root). Each check fails with the calling contract's own codes. Stateless.
 */
public final class DatasetRefs {
  private DatasetRefs() {}

  /**
   * The calling contract's codes for a reference that is malformed or does not match the chain.
   *
   * @param badArguments raised by {@link #requireWellFormed}
   * @param unknownDataset the snapshot or dataset version does not exist
   * @param datasetErased the dataset version is erased
   * @param datasetMismatch the hashes given differ from the on-chain ones
   * @param mismatchConsequence what a mismatch means for the caller, closing the mismatch sentence
   *     ("the model was not trained on that data")
   */
  public record Failures(FailureCode badArguments, FailureCode unknownDataset, FailureCode datasetErased,
      FailureCode datasetMismatch, String mismatchConsequence) {
    /** @throws NullPointerException if an argument is {@code null} */
    public Failures {
      Objects.requireNonNull(badArguments, "badArguments");
      Objects.requireNonNull(unknownDataset, "unknownDataset");
      Objects.requireNonNull(datasetErased, "datasetErased");
      Objects.requireNonNull(datasetMismatch, "datasetMismatch");
      Objects.requireNonNull(mismatchConsequence, "mismatchConsequence");
    }
  }

  /**
   * Checks a reference's form, independently of state: a 32-byte CSV hash; for a snapshot, a
   * 32-byte readings root and no version; for a dataset version, a dataset id, a version from 1, no
   * snapshot id, and a readings root that is empty or 32 bytes.
   *
   * @param d the reference
   * @param what what it is, for the message ("dataset", "validation dataset")
   * @param f the calling contract's codes
   * @throws ContractException {@code f.badArguments()} if the reference breaks one of these rules
   */
  public static void requireWellFormed(DatasetRef d, String what, Failures f) throws ContractException {
    requireHash(d.getCsvSha256(), what + " CSV hash", f);
    if (d.getDatasetId().isEmpty()) {
      if (d.getDatasetVersion() != 0) {
        throw new ContractException(f.badArguments(), "a dataset version needs a dataset id");
      }
      requireHash(d.getReadingsRoot(), what + " readings root", f);
      return;
    }
    if (!d.getDatasetId().matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new ContractException(f.badArguments(), "dataset id '" + d.getDatasetId() + "' must be 1-63 lower-case letters, digits or '-'");
    }
    if (!d.getSnapshotId().isEmpty()) {
      throw new ContractException(f.badArguments(), "a dataset reference names a snapshot or a dataset version, not both");
    }
    if (d.getDatasetVersion() == 0) {
      throw new ContractException(f.badArguments(), "dataset " + d.getDatasetId() + " needs a version from 1");
    }
    if (!d.getReadingsRoot().isEmpty()) {
      requireHash(d.getReadingsRoot(), what + " readings root", f);
    }
  }

  private static void requireHash(ByteString b, String what, Failures f) throws ContractException {
    if (b.size() != Hash.LENGTH) {
      throw new ContractException(f.badArguments(), what + " must be a 32-byte SHA-256, not " + b.size() + " bytes");
    }
  }

  /**
   * Checks a well-formed reference against the chain: a snapshot must exist with exactly the CSV
   * hash and readings root given; a dataset version must exist, not be erased, and have the
   * plaintext hash given (and the readings root, when one is given).
   *
   * @param ctx the calling contract's context (it reads the streams and datasets namespaces)
   * @param d the reference, checked by {@link #requireWellFormed}
   * @param f the calling contract's codes
   * @return the rows of the data: the snapshot's row count or the version's quality-report rows
   * @throws ContractException {@code f.unknownDataset()}, {@code f.datasetErased()} or {@code
   *     f.datasetMismatch()} as above
   */
  public static long requireOnChain(ContractContext ctx, DatasetRef d, Failures f) throws ContractException {
    if (!d.getDatasetId().isEmpty()) {
      DatasetRecord v = DatasetsState.dataset(ctx.state(Datasets.NAME), d.getDatasetId(), d.getDatasetVersion())
          .orElseThrow(() -> new ContractException(f.unknownDataset(), "no dataset " + d.getDatasetId() + " version " + d.getDatasetVersion()));
      if (v.getStatus() == DatasetStatus.ERASED) {
        throw new ContractException(f.datasetErased(), "dataset " + d.getDatasetId() + " version " + d.getDatasetVersion() + " is erased");
      }
      if (!v.getPlaintextSha256().equals(d.getCsvSha256())
          || (!d.getReadingsRoot().isEmpty() && !v.getReadingsRoot().equals(d.getReadingsRoot()))) {
        throw new ContractException(f.datasetMismatch(), "the hashes given for dataset " + d.getDatasetId() + " version "
            + d.getDatasetVersion() + " differ from the version's on-chain hashes: " + f.mismatchConsequence());
      }
      return v.getQuality().getRows();
    }
    SnapshotRecord snap = StreamsState.snapshot(ctx.state(Streams.NAME), d.getSnapshotId())
        .orElseThrow(() -> new ContractException(f.unknownDataset(), "no dataset snapshot " + d.getSnapshotId()));
    if (!snap.getCsvSha256().equals(d.getCsvSha256()) || !snap.getReadingsRoot().equals(d.getReadingsRoot())) {
      throw new ContractException(f.datasetMismatch(), "the hashes given for dataset " + d.getSnapshotId()
          + " differ from the snapshot's on-chain hashes: " + f.mismatchConsequence());
    }
    return snap.getRowCount();
  }
}
