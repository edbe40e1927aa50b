package org.veriflow.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;

/**
 * Admitted transactions waiting for a block: per sender in nonce order, bounded in count, no
 * duplicates. A sender's transactions leave only in an unbroken run from the sender's next nonce;
 * one whose nonce is consumed or whose validity expired is dropped and reported. Thread-safe.
 */
public final class Mempool {
  private final Ledger ledger;
  private final int maxSize;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  /** Senders in order of first arrival; each sender's transactions by nonce. */
  private final LinkedHashMap<IdentityId, TreeMap<Long, VerifiedTx>> bySender = new LinkedHashMap<>();
  /** Pending ids, for duplicate checks; only looked up, never iterated. */
  private final Map<Hash, VerifiedTx> byId = new HashMap<>();
  /** Ids taken for a block that is not committed yet; a resubmission meanwhile is a duplicate. */
  private final Set<Hash> inFlight = new HashSet<>();
  /** Counts arrivals, so that a batch with nothing ready waits for a new one instead of spinning. */
  private long arrivals;
  private long arrivalsAtLastEmptyTake = -1;
  /** When the oldest transaction still pending arrived; the block-delay clock. */
  private long oldestArrivalNanos;
  private final List<BiConsumer<Hash, Rejection>> dropListeners = new CopyOnWriteArrayList<>();

