package org.veriflow.node.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;
import org.veriflow.protocol.proto.Event;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.TaskStatus;

/**
 * What the {@link Aggregator} and the {@link RoundVerifier} share: following the fl contract's
 * tasks on the committed chain and acting on their current rounds exactly once per process.
 *
 * <p>The running tasks a service cares for are kept in memory: found by a scan of the fl namespace
 * when the service starts (and when {@link #ready} turns true), then refreshed from the fl events of
 * each committed block (a task whose events a block carries is read again). On every committed
 * block the current round of each kept task is looked at ({@link #work}), so that a round whose
 * deadline passed is seen even when no fl transaction came. A service may also ask to be woken at a
 * wall-clock time ({@link #wakeAt}): a round with a time deadline closes on an idle chain, where
 * no block comes to wake the service; the kept tasks' rounds are then looked at again.
 *
 * <p>Exactly once: a piece of work has a key (task, round, attempt); inside one process a key is
 * owned from the moment it is picked until its transaction's outcome is known, and is not picked
 * again once its transaction is in a block (committed or failed: the chain is the record). A
 * transaction dropped before a block, or refused at once, or work that failed for a reason that may
 * pass, frees its key after a back-off that doubles from one second up to five minutes; so does a
 * transaction that failed in a block with a code {@link #retries} names (a refusal that time may
 * lift). Work runs on
 * the service's own thread, one round at a time. Thread-safe; {@link #close()} stops the thread.
 */
