package org.veriflow.node.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;

/**
 * Futures completed when the ledger's head reaches a height: a client long-polling for a block
 * waits on one instead of asking again and again. Thread-safe.
 */
public final class HeightWaiters {
  private final Ledger ledger;
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();

  public HeightWaiters(Ledger ledger) {
    this.ledger = ledger;
    ledger.onCommit(this::committed);
  }

  /** Completes once the head is at {@code height} or above (at once if it already is). */
  public CompletableFuture<Void> reached(long height) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (waiting) {
      if (ledger.head().height() >= height) {
        f.complete(null);
      } else {
        waiting.computeIfAbsent(height, h -> new ArrayList<>()).add(f);
      }
    }
    // A future given up by its waiter (timed out) is dropped at the next commit past its height.
    return f;
  }

  private void committed(ExecutedBlock block) {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    synchronized (waiting) {
      Map<Long, List<CompletableFuture<Void>>> reachedNow = waiting.headMap(block.height(), true);
      reachedNow.values().forEach(done::addAll);
      reachedNow.clear();
    }
    done.forEach(f -> f.complete(null));
  }
}