  public Mempool(Ledger ledger, int maxSize) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("mempool size must be at least 1, not " + maxSize);
    }
    this.ledger = ledger;
    this.maxSize = maxSize;
    ledger.onCommit(this::committed);
  }

  private void committed(ExecutedBlock block) {
    lock.lock();
    try {
      for (VerifiedTx tx : block.transactions()) {
        inFlight.remove(tx.id());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Called with the id and reason of every pending transaction the pool drops. */
  public void onDropped(BiConsumer<Hash, Rejection> listener) {
    dropListeners.add(listener);
  }

  /**
   * Adds an admitted transaction.
   *
   * @return empty if added; otherwise {@code DUPLICATE_TX}, {@code NONCE_TOO_LOW} (another pending
   *     transaction of the sender holds that nonce) or {@code MEMPOOL_FULL}
   */
  public Optional<Rejection> add(VerifiedTx tx) {
    lock.lock();
    try {
      if (byId.containsKey(tx.id()) || inFlight.contains(tx.id())) {
        return Optional.of(new Rejection(RejectionCode.DUPLICATE_TX, "transaction " + tx.id() + " is already pending"));
      }
      TreeMap<Long, VerifiedTx> queue = bySender.get(tx.sender());
      if (queue != null && queue.containsKey(tx.nonce())) {
        return Optional.of(new Rejection(RejectionCode.NONCE_TOO_LOW,
            "nonce " + tx.nonce() + " of " + tx.sender() + " is taken by pending transaction " + queue.get(tx.nonce()).id()));
      }
      if (byId.size() >= maxSize) {
        return Optional.of(new Rejection(RejectionCode.MEMPOOL_FULL, "the pool holds " + maxSize + " pending transactions"));
      }
      if (byId.isEmpty()) {
        oldestArrivalNanos = monotonicNanos();
      }
      bySender.computeIfAbsent(tx.sender(), s -> new TreeMap<>()).put(tx.nonce(), tx);
      byId.put(tx.id(), tx);
      arrivals++;
      arrived.signalAll();
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes back transactions of a batch whose block was not committed (its orderer lost the lead or
   * the block went stale): they are pending again unless already committed, which the next batch
   * checks by nonce.
   */
  public void requeue(List<VerifiedTx> batch) {
    lock.lock();
    try {
      for (VerifiedTx tx : batch) {
        if (!inFlight.remove(tx.id()) || byId.containsKey(tx.id())) {
          continue;
        }
        TreeMap<Long, VerifiedTx> queue = bySender.computeIfAbsent(tx.sender(), s -> new TreeMap<>());
        if (queue.putIfAbsent(tx.nonce(), tx) == null) {
          if (byId.isEmpty()) {
            oldestArrivalNanos = monotonicNanos();
          }
          byId.put(tx.id(), tx);
          arrivals++;
        }
      }
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns every pending transaction, senders in arrival order and each sender's by nonce. */
  public List<VerifiedTx> drain() {
    lock.lock();
    try {
      List<VerifiedTx> out = new ArrayList<>(byId.size());
      for (TreeMap<Long, VerifiedTx> queue : bySender.values()) {
        out.addAll(queue.values());
      }
      bySender.clear();
      byId.clear();
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Reports to the drop listeners a transaction taken out by {@link #drain()} that will not be ordered here. */
  public void reportDropped(Hash id, Rejection reason) {
    for (BiConsumer<Hash, Rejection> l : dropListeners) {
      l.accept(id, reason);
    }
  }

  /** Removes every pending transaction and reports each to the drop listeners with {@code reason}. */
  public int dropAll(Rejection reason) {
    List<VerifiedTx> dropped = drain();
    for (VerifiedTx tx : dropped) {
      reportDropped(tx.id(), reason);
    }
    return dropped.size();
  }

  public int size() {
    lock.lock();
    try {
      return byId.size();
    } finally {
      lock.unlock();
    }
  }

  public boolean contains(Hash id) {
    lock.lock();
    try {
      return byId.containsKey(id);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until at least {@code wanted} transactions are pending or {@code maxWaitMillis} has passed
   * since the first one arrived (or returns after {@code idleMillis} with nothing), then removes and
   * returns up to {@code wanted} transactions that can execute now.
   */
  public List<VerifiedTx> takeBatch(int wanted, long maxWaitMillis, long idleMillis) throws InterruptedException {
    return takeBatch(wanted, Long.MAX_VALUE, maxWaitMillis, idleMillis);
  }

  /**
   * As {@link #takeBatch(int, long, long)}, and the batch's transactions together take at most
   * {@code maxBytes} serialised (but a batch holds at least one transaction when one is ready).
   */
  public List<VerifiedTx> takeBatch(int wanted, long maxBytes, long maxWaitMillis, long idleMillis) throws InterruptedException {
    lock.lock();
    try {
      // Nothing pending, or nothing that could execute and no arrival since: wait for one.
      if ((byId.isEmpty() || arrivals == arrivalsAtLastEmptyTake)
          && !arrived.await(idleMillis, TimeUnit.MILLISECONDS)) {
        return List.of();
      }
      if (byId.isEmpty()) {
        return List.of();
      }
      long remaining = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis) - (monotonicNanos() - oldestArrivalNanos);
      while (byId.size() < wanted && remaining > 0) {
        remaining = arrived.awaitNanos(remaining);
      }
      List<VerifiedTx> batch = takeReady(wanted, maxBytes);
      arrivalsAtLastEmptyTake = batch.isEmpty() ? arrivals : -1;
      for (VerifiedTx tx : batch) {
        inFlight.add(tx.id());
      }
      if (!byId.isEmpty()) {
        oldestArrivalNanos = monotonicNanos();
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private List<VerifiedTx> takeReady(int wanted, long maxBytes) {
    List<VerifiedTx> out = new ArrayList<>();
    long bytes = 0;
    List<Map.Entry<Hash, Rejection>> dropped = new ArrayList<>();
    long nextHeight = ledger.head().height() + 1;
    Iterator<Map.Entry<IdentityId, TreeMap<Long, VerifiedTx>>> senders = bySender.entrySet().iterator();
    while (senders.hasNext() && out.size() < wanted) {
      Map.Entry<IdentityId, TreeMap<Long, VerifiedTx>> e = senders.next();
      TreeMap<Long, VerifiedTx> queue = e.getValue();
      long expected = ledger.nextNonce(e.getKey());
      Iterator<VerifiedTx> it = queue.values().iterator();
      while (it.hasNext() && out.size() < wanted) {
        VerifiedTx tx = it.next();
        if (Long.compareUnsigned(tx.nonce(), expected) < 0) {
          dropped.add(Map.entry(tx.id(), new Rejection(RejectionCode.NONCE_TOO_LOW, "nonce " + tx.nonce() + " was consumed while the transaction was pending")));
        } else if (tx.payload().getValidUntilHeight() < nextHeight) {
          dropped.add(Map.entry(tx.id(), new Rejection(RejectionCode.EXPIRED, "transaction expired at height " + tx.payload().getValidUntilHeight() + " while pending")));
        } else if (tx.nonce() == expected) {
          long size = tx.signed().getSerializedSize();
          if (!out.isEmpty() && bytes + size > maxBytes) {
            break;
          }
          bytes += size;
          out.add(tx);
          expected++;
        } else {
          break;
        }
        it.remove();
        byId.remove(tx.id());
      }
      if (queue.isEmpty()) {
        senders.remove();
      }
    }
    for (Map.Entry<Hash, Rejection> d : dropped) {
      for (BiConsumer<Hash, Rejection> l : dropListeners) {
        l.accept(d.getKey(), d.getValue());
      }
    }
    return out;
  }

  @SuppressForbidden(reason = "paces how long the orderer waits to fill a block; never reaches a block, a hash or the state")
  private static long monotonicNanos() {
    return System.nanoTime();
  }
}
