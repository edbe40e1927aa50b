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
 * Admitted transactions waiting for a block: per sender in nonce order, bounded in count, in bytes
 * overall and in bytes per sender, no duplicates. A sender's transactions leave only in an unbroken
 * run from the sender's next nonce; one whose nonce is consumed or whose validity expired is dropped
 * and reported. Thread-safe.
 *
 * <p>The bounds ({@link Bounds}) are the node's own, not the chain's: a transaction this pool
 * refuses is still valid in a block ordered elsewhere. A transaction's size is its serialised size
 * (the pool holds it decoded too, so the heap it takes is about twice that).
 */
public final class Mempool {
  /**
   * What the pool holds at most.
   *
   * @param maxCount most pending transactions
   * @param maxBytes most serialised bytes of all pending transactions together; beyond it {@code
   *     MEMPOOL_FULL}
   * @param maxSenderBytes most serialised bytes of one sender's pending transactions; beyond it
   *     {@code SENDER_POOL_FULL}, while other senders are still admitted
   * @param maxValidityBlocks how far above the next block's height a pending transaction's {@code
   *     valid_until_height} may be; beyond it {@code VALID_UNTIL_TOO_FAR}, so that nothing waits in
   *     the pool for longer than this many blocks
   */
  public record Bounds(int maxCount, long maxBytes, long maxSenderBytes, long maxValidityBlocks) {
    /** Default of {@link #maxBytes()}: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    /** Default of {@link #maxSenderBytes()}: 32 MiB, 32 transactions of the chain's default largest size. */
    public static final long DEFAULT_MAX_SENDER_BYTES = 32L << 20;
    /** Default of {@link #maxValidityBlocks()}: one million blocks. */
    public static final long DEFAULT_MAX_VALIDITY_BLOCKS = 1_000_000;

    /**
     * @throws IllegalArgumentException if a bound is below 1
     */
    public Bounds {
      if (maxCount < 1 || maxBytes < 1 || maxSenderBytes < 1 || maxValidityBlocks < 1) {
        throw new IllegalArgumentException("mempool bounds must be at least 1, not " + maxCount + " transactions, "
            + maxBytes + " bytes, " + maxSenderBytes + " bytes per sender, " + maxValidityBlocks + " blocks of validity");
      }
    }

    /**
     * The given count with the default byte and validity bounds.
     *
     * @param maxCount most pending transactions
     * @return the bounds
     * @throws IllegalArgumentException if {@code maxCount} is below 1
     */
    public static Bounds ofCount(int maxCount) {
      return new Bounds(maxCount, DEFAULT_MAX_BYTES, DEFAULT_MAX_SENDER_BYTES, DEFAULT_MAX_VALIDITY_BLOCKS);
    }
  }

  private final Ledger ledger;
  private final int maxSize;
  private final Bounds bounds;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  /** Senders in order of first arrival; each sender's transactions by nonce. */
  private final LinkedHashMap<IdentityId, TreeMap<Long, VerifiedTx>> bySender = new LinkedHashMap<>();
  /** Serialised bytes pending per sender; only looked up, never iterated. */
  private final Map<IdentityId, Long> senderBytes = new HashMap<>();
  /** Serialised bytes pending in all. */
  private long totalBytes;
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

  /**
   * A pool bounded in count, with the default byte and validity bounds ({@link Bounds#ofCount}).
   *
   * @throws IllegalArgumentException if {@code maxSize} is below 1
   */
  public Mempool(Ledger ledger, int maxSize) {
    this(ledger, Bounds.ofCount(maxSize));
  }

  /** A pool with the given bounds; it registers itself with {@code ledger} for commits. */
  public Mempool(Ledger ledger, Bounds bounds) {
    this.ledger = ledger;
    this.bounds = bounds;
    this.maxSize = bounds.maxCount();
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
   *     transaction of the sender holds that nonce), {@code VALID_UNTIL_TOO_FAR} (its {@code
   *     valid_until_height} is more than {@link Bounds#maxValidityBlocks()} above the next height),
   *     {@code SENDER_POOL_FULL} (the sender's pending bytes would pass {@link
   *     Bounds#maxSenderBytes()}) or {@code MEMPOOL_FULL} (the pool's count or bytes would pass their
   *     bound); a refused transaction changes nothing
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
            "nonce " + Long.toUnsignedString(tx.nonce()) + " of " + tx.sender() + " is taken by pending transaction " + queue.get(tx.nonce()).id()));
      }
      long nextHeight = ledger.head().height() + 1;
      long validUntil = tx.payload().getValidUntilHeight();
      if (validUntil > nextHeight && validUntil - nextHeight > bounds.maxValidityBlocks()) {
        return Optional.of(new Rejection(RejectionCode.VALID_UNTIL_TOO_FAR, "valid_until_height " + validUntil
            + " is more than " + bounds.maxValidityBlocks() + " blocks above the next height " + nextHeight + "; this node holds nothing that long"));
      }
      long size = tx.sizeBytes();
      long sender = senderBytes.getOrDefault(tx.sender(), 0L);
      if (sender + size > bounds.maxSenderBytes()) {
        return Optional.of(new Rejection(RejectionCode.SENDER_POOL_FULL, "sender " + tx.sender() + " has " + sender
            + " bytes pending; with this transaction's " + size + " it would pass its share of " + bounds.maxSenderBytes() + " bytes"));
      }
      if (byId.size() >= maxSize) {
        return Optional.of(new Rejection(RejectionCode.MEMPOOL_FULL, "the pool holds " + maxSize + " pending transactions"));
      }
      if (totalBytes + size > bounds.maxBytes()) {
        return Optional.of(new Rejection(RejectionCode.MEMPOOL_FULL, "the pool holds " + totalBytes
            + " bytes of pending transactions; with this one's " + size + " it would pass " + bounds.maxBytes()));
      }
      if (byId.isEmpty()) {
        oldestArrivalNanos = monotonicNanos();
      }
      bySender.computeIfAbsent(tx.sender(), s -> new TreeMap<>()).put(tx.nonce(), tx);
      byId.put(tx.id(), tx);
      account(tx, size);
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
          account(tx, tx.sizeBytes());
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
      senderBytes.clear();
      totalBytes = 0;
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

  /** Adds {@code delta} bytes to the pool's and the sender's totals. Called holding the lock. */
  private void account(VerifiedTx tx, long delta) {
    totalBytes += delta;
    long left = senderBytes.getOrDefault(tx.sender(), 0L) + delta;
    if (left <= 0) {
      senderBytes.remove(tx.sender());
    } else {
      senderBytes.put(tx.sender(), left);
    }
  }

  /** Serialised bytes of every pending transaction together. */
  public long bytes() {
    lock.lock();
    try {
      return totalBytes;
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
          dropped.add(Map.entry(tx.id(), new Rejection(RejectionCode.NONCE_TOO_LOW, "nonce " + Long.toUnsignedString(tx.nonce()) + " was consumed while the transaction was pending")));
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
        account(tx, -tx.sizeBytes());
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
