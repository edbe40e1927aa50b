package org.veriflow.node.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.datasets.DatasetsState;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.Event;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;

/**
 * Crypto-shredding on this node: when a block commits a {@code datasets.erase} (event {@code
 * dataset_erased}), deletes that version's ciphertext and quality report blobs from the blob
 * store; the wrapped data key is already gone from the record. {@link #healAtStart()} deletes the
 * blobs of every version already erased, so that a crash between a commit and its deletion is
 * healed at the next start. Deletions run on one background thread, never on the committing one.
 * Thread-safe.
 */
public final class DatasetErasure implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetErasure.class);
  private static final int SCAN_PAGE = 1000;

  private final Ledger ledger;
  private final BlobStore blobs;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "dataset-erasure");
    t.setDaemon(true);
    return t;
  });

  public DatasetErasure(Ledger ledger, BlobStore blobs) {
    this.ledger = ledger;
    this.blobs = blobs;
  }

  /** Deletes the blobs of every erased version (a scan of all versions); call before serving. */
  public void healAtStart() {
    String cursor = null;
    int erased = 0;
    do {
      DatasetsState.Page<DatasetRecord> page = DatasetsState.datasets(ledger.state(Datasets.NAME), DatasetsState.Filter.ALL, SCAN_PAGE, cursor);
      for (DatasetRecord d : page.items()) {
        if (d.getStatus() == DatasetStatus.ERASED) {
          erased++;
          shred(d);
        }
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);
    if (erased > 0) {
      LOG.info("erasure: checked the blobs of {} erased dataset version(s)", erased);
    }
  }

  /** Ledger commit listener: schedules the deletions of the versions the block erased. */
  public void committed(ExecutedBlock block) {
    for (TxResult r : block.results()) {
      if (r.getStatus() != TxStatus.COMMITTED) {
        continue;
      }
      for (Event e : r.getEventsList()) {
        if (e.getContract().equals(Datasets.NAME) && e.getName().equals("dataset_erased")) {
          String ref = e.getData().toString(StandardCharsets.UTF_8);
          worker.execute(() -> erased(ref));
        }
      }
    }
  }

  private void erased(String ref) {
    int slash = ref.lastIndexOf('/');
    Optional<DatasetRecord> d = Optional.empty();
    try {
      d = DatasetsState.dataset(ledger.state(Datasets.NAME), ref.substring(0, slash), Long.parseLong(ref.substring(slash + 1)));
    } catch (RuntimeException e) {
      LOG.warn("erasure: cannot read erased dataset version '{}': {}", ref, e.toString());
    }
    d.ifPresent(this::shred);
  }

  private void shred(DatasetRecord d) {
    delete(d, d.getCiphertextSha256().toByteArray(), "ciphertext");
    delete(d, d.getQualityReportSha256().toByteArray(), "quality report");
  }

  private void delete(DatasetRecord d, byte[] hash, String what) {
    if (hash.length != Hash.LENGTH) {
      return;
    }
    Hash h = Hash.of(hash);
    try {
      if (blobs.delete(h)) {
        LOG.info("erasure: deleted the {} blob {} of erased dataset {} version {}", what, h.hex(), d.getDatasetId(), d.getVersion());
      }
    } catch (IOException e) {
      // Left for the next start's scan.
      LOG.error("erasure: cannot delete the {} blob {} of erased dataset {} version {}: {}", what, h.hex(), d.getDatasetId(), d.getVersion(),
          e.toString());
    }
  }

  /** Completes once every deletion scheduled before the call has run (the worker runs them in order). */
  public CompletableFuture<Void> settled() {
    return CompletableFuture.runAsync(() -> { }, worker);
  }

  /** Stops the background thread after the deletions already scheduled. */
  @Override
  public void close() {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("erasure: deletions still running after 10 s; the next start's scan finishes them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
