package org.veriflow.ledger.order;

import java.util.Optional;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.VerifiedTx;

/**
 * Puts admitted transactions into blocks and gets every block executed and committed by the ledger.
 * Implementations: {@link SoloOrderer} for a single node; a Raft orderer for clusters.
 */
public interface Orderer extends AutoCloseable {
  /** Starts ordering; idempotent. */
  void start();

  /**
   * Hands over an admitted transaction. Empty when it was accepted for ordering; otherwise the reason
   * it was not (a duplicate, a full pool).
   */
  Optional<Rejection> submit(VerifiedTx tx);

  /** Stops ordering and waits for a block being committed to finish. */
  @Override
  void close();
}
