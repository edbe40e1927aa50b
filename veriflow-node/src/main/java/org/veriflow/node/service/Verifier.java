package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.datasets.DatasetsState;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.contracts.streams.StreamsState;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.Event;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.models.Attest;
import org.veriflow.protocol.proto.models.Attestation;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ReplayOutcome;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ml.metrics.EpochRecord;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeCost;
import org.veriflow.ml.recipe.Replay;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Proof of training by replay, as a node service (DESIGN.md, "Models"): on a node whose key is an
 * active validator, every model record that lacks this node's attestation is retrained from its
 * on-chain recipe and from the dataset snapshot reproduced from the node's own state (or, for a
 * model trained on a datasets-contract version, from that version's plaintext, which only its
 * custodian can decrypt: other nodes skip such a model with a log line and attest nothing), and the
 * artifact hash the engine produced is attested with the node's key ({@code models.attest}); whether
 * it matches is the contract's business. A record that cannot be replayed (a recipe that does not
 * parse or does not hash to its recorded hash, an engine version this node does not run, data that
 * disagrees with the recorded hashes, data the engine refuses) is attested with {@code failure} set
 * to the reason.
 *
 * <p>A model record naming a {@code federated_task} is never replayed here: it is the last global
 * model of a federated task, whose rounds the validators recomputed and attested one by one
 * ({@link RoundVerifier}).
 *
 * <p>Models are found by a scan of the models namespace when the verifier starts (and when the
 * node's key becomes an active validator), then through the {@code model_registered} events of each
 * committed block, so models registered while the node was down are replayed too.
 *
 * <p>Exactly once: the chain is the record. A model with this node's attestation on chain is never
 * picked; inside one process a model is owned by the verifier from the moment it is queued until its
 * attestation's outcome is known (queued, replaying, attesting, waiting to retry), and an owned model
 * is not picked again. A crash before the attestation is durable leaves nothing on chain and the
 * model is replayed after the restart; a crash after finds the attestation on chain. An attestation
 * dropped by the pool or refused at once is resubmitted (the same result, not a new replay) after a
 * back-off that doubles from one second up to five minutes. A replay that fails for a reason that is
 * not the record's (storage, interruption, the node closing) attests nothing; the model is retried
 * after the back-off, or after the next start.
 *
 * <p>Budgets ({@link Budget}): before a replay starts, its memory is estimated from the recipe and
 * the rows of its data on chain ({@link RecipeCost}); a replay whose estimate passes {@code
 * verifier.replay-max-bytes} is not started, and one that runs longer than {@code
 * verifier.replay-timeout-ms} is stopped at its next epoch. Either is attested with outcome {@code
 * BUDGET_EXCEEDED} and a sentence saying which budget: the chain records it, so the model is not
 * replayed again by this node, at the next start or later, and it counts neither for nor against the
 * model.
 *
 * <p>Scheduling: queued models start cheapest first (by {@link RecipeCost#operations()}, then id).
 * Up to {@code concurrency} replays run at once, each with {@code threads} engine threads, and a
 * replay costing more than {@link Budget#largeReplayCost()} runs only in a separate lane of its own
 * (one at a time), so that a slow replay never holds the lane of the cheap ones. The queue holds
 * each model at most once. Thread-safe; {@link #close()} cancels running replays at their next
 * epoch.
 */
public final class Verifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
  private static final byte[] MODEL_PREFIX = "m/".getBytes(StandardCharsets.UTF_8);
  private static final int SCAN_PAGE = 256;
  private static final int MAX_FAILURE_CHARS = 512;
  private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(5);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private enum Phase { QUEUED, REPLAYING, ATTESTING, RETRY }

  /**
   * What one replay may take.
   *
   * @param replayTimeout the longest a replay may run; it is stopped at the first epoch after
   * @param replayMaxBytes the most memory a replay may need by its estimate; a costlier one is not started
   * @param largeReplayCost a replay estimated to cost more ({@link RecipeCost#operations()}) runs in
   *     the lane for large replays, one at a time, beside the {@code concurrency} others
   */
  public record Budget(Duration replayTimeout, long replayMaxBytes, long largeReplayCost) {
    /** Default time budget: four hours, above what the chain's default largest recipe takes on one core. */
    public static final Duration DEFAULT_REPLAY_TIMEOUT = Duration.ofHours(4);
    /** Default memory budget: 1 GiB. */
    public static final long DEFAULT_REPLAY_MAX_BYTES = 1L << 30;
    /** Default threshold of the large lane: 10^10, one to two minutes of one core. */
    public static final long DEFAULT_LARGE_REPLAY_COST = 10_000_000_000L;
    /** The defaults. */
    public static final Budget DEFAULT = new Budget(DEFAULT_REPLAY_TIMEOUT, DEFAULT_REPLAY_MAX_BYTES, DEFAULT_LARGE_REPLAY_COST);

    /**
     * @throws IllegalArgumentException if the timeout is not positive or a bound is below 1
     */
    public Budget {
      if (replayTimeout.isNegative() || replayTimeout.isZero() || replayMaxBytes < 1 || largeReplayCost < 1) {
        throw new IllegalArgumentException("replay budgets must be positive, not " + replayTimeout + ", " + replayMaxBytes
            + " bytes, cost " + largeReplayCost);
      }
    }
  }

  /** A queued model, cheapest first. */
  private record Queued(long cost, String id) implements Comparable<Queued> {
    @Override
    public int compareTo(Queued o) {
      int c = Long.compare(cost, o.cost);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  /** What the verifier knows about a model it owns. Guarded by the verifier's lock. */
  private static final class Owned {
    Phase phase = Phase.QUEUED;
    /** The estimate of its replay; null if the recipe does not parse (its replay fails at once). */
    RecipeCost cost;
    boolean large;
    int failures;
    long retryAtNanos;
    /** The result to (re)submit, once a replay produced one. */
    Attest attest;
  }

  /** Thrown by the training listener to abort a replay when the verifier closes. */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("the verifier is closing", null, false, false);
    }
  }

  /** Thrown by the training listener to stop a replay that ran past its time budget. */
  private static final class OverTime extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OverTime(String message) {
      super(message, null, false, false);
    }
  }

  /** A replay's result: the attestation and how to count and describe it. */
  private record Result(Attest attest, String outcome, String description) {}

  private final Ledger ledger;
  private final NodeSubmitter submitter;
  private final CustodianData custodianData;
  private final String identity;
  private final boolean enabled;
  private final int concurrency;
  private final int threads;
  private final Budget budget;
  private final Map<String, Counter> replays = new HashMap<>();
  private final Timer replayTime;
  private final ExecutorService workers;
  private final Thread dispatcher;

  // Guarded by this.
  private final Map<String, Owned> owned = new HashMap<>();
  private final TreeSet<Queued> queue = new TreeSet<>();
  private final Set<String> registered = new LinkedHashSet<>();
  private boolean blockCommitted;
  private boolean scanPending;
  private long scanAtNanos;
  private int running;
  private int runningLarge;
  private boolean closed;
  private volatile boolean cancelled;
  /** Whether the node's key was an active validator at the last check; null before the first. */
  private Boolean active;

  /**
   * @param enabled {@code verifier.enabled}; a disabled verifier only logs that it is off
   * @param concurrency most replays at once, at least 1
   * @param threads engine threads per replay, 1 to 1024
   * @param custodianData the plaintexts of the dataset versions this node is the custodian of
   */
  public Verifier(Ledger ledger, NodeSubmitter submitter, MeterRegistry metrics, boolean enabled, int concurrency, int threads,
      CustodianData custodianData) {
    this(ledger, submitter, metrics, enabled, concurrency, threads, custodianData, Budget.DEFAULT);
  }

  /**
   * @param enabled {@code verifier.enabled}; a disabled verifier only logs that it is off
   * @param concurrency most replays at once besides the large lane, at least 1
   * @param threads engine threads per replay, 1 to 1024
   * @param custodianData the plaintexts of the dataset versions this node is the custodian of
   * @param budget each replay's time and memory budget and the large lane's threshold
   */
  public Verifier(Ledger ledger, NodeSubmitter submitter, MeterRegistry metrics, boolean enabled, int concurrency, int threads,
      CustodianData custodianData, Budget budget) {
    if (concurrency < 1 || threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("verifier needs concurrency >= 1 and 1 to 1024 threads, not " + concurrency + " and " + threads);
    }
    this.ledger = ledger;
    this.submitter = submitter;
    this.custodianData = custodianData;
    this.identity = submitter.identity();
    this.enabled = enabled;
    this.concurrency = concurrency;
    this.threads = threads;
    this.budget = budget;
    for (String outcome : List.of("match", "mismatch", "failed", "budget_exceeded")) {
      replays.put(outcome, Counter.builder("veriflow_verifier_replays").tag("outcome", outcome)
          .description("model replays finished by the verifier, by what they attested").register(metrics));
    }
    Gauge.builder("veriflow_verifier_pending", this, Verifier::pending).strongReference(true)
        .description("models waiting for this node's attestation: queued, replaying, attesting or waiting to retry").register(metrics);
    replayTime = Timer.builder("veriflow_verifier_replay").description("time a model replay took, data reproduction included")
        .register(metrics);
    AtomicInteger n = new AtomicInteger();
    workers = Executors.newFixedThreadPool(concurrency + 1, r -> {
      Thread t = new Thread(r, "veriflow-verifier-replay-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    dispatcher = new Thread(this::dispatch, "veriflow-verifier");
    dispatcher.setDaemon(true);
  }

  /** Starts watching the chain, if enabled; returns at once. */
  public void start() {
    if (!enabled) {
      return;
    }
    ledger.onCommit(this::committed);
    synchronized (this) {
      scanPending = true;
      scanAtNanos = System.nanoTime();
    }
    dispatcher.start();
  }

  /** Models owned: queued, replaying, attesting or waiting to retry. */
  synchronized int pending() {
    return owned.size();
  }

  /**
   * Waits up to {@code timeout} until the verifier owns no model (every one it picked has its
   * attestation's outcome); true if it got there. Every release notifies this monitor.
   */
  public synchronized boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!owned.isEmpty()) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  // ------------------------------------------------------------------ finding models

  /** On the committing thread: notes the models a block registered; the dispatcher does the rest. */
  private void committed(ExecutedBlock block) {
    List<String> ids = new ArrayList<>();
    for (TxResult r : block.results()) {
      if (r.getStatus() == TxStatus.COMMITTED) {
        for (Event e : r.getEventsList()) {
          if (e.getContract().equals(Models.NAME) && e.getName().equals("model_registered")) {
            ids.add(e.getData().toStringUtf8());
          }
        }
      }
    }
    synchronized (this) {
      blockCommitted = true;
      registered.addAll(ids);
      notifyAll();
    }
  }

  private void dispatch() {
    while (true) {
      boolean checkIdentity;
      boolean scan;
      List<String> candidates;
      synchronized (this) {
        if (!awaitWork()) {
          return;
        }
        checkIdentity = blockCommitted || active == null;
        blockCommitted = false;
        scan = scanPending && scanAtNanos - System.nanoTime() <= 0;
        if (scan) {
          scanPending = false;
        }
        candidates = new ArrayList<>(registered);
        registered.clear();
      }
      if (checkIdentity) {
        try {
          if (checkActive()) {
            scan = true; // just became an active validator: whatever was registered before counts
          }
        } catch (RuntimeException e) {
          LOG.warn("verifier: cannot read this node's identity, trying again in 5 s: {}", e.toString());
          scanLater();
        }
      }
      Map<String, Attest> resubmit = new HashMap<>();
      synchronized (this) {
        if (!Boolean.TRUE.equals(active)) {
          // Off: forget what has not started; a scan picks it up again if the node becomes a validator.
          queue.clear();
          owned.values().removeIf(o -> o.phase == Phase.QUEUED || o.phase == Phase.RETRY);
          notifyAll();
          continue;
        }
        long now = System.nanoTime();
        for (Map.Entry<String, Owned> e : owned.entrySet()) {
          Owned o = e.getValue();
          if (o.phase == Phase.RETRY && o.retryAtNanos - now <= 0) {
            if (o.attest != null) {
              resubmit.put(e.getKey(), o.attest);
            } else {
              o.phase = Phase.QUEUED;
              queue.add(new Queued(o.cost == null ? 0 : o.cost.operations(), e.getKey()));
            }
          }
        }
      }
      for (Map.Entry<String, Attest> e : resubmit.entrySet()) {
        submit(e.getKey(), e.getValue());
      }
      try {
        if (scan) {
          scanModels();
        }
        for (String id : candidates) {
          Models.find(ledger.state(Models.NAME), id).filter(this::lacksMine).ifPresent(this::offer);
        }
      } catch (RuntimeException e) {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        // A full scan later covers the candidates of this round too.
        LOG.warn("verifier: cannot read the models from the state, trying again in 5 s: {}", e.toString());
        scanLater();
      }
      startReplays();
    }
  }

  /** Waits until there is something to do; false once closed. Called holding the lock. */
  private boolean awaitWork() {
    while (!closed) {
      long now = System.nanoTime();
      if (blockCommitted || !registered.isEmpty() || (scanPending && scanAtNanos - now <= 0)
          || canStartOne()) {
        return true;
      }
      long wait = TimeUnit.MINUTES.toNanos(1);
      if (scanPending) {
        wait = Math.min(wait, scanAtNanos - now);
      }
      for (Owned o : owned.values()) {
        if (o.phase == Phase.RETRY) {
          if (o.retryAtNanos - now <= 0) {
            return true;
          }
          wait = Math.min(wait, o.retryAtNanos - now);
        }
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, wait);
      } catch (InterruptedException e) {
        // close() interrupts; the loop condition decides
      }
    }
    return false;
  }

  /** Whether a queued model could start now in a lane with room. Called holding the lock. */
  private boolean canStartOne() {
    for (Queued q : queue) {
      Owned o = owned.get(q.id());
      if (o != null && (o.large ? runningLarge < 1 : running - runningLarge < concurrency)) {
        return true;
      }
    }
    return false;
  }

  private synchronized void scanLater() {
    long at = System.nanoTime() + 5 * FIRST_RETRY_NANOS;
    if (!scanPending || at - scanAtNanos < 0) {
      scanAtNanos = at;
    }
    scanPending = true;
  }

  /** Re-reads this node's identity; logs when the verifier turns on or off. Returns true on turning on. */
  private boolean checkActive() {
    Optional<IdentityRecord> me = Identities.find(ledger.state(Identities.NAME), identity);
    String whyNot = me.isEmpty() ? "the node key " + identity + " is not a registered identity"
        : me.get().getKind() != IdentityKind.VALIDATOR ? "the node key " + identity + " is an identity of kind " + me.get().getKind() + ", not VALIDATOR"
        : me.get().getStatus() != IdentityStatus.ACTIVE ? "the node key " + identity + " is a revoked validator"
        : null;
    boolean now = whyNot == null;
    Boolean before;
    synchronized (this) {
      before = active;
      active = now;
    }
    if (before == null || before != now) {
      if (now) {
        LOG.info("verifier on: replaying registered models with {} replay(s) at once, {} engine thread(s) each, attesting as {}",
            concurrency, threads, identity);
      } else {
        LOG.info("verifier off: {}; models are not replayed by this node", whyNot);
      }
    }
    return now && !Boolean.TRUE.equals(before);
  }

  private void scanModels() {
    StateView models = ledger.state(Models.NAME);
    byte[] after = null;
    while (true) {
      List<StateView.Entry> page = models.scan(MODEL_PREFIX, after, SCAN_PAGE);
      for (StateView.Entry e : page) {
        ModelRecord m = parse(e.value());
        if (lacksMine(m)) {
          offer(m);
        }
      }
      if (page.size() < SCAN_PAGE) {
        return;
      }
      after = page.get(page.size() - 1).key();
    }
  }

  private static ModelRecord parse(byte[] stored) {
    try {
      return ModelRecord.parseFrom(stored);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored model record does not decode", e);
    }
  }

  private boolean lacksMine(ModelRecord m) {
    for (Attestation a : m.getAttestationsList()) {
      if (a.getValidator().equals(identity)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Queues a model, by the estimate of its replay, unless it is owned already or came from a
   * federated task: such a model has no training recipe to replay; it is verified through its
   * rounds, each recomputed and attested by the validators ({@link RoundVerifier}).
   */
  private void offer(ModelRecord m) {
    String id = m.getModelId();
    if (!m.getFederatedTask().isEmpty()) {
      return;
    }
    synchronized (this) {
      if (closed || owned.containsKey(id)) {
        return;
      }
    }
    RecipeCost cost = estimate(m);
    synchronized (this) {
      if (!closed && !owned.containsKey(id)) {
        Owned o = new Owned();
        o.cost = cost;
        o.large = cost != null && cost.operations() > budget.largeReplayCost();
        owned.put(id, o);
        queue.add(new Queued(cost == null ? 0 : cost.operations(), id));
      }
    }
  }

  /**
   * The estimate of a model's replay, from its recipe and the rows its datasets have on chain; null
   * if the recipe does not parse (the replay then fails at once) or a dataset is not on chain (the
   * replay then fails on its data).
   */
  private RecipeCost estimate(ModelRecord m) {
    Recipe recipe;
    try {
      recipe = Recipe.parse(m.getRecipe().toByteArray());
    } catch (IllegalArgumentException e) {
      return null;
    }
    long rows = 0;
    for (DatasetRef d : m.getDatasetsList()) {
      long r;
      if (d.getDatasetId().isEmpty()) {
        Optional<org.veriflow.protocol.proto.streams.SnapshotRecord> snap = StreamsState.snapshot(ledger.state(Streams.NAME), d.getSnapshotId());
        if (snap.isEmpty()) {
          return null;
        }
        r = snap.get().getRowCount();
      } else {
        Optional<DatasetRecord> v = DatasetsState.dataset(ledger.state(Datasets.NAME), d.getDatasetId(), d.getDatasetVersion());
        if (v.isEmpty()) {
          return null;
        }
        r = v.get().getQuality().getRows();
      }
      rows = r < 0 || rows > Long.MAX_VALUE - r ? Long.MAX_VALUE : rows + r;
    }
    return RecipeCost.of(recipe, rows);
  }

  private synchronized void release(String id) {
    owned.remove(id);
    notifyAll();
  }

  private synchronized void retryLater(String id, Attest attest) {
    Owned o = owned.get(id);
    if (o == null || closed) {
      owned.remove(id);
      notifyAll();
      return;
    }
    o.failures++;
    o.attest = attest;
    o.phase = Phase.RETRY;
    long delay = Math.min(MAX_RETRY_NANOS, FIRST_RETRY_NANOS << Math.min(o.failures - 1, 20));
    o.retryAtNanos = System.nanoTime() + delay;
    notifyAll();
  }

  private void startReplays() {
    synchronized (this) {
      java.util.Iterator<Queued> it = queue.iterator();
      while (!closed && it.hasNext()) {
        String id = it.next().id();
        Owned o = owned.get(id);
        if (o == null || o.phase != Phase.QUEUED) {
          it.remove();
          continue;
        }
        if (o.large ? runningLarge >= 1 : running - runningLarge >= concurrency) {
          continue;
        }
        it.remove();
        o.phase = Phase.REPLAYING;
        running++;
        if (o.large) {
          runningLarge++;
        }
        boolean large = o.large;
        RecipeCost cost = o.cost;
        workers.execute(() -> replay(id, cost, large));
      }
    }
  }

  // ------------------------------------------------------------------ replay

  /** On a worker thread: replays one model and submits its attestation, or leaves it for later. */
  private void replay(String id, RecipeCost cost, boolean large) {
    boolean handedOver = false;
    try {
      Optional<ModelRecord> record = Models.find(ledger.state(Models.NAME), id);
      if (record.isEmpty() || !lacksMine(record.get())) {
        return;
      }
      long start = System.nanoTime();
      Result result = replay(record.get(), cost);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (cancelled || result == null) {
        return;
      }
      replayTime.record(took);
      replays.get(result.outcome()).increment();
      LOG.info("model {}: replayed in {} s: {}", id, String.format(Locale.ROOT, "%.1f", took.toMillis() / 1000.0), result.description());
      handedOver = true;
      submit(id, result.attest());
    } catch (Cancelled e) {
      LOG.info("model {}: replay cancelled, the node is closing; it will be replayed after the next start", id);
    } catch (RuntimeException e) {
      if (cancelled) {
        LOG.info("model {}: replay stopped, the node is closing; it will be replayed after the next start", id);
      } else {
        LOG.warn("model {}: the replay could not run on this node, nothing attested; trying again later", id, e);
        handedOver = true;
        retryLater(id, null);
      }
    } finally {
      synchronized (this) {
        running--;
        if (large) {
          runningLarge--;
        }
        if (!handedOver) {
          owned.remove(id);
        }
        notifyAll();
      }
    }
  }

  /**
   * Checks the record and replays it.
   *
   * @return the result to attest, or null when this node cannot replay the model for a reason that
   *     is not the record's: it was trained on a datasets-contract version whose plaintext only the
   *     version's custodian can decrypt, and this node is not that custodian (or no longer holds its
   *     data); that is logged and nothing is attested
   * @throws Cancelled if the verifier closed meanwhile
   * @throws RuntimeException for a failure that is not the record's (storage, interruption, a state
   *     that contradicts its own chain)
   */
  private Result replay(ModelRecord m, RecipeCost cost) {
    String id = m.getModelId();
    if (cost != null && cost.memoryBytes() > budget.replayMaxBytes()) {
      return overBudget(id, "memory: the replay would need about " + cost.memoryBytes() + " bytes ("
          + cost.parameters() + " parameters); this validator allows " + budget.replayMaxBytes());
    }
    List<Replay.RecordedDataset> datasets = new ArrayList<>();
    for (DatasetRef d : m.getDatasetsList()) {
      String reference = d.getDatasetId().isEmpty() ? d.getSnapshotId() : CustodianData.reference(d.getDatasetId(), d.getDatasetVersion());
      datasets.add(new Replay.RecordedDataset(reference, sha256(d.getCsvSha256())));
    }
    Replay.Request request = new Replay.Request(m.getEngineVersion(), m.getRecipe().toByteArray(), sha256(m.getRecipeSha256()),
        datasets, sha256(m.getArtifactSha256()));
    Replay.Outcome outcome;
    long started = System.nanoTime();
    long timeout = budget.replayTimeout().toNanos();
    try (Parallelism parallelism = Parallelism.threads(threads)) {
      int[] lastTenth = {0};
      outcome = Replay.run(request, (reference, expected) -> data(id, reference, Hash.of(expected.bytes())), parallelism,
          (EpochRecord epoch, int max) -> {
            if (cancelled || Thread.currentThread().isInterrupted()) {
              throw new Cancelled();
            }
            if (System.nanoTime() - started > timeout) {
              throw new OverTime("time: the replay ran longer than " + budget.replayTimeout().toMillis() + " ms and was stopped after epoch "
                  + epoch.epoch() + " of " + max);
            }
            int tenth = (int) ((long) epoch.epoch() * 10 / max);
            if (tenth > lastTenth[0]) {
              lastTenth[0] = tenth;
              LOG.info("model {}: epoch {}/{}, training loss {}", id, epoch.epoch(), max, String.format(Locale.ROOT, "%.5g", epoch.trainLoss()));
            }
          }, () -> cancelled);
    } catch (Replay.DataUnavailable e) {
      return null;
    } catch (OverTime e) {
      return overBudget(id, e.getMessage());
    }
    if (outcome instanceof Replay.Failure f) {
      return failure(id, f.sentence());
    }
    boolean match = outcome instanceof Replay.Match;
    Hash artifact = Hash.of(match ? ((Replay.Match) outcome).artifact().bytes() : ((Replay.Mismatch) outcome).artifact().bytes());
    Hash recorded = Hash.of(m.getArtifactSha256().toByteArray());
    Attest attest = Attest.newBuilder().setModelId(id).setArtifactSha256(ByteString.copyFrom(artifact.bytes())).build();
    return match
        ? new Result(attest, "match", "artifact " + artifact + ", as recorded")
        : new Result(attest, "mismatch", "artifact " + artifact + ", the record says " + recorded);
  }

  private static Sha256 sha256(ByteString recorded) {
    return Sha256.fromHex(Hash.of(recorded.toByteArray()).hex());
  }

  /**
   * The bytes of the dataset a recipe names, reproduced from this node's state: a stream snapshot's
   * export, or a datasets-contract version's plaintext, which only its custodian can decrypt.
   *
   * @throws Replay.DataRefused if the chain holds no such dataset, or holds other bytes than the recipe names
   * @throws Replay.DataUnavailable if this node cannot produce the plaintext (logged here): it is not
   *     the version's custodian, or no longer holds its data
   */
  private byte[] data(String id, String reference, Hash dataHash) throws Replay.DataRefused, Replay.DataUnavailable {
    Optional<CustodianData.VersionRef> version = CustodianData.parseReference(reference);
    byte[] csv;
    long rows;
    if (version.isPresent()) {
      // A datasets-contract version: only its custodian can decrypt the plaintext.
      Optional<DatasetRecord> d = DatasetsState.dataset(ledger.state(Datasets.NAME), version.get().datasetId(), version.get().version());
      if (d.isEmpty()) {
        throw new Replay.DataRefused(Replay.Reason.DATA_NOT_FOUND, "dataset " + reference + " is not a dataset version on this chain");
      }
      Hash versionData = Hash.of(d.get().getPlaintextSha256().toByteArray());
      if (!versionData.equals(dataHash)) {
        throw new Replay.DataRefused(Replay.Reason.DATA_MISMATCH, "dataset " + reference + " has plaintext SHA-256 " + versionData
            + ", the recipe names " + dataHash);
      }
      if (!custodianData.isCustodian(d.get())) {
        LOG.info("model {}: not replayed: it was trained on {}, whose plaintext only its custodian {} can decrypt; nothing attested",
            id, reference, d.get().getCustodian());
        throw new Replay.DataUnavailable("only custodian " + d.get().getCustodian() + " can decrypt " + reference, null);
      }
      try {
        csv = custodianData.plaintext(d.get());
      } catch (CustodianData.Unavailable e) {
        LOG.warn("model {}: not replayed: the plaintext of {} is not available on this node ({}: {}); nothing attested",
            id, reference, e.code, e.getMessage());
        throw new Replay.DataUnavailable(e.code + ": " + e.getMessage(), e);
      }
      rows = d.get().getQuality().getRows();
    } else {
      Optional<SnapshotCsv.Export> export = SnapshotCsv.reproduce(ledger.state(Streams.NAME), reference);
      if (export.isEmpty()) {
        throw new Replay.DataRefused(Replay.Reason.DATA_NOT_FOUND, "dataset " + reference + " is not a snapshot on this chain");
      }
      if (!export.get().csvSha256().equals(dataHash)) {
        throw new Replay.DataRefused(Replay.Reason.DATA_MISMATCH, "snapshot " + reference + " has CSV SHA-256 " + export.get().csvSha256()
            + ", the recipe names " + dataHash);
      }
      csv = export.get().csv();
      rows = export.get().rows();
    }
    LOG.info("replaying model {} ({} rows)", id, rows);
    return csv;
  }

  /** The attestation of a replay that exceeded, or would exceed, this validator's budget. */
  private static Result overBudget(String modelId, String why) {
    String failure = "budget exceeded: " + why;
    if (failure.length() > MAX_FAILURE_CHARS) {
      failure = failure.substring(0, MAX_FAILURE_CHARS - 1) + "…";
    }
    return new Result(Attest.newBuilder().setModelId(modelId).setOutcome(ReplayOutcome.BUDGET_EXCEEDED).setFailure(failure).build(),
        "budget_exceeded", "not attested for or against, " + failure);
  }

  private static Result failure(String modelId, String why) {
    String failure = why;
    if (failure.length() > MAX_FAILURE_CHARS) {
      int end = MAX_FAILURE_CHARS - 1;
      if (Character.isHighSurrogate(failure.charAt(end - 1))) {
        end--;
      }
      failure = failure.substring(0, end) + "…";
    }
    return new Result(Attest.newBuilder().setModelId(modelId).setFailure(failure).build(), "failed",
        "no artifact, attesting the failure: " + why);
  }

  // ------------------------------------------------------------------ attesting

  /** Submits an attestation of an owned model; its outcome releases the model or schedules a retry. */
  private void submit(String id, Attest attest) {
    synchronized (this) {
      Owned o = owned.get(id);
      if (closed || o == null || !Boolean.TRUE.equals(active)) {
        owned.remove(id);
        notifyAll();
        return;
      }
      o.phase = Phase.ATTESTING;
      o.attest = attest;
    }
    CompletableFuture<TxOutcome> outcome;
    try {
      outcome = submitter.submit(Models.NAME, "attest", attest);
    } catch (RuntimeException e) {
      LOG.warn("model {}: attestation refused, resubmitting later: {}", id, e.getMessage());
      retryLater(id, attest);
      return;
    }
    outcome.whenComplete((o, e) -> {
      if (e != null || o.status() == TxOutcome.Status.REJECTED) {
        LOG.warn("model {}: attestation dropped before a block ({}), resubmitting later", id, e != null ? e.toString() : o.code() + ": " + o.message());
        retryLater(id, attest);
      } else if (o.committed()) {
        LOG.info("model {}: attestation committed at height {}", id, o.height());
        release(id);
      } else {
        // In a block but failed: the chain recorded it; trying again would fail the same way.
        LOG.warn("model {}: attestation failed at height {}: {}: {}", id, o.height(), o.code(), o.message());
        release(id);
      }
    });
  }

  // ------------------------------------------------------------------ close

  /**
   * Stops picking models, cancels running replays at their next epoch (nothing is attested for
   * them) and waits up to 10 seconds for them to end. Attestations already submitted may still
   * commit. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      cancelled = true;
      queue.clear();
      notifyAll();
    }
    dispatcher.interrupt();
    workers.shutdownNow();
    try {
      dispatcher.join(CLOSE_WAIT.toMillis());
      if (!workers.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("verifier: a replay did not stop within {} s", CLOSE_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
