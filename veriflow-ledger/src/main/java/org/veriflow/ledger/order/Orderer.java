package org.veriflow.ledger.order;

import java.util.List;
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

  /**
   * Hands over a transaction that another node of the cluster relayed to this one. A node must not
   * relay it further (two nodes that each believe the other leads would pass it back and forth).
   */
  default Optional<Rejection> submitRelayed(VerifiedTx tx) {
    return submit(tx);
  }

  /** Hands over several admitted transactions; one answer per transaction, in order, as {@link #submit}. */
  default List<Optional<Rejection>> submitAll(List<VerifiedTx> txs) {
    return txs.stream().map(this::submit).toList();
  }

  /** As {@link #submitAll} for transactions relayed by another node (see {@link #submitRelayed(VerifiedTx)}). */
  default List<Optional<Rejection>> submitRelayed(List<VerifiedTx> txs) {
    return txs.stream().map(this::submitRelayed).toList();
  }

  /**
   * Returns once this node has applied every block committed before the call, so that a read that
   * follows sees the latest commit. A single node always has.
   *
   * @return whether this node may have applied blocks meanwhile (false on a single node), so that a
   *     check made before the call is worth making again
   * @throws IllegalStateException if the cluster cannot say (no leader) within a bounded time
   */
  default boolean awaitLatest() {
    return false;
  }

  /** Stops ordering and waits for a block being committed to finish. */
  @Override
  void close();
}