abstract class RoundService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoundService.class);
  private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(5);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  /** A round to act on. */
  record Work(String key, TaskRecord task, RoundRecord round) {}

  protected final Ledger ledger;
  private final String name;
  private final Thread thread;

  // Guarded by this.
  private final Set<String> touched = new TreeSet<>();
  /** The tasks kept, by id. */
  private final Map<String, TaskRecord> tasks = new TreeMap<>();
  private final Set<String> owned = new HashSet<>();
  private final Map<String, Long> retryAt = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  /** Wall-clock times (ms since the epoch) the service asked to be woken at. */
  private final TreeSet<Long> wakeUps = new TreeSet<>();
  private boolean blockCommitted;
  private boolean rescan = true;
  private boolean closed;
  private int inFlight;

  RoundService(Ledger ledger, String name) {
    this.ledger = ledger;
    this.name = name;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /** Starts following the chain; returns at once. */
  void start() {
    ledger.onCommit(this::committed);
    thread.start();
  }

  /**
   * Whether the service may act now (checked on every committed block; a change from false to true
   * makes it scan every task again).
   */
  abstract boolean ready();

  /** Whether the service cares for this task (read from the state; RUNNING is checked already). */
  abstract boolean tracks(TaskRecord task);

  /** The work a kept task's current round calls for, if any. */
  abstract Optional<Work> work(TaskRecord task, RoundRecord round);

  /**
   * Does the work: computes, and submits a transaction whose outcome future it returns; or returns
   * empty when there is nothing to submit (the key stays owned: the work is not tried again in this
   * process).
   *
   * @throws RetryLater when the work could not be done for a reason that may pass
   */
  abstract Optional<CompletableFuture<TxOutcome>> perform(Work work) throws RetryLater;

  /**
   * Whether a transaction that failed in a block with this code is tried again after the back-off
   * rather than left: none by default (the chain recorded the failure, and trying again would fail
   * the same way).
   */
  boolean retries(String code) {
    return false;
  }

  /** The wall clock, in ms since the epoch: off chain, a service may read it. */
  long wallMillis() {
    return System.currentTimeMillis();
  }

  /**
   * Asks the service's thread to look at the kept tasks' rounds again at {@code epochMillis} of the
   * wall clock, even if no block commits meanwhile. Any thread.
   */
  final synchronized void wakeAt(long epochMillis) {
    if (wakeUps.add(epochMillis)) {
      notifyAll();
    }
  }

  /** Work that could not be done now; tried again after the back-off. */
  static final class RetryLater extends Exception {
    private static final long serialVersionUID = 1L;

    RetryLater(String message) {
      super(message, null, false, false);
    }
  }

  /** On the committing thread: notes the tasks a block's fl events name. */
  private void committed(ExecutedBlock block) {
    List<String> ids = new ArrayList<>();
    for (TxResult r : block.results()) {
      if (r.getStatus() == TxStatus.COMMITTED) {
        for (Event e : r.getEventsList()) {
          if (e.getContract().equals(FederatedRounds.FL)) {
            ids.add(FederatedRounds.taskOfEvent(e.getData().toStringUtf8()));
          }
        }
      }
    }
    synchronized (this) {
      touched.addAll(ids);
      blockCommitted = true;
      notifyAll();
    }
  }

  /** Keys owned (picked and not yet settled) or waiting for a retry. */
  synchronized int pending() {
    return inFlight + retryAt.size();
  }

  private void run() {
    boolean wasReady = false;
    while (true) {
      Set<String> changed;
      boolean scan;
      synchronized (this) {
        while (!closed && !blockCommitted && touched.isEmpty() && !rescan && !retryDue() && !wakeUpDue()) {
          try {
            TimeUnit.NANOSECONDS.timedWait(this, nextWaitNanos());
          } catch (InterruptedException e) {
            // close() interrupts; the loop condition decides
          }
        }
        if (closed) {
          return;
        }
        blockCommitted = false;
        changed = new TreeSet<>(touched);
        touched.clear();
        scan = rescan;
        rescan = false;
        long now = System.nanoTime();
        retryAt.entrySet().removeIf(e -> e.getValue() - now <= 0);
        wakeUps.headSet(wallMillis(), true).clear();
      }
      try {
        boolean isReady = ready();
        if (!isReady) {
          wasReady = false;
          continue;
        }
        if (!wasReady) {
          scan = true;
          wasReady = true;
        }
        refresh(scan, changed);
        for (Work w : due()) {
          synchronized (this) {
            if (closed) {
              return;
            }
            if (owned.contains(w.key()) || retryAt.containsKey(w.key())) {
              continue;
            }
            owned.add(w.key());
            inFlight++;
          }
          act(w);
        }
      } catch (RuntimeException e) {
        synchronized (this) {
          if (closed) {
            return;
          }
          rescan = true;
        }
        LOG.warn("{}: cannot read the federated tasks from the state, trying again: {}", name, e.toString());
        waitQuietly(FIRST_RETRY_NANOS * 5);
      }
    }
  }

  private synchronized void waitQuietly(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(this, nanos);
    } catch (InterruptedException e) {
      // close() interrupts
    }
  }

  private boolean retryDue() {
    long now = System.nanoTime();
    for (long at : retryAt.values()) {
      if (at - now <= 0) {
        return true;
      }
    }
    return false;
  }

  private boolean wakeUpDue() {
    return !wakeUps.isEmpty() && wakeUps.first() <= wallMillis();
  }

  private long nextWaitNanos() {
    long wait = TimeUnit.MINUTES.toNanos(1);
    long now = System.nanoTime();
    for (long at : retryAt.values()) {
      wait = Math.min(wait, Math.max(1, at - now));
    }
    if (!wakeUps.isEmpty()) {
      wait = Math.min(wait, TimeUnit.MILLISECONDS.toNanos(Math.max(1, wakeUps.first() - wallMillis())));
    }
    return wait;
  }

  /** Re-reads the tasks to keep: all of them on a scan, else those a block's events named. */
  private void refresh(boolean scan, Set<String> changed) {
    var fl = ledger.state(FederatedRounds.FL);
    List<TaskRecord> read = new ArrayList<>();
    if (scan) {
      read.addAll(FederatedRounds.tasks(fl));
    } else {
      for (String id : changed) {
        FederatedRounds.task(fl, id).ifPresent(read::add);
      }
    }
    synchronized (this) {
      if (scan) {
        tasks.clear();
      }
      for (TaskRecord t : read) {
        if (t.getStatus() == TaskStatus.RUNNING && tracks(t)) {
          tasks.put(t.getTaskId(), t);
        } else if (tasks.remove(t.getTaskId()) != null) {
          String prefix = t.getTaskId() + "/";
          owned.removeIf(k -> k.startsWith(prefix));
          failures.keySet().removeIf(k -> k.startsWith(prefix));
        }
      }
    }
  }

  /** The work the kept tasks' current rounds call for now. */
  private List<Work> due() {
    List<TaskRecord> kept;
    synchronized (this) {
      kept = new ArrayList<>(tasks.values());
    }
    var fl = ledger.state(FederatedRounds.FL);
    List<Work> out = new ArrayList<>();
    for (TaskRecord kept1 : kept) {
      // The task as of now: its current round may have moved since it was kept.
      Optional<TaskRecord> t = FederatedRounds.task(fl, kept1.getTaskId());
      if (t.isEmpty() || t.get().getStatus() != TaskStatus.RUNNING) {
        continue;
      }
      Optional<RoundRecord> r = FederatedRounds.round(fl, t.get().getTaskId(), t.get().getCurrentRound());
      r.flatMap(round -> work(t.get(), round)).ifPresent(out::add);
    }
    return out;
  }

  private void act(Work w) {
    Optional<CompletableFuture<TxOutcome>> submitted;
    try {
      submitted = perform(w);
    } catch (RetryLater e) {
      LOG.warn("{}: {}; trying again later", name, e.getMessage());
      retryLater(w.key());
      return;
    } catch (RuntimeException e) {
      LOG.warn("{}: task {} round {}: the work failed on this node, trying again later", name, w.task().getTaskId(), w.round().getRound(), e);
      retryLater(w.key());
      return;
    }
    if (submitted.isEmpty()) {
      settled(w.key());
      return;
    }
    submitted.get().whenComplete((o, e) -> {
      if (e != null || o.status() == TxOutcome.Status.REJECTED) {
        LOG.warn("{}: task {} round {}: transaction dropped before a block ({}), trying again later", name, w.task().getTaskId(),
            w.round().getRound(), e != null ? e.toString() : o.code() + ": " + o.message());
        retryLater(w.key());
      } else if (!o.committed() && retries(o.code())) {
        LOG.info("{}: task {} round {}: transaction failed at height {}: {}: {}; trying again later", name, w.task().getTaskId(),
            w.round().getRound(), o.height(), o.code(), o.message());
        retryLater(w.key());
      } else if (o.committed()) {
        LOG.info("{}: task {} round {}: transaction committed at height {}", name, w.task().getTaskId(), w.round().getRound(), o.height());
        settled(w.key());
      } else {
        // In a block but failed: the chain recorded it; trying again would fail the same way.
        LOG.warn("{}: task {} round {}: transaction failed at height {}: {}: {}", name, w.task().getTaskId(), w.round().getRound(),
            o.height(), o.code(), o.message());
        settled(w.key());
      }
    });
  }

  private synchronized void settled(String key) {
    inFlight--;
    failures.remove(key);
    notifyAll();
  }

  private synchronized void retryLater(String key) {
    inFlight--;
    owned.remove(key);
    if (closed) {
      return;
    }
    int n = failures.merge(key, 1, Integer::sum);
    retryAt.put(key, System.nanoTime() + Math.min(MAX_RETRY_NANOS, FIRST_RETRY_NANOS << Math.min(n - 1, 20)));
    notifyAll();
  }

  /** Stops the service's thread (work being done finishes first, up to 10 seconds). Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
