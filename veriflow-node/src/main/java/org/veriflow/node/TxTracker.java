package org.veriflow.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Rejection;

/**
 * Completes the futures of clients waiting for their transactions: when the block holding one is
 * durable, or when the pool drops it. Thread-safe.
 */
final class TxTracker {
  /** What became of a transaction: COMMITTED, FAILED (in a block) or REJECTED (dropped before one). */
  record Outcome(Hash id, String status, long height, String code, String message) {}

  private final ConcurrentMap<Hash, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();

  /** A client's interest in a transaction; {@code created} if this watch registered the future. */
  record Watch(Hash id, CompletableFuture<Outcome> future, boolean created) {}

  /** Registers interest in {@code id}; do so before handing the transaction to the orderer. */
  Watch watch(Hash id) {
    CompletableFuture<Outcome> mine = new CompletableFuture<>();
    CompletableFuture<Outcome> existing = waiting.putIfAbsent(id, mine);
    return existing == null ? new Watch(id, mine, true) : new Watch(id, existing, false);
  }

  /** Gives up a watch; the future is dropped only by the watch that registered it. */
  void release(Watch watch) {
    if (watch.created()) {
      waiting.remove(watch.id(), watch.future());
    }
  }

  void committed(ExecutedBlock block) {
    if (waiting.isEmpty()) {
      return;
    }
    for (int i = 0; i < block.transactions().size(); i++) {
      Hash id = block.transactions().get(i).id();
      CompletableFuture<Outcome> f = waiting.remove(id);
      if (f != null) {
        TxResult r = block.results().get(i);
        f.complete(new Outcome(id, r.getStatus() == TxStatus.COMMITTED ? "COMMITTED" : "FAILED", block.height(), r.getCode(), r.getMessage()));
      }
    }
  }

  void dropped(Hash id, Rejection rejection) {
    CompletableFuture<Outcome> f = waiting.remove(id);
    if (f != null) {
      f.complete(new Outcome(id, "REJECTED", -1, rejection.code().name(), rejection.message()));
    }
  }
}
