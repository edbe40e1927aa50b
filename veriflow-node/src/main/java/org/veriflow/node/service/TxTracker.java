package org.veriflow.node.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Rejection;

/**
 * Completes the futures of clients waiting for their transactions: when the block holding one is
 * durable, or when the pool drops it. Thread-safe.
 */
public final class TxTracker {
  private final ConcurrentMap<Hash, CompletableFuture<TxOutcome>> waiting = new ConcurrentHashMap<>();

  /**
   * A client's interest in a transaction.
   *
   * @param id the transaction's id
   * @param future completed with the transaction's outcome
   * @param created whether this watch registered the future (only then does releasing it drop it)
   */
  public record Watch(Hash id, CompletableFuture<TxOutcome> future, boolean created) {}

  /** Registers interest in {@code id}; do so before handing the transaction to the orderer. */
  Watch watch(Hash id) {
    CompletableFuture<TxOutcome> mine = new CompletableFuture<>();
    CompletableFuture<TxOutcome> existing = waiting.putIfAbsent(id, mine);
    return existing == null ? new Watch(id, mine, true) : new Watch(id, existing, false);
  }

  /** Gives up a watch; the future is dropped only by the watch that registered it. */
  void release(Watch watch) {
    if (watch.created()) {
      waiting.remove(watch.id(), watch.future());
    }
  }

  /**
   * The watched transaction's outcome, or null once {@code timeout} passes (the watch is then given
   * up, and the transaction may still commit later).
   *
   * @param watch the watch to wait on
   * @param timeout how long to wait
   * @return a future of the outcome, completed with null on timeout
   */
  public CompletableFuture<TxOutcome> await(Watch watch, Duration timeout) {
    // A copy, so that this waiter's timeout does not complete the future other waiters share.
    return watch.future().copy().completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(o -> {
      if (o == null) {
        release(watch);
      }
      return o;
    });
  }

  /** Completes the watches of the block's transactions; registered with the ledger's commits. */
  public void committed(ExecutedBlock block) {
    if (waiting.isEmpty()) {
      return;
    }
    for (int i = 0; i < block.transactions().size(); i++) {
      Hash id = block.transactions().get(i).id();
      CompletableFuture<TxOutcome> f = waiting.remove(id);
      if (f != null) {
        TxResult r = block.results().get(i);
        f.complete(new TxOutcome(id, r.getStatus() == TxStatus.COMMITTED ? TxOutcome.Status.COMMITTED : TxOutcome.Status.FAILED,
            block.height(), r.getCode(), r.getMessage()));
      }
    }
  }

  /** Completes the watch of a transaction the pool dropped; registered with the pool. */
  public void dropped(Hash id, Rejection rejection) {
    CompletableFuture<TxOutcome> f = waiting.remove(id);
    if (f != null) {
      f.complete(new TxOutcome(id, TxOutcome.Status.REJECTED, -1, rejection.code().name(), rejection.message()));
    }
  }
}
