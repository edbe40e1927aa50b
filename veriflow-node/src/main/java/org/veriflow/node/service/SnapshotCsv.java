package org.veriflow.node.service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.veriflow.contracts.streams.StreamsState;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.StreamRecord;
import org.veriflow.protocol.streams.SnapshotFormat;
import org.veriflow.ledger.exec.StateView;

/**
 * A dataset snapshot's canonical CSV, reproduced from the node's own state exactly as the streams
 * contract computed it when the snapshot was taken: the stream's legal readings in the snapshot's
 * time range that were committed in blocks below the snapshot's height, through {@link
 * SnapshotFormat}. The result is checked against the snapshot's on-chain record (row count, CSV
 * SHA-256, readings root) before anyone sees it. Stateless and thread-safe.
 */
final class SnapshotCsv {
  /**
   * A reproduced snapshot: its record and the CSV bytes, whose hashes equal the record's. The bytes
   * are handed over, not copied (a snapshot may hold hundreds of thousands of rows): whoever receives
   * an export owns them.
   */
  static final class Export {
    private final SnapshotRecord snapshot;
    private final byte[] csv;

    private Export(SnapshotRecord snapshot, byte[] csv) {
      this.snapshot = snapshot;
      this.csv = csv;
    }

    SnapshotRecord snapshot() {
      return snapshot;
    }

    byte[] csv() {
      return csv;
    }

    long rows() {
      return snapshot.getRowCount();
    }

    Hash csvSha256() {
      return Hash.of(snapshot.getCsvSha256().toByteArray());
    }
  }

  private SnapshotCsv() {}

  /**
   * Reproduces snapshot {@code snapshotId}.
   *
   * @param streams the streams namespace of the committed state
   * @return empty if there is no such snapshot
   * @throws IllegalStateException if the stream is missing or the reproduced CSV disagrees with the
   *     snapshot's record: the node's state contradicts its own chain
   */
  static Optional<Export> reproduce(StateView streams, String snapshotId) {
    Optional<SnapshotRecord> found = StreamsState.snapshot(streams, snapshotId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SnapshotRecord snap = found.get();
    StreamRecord stream = StreamsState.stream(streams, snap.getStreamId())
        .orElseThrow(() -> new IllegalStateException("snapshot " + snapshotId + " names stream " + snap.getStreamId() + ", which is not in the state"));
    SnapshotFormat format = new SnapshotFormat(stream.getFieldsList());
    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    csv.writeBytes(format.header().getBytes(StandardCharsets.UTF_8));
    StreamsState.forEachReading(streams, snap.getStreamId(), snap.getFromMillis(), snap.getToMillis(), Long.MAX_VALUE, r -> {
      // The contract took only readings of earlier blocks; later ones in the range are not part of it.
      if (r.getHeight() < snap.getHeight()) {
        csv.writeBytes(format.add(r).getBytes(StandardCharsets.UTF_8));
      }
    });
    Hash csvSha256 = format.csvSha256();
    Hash readingsRoot = format.readingsRoot();
    if (format.rowCount() != snap.getRowCount() || !csvSha256.equals(Hash.of(snap.getCsvSha256().toByteArray()))
        || !readingsRoot.equals(Hash.of(snap.getReadingsRoot().toByteArray()))) {
      throw new IllegalStateException("snapshot " + snapshotId + " reproduced from this node's state gives " + format.rowCount()
          + " rows, CSV SHA-256 " + csvSha256 + ", readings root " + readingsRoot + "; its record says " + snap.getRowCount() + ", "
          + Hash.of(snap.getCsvSha256().toByteArray()) + ", " + Hash.of(snap.getReadingsRoot().toByteArray()));
    }
    return Optional.of(new Export(snap, csv.toByteArray()));
  }
}
