package org.veriflow.node.service;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.datasets.DatasetsState;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.Event;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;

/**
 * The blobs that are datasets' ciphertexts. The plain blob API does not serve them: every read of a
 * dataset goes through a grant's signed download, which is recorded on chain first. Known from a
 * scan of every dataset version at start, then from each committed block's {@code
 * dataset_published} events. (A ciphertext uploaded but not yet published is an ordinary blob: it is
 * encrypted, and no grant names it yet.) Thread-safe.
 */
public final class ProtectedBlobs {
  private static final int SCAN_PAGE = 1000;

  private final Ledger ledger;
  private final Set<Hash> ciphertexts = ConcurrentHashMap.newKeySet();

  public ProtectedBlobs(Ledger ledger) {
    this.ledger = ledger;
    String cursor = null;
    do {
      DatasetsState.Page<DatasetRecord> page = DatasetsState.datasets(ledger.state(Datasets.NAME), DatasetsState.Filter.ALL, SCAN_PAGE, cursor);
      for (DatasetRecord d : page.items()) {
        ciphertexts.add(Hash.of(d.getCiphertextSha256().toByteArray()));
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);
  }

  /** Ledger commit listener. */
  public void committed(ExecutedBlock block) {
    for (TxResult r : block.results()) {
      if (r.getStatus() != TxStatus.COMMITTED) {
        continue;
      }
      for (Event e : r.getEventsList()) {
        if (e.getContract().equals(Datasets.NAME) && e.getName().equals("dataset_published")) {
          String ref = e.getData().toStringUtf8();
          int slash = ref.lastIndexOf('/');
          DatasetsState.dataset(ledger.state(Datasets.NAME), ref.substring(0, slash), Long.parseLong(ref.substring(slash + 1)))
              .ifPresent(d -> ciphertexts.add(Hash.of(d.getCiphertextSha256().toByteArray())));
        }
      }
    }
  }

  /** Whether {@code hash} is some dataset version's ciphertext. */
  public boolean contains(Hash hash) {
    return ciphertexts.contains(hash);
  }
}
