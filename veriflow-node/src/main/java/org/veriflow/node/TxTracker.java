package org.veriflow.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.proto.TxResult;
import org.veriflow.core.proto.TxStatus;
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

  /** The future for {@code id}; register before handing the transaction to the orderer. */
  CompletableFuture<Outcome> watch(Hash id) {
    return waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  void forget(Hash id) {
    waiting.remove(id);
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
