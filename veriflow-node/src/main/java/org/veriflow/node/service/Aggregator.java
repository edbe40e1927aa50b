package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Ledger;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.fl.FlFailure;
import org.veriflow.protocol.proto.fl.Aggregate;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskRecord;

/**
 * The federated aggregator, as a node service: for every RUNNING task whose {@code spec.aggregator}
 * is this service's identity ({@code fl.aggregator.key-file}, by default the node's key), it
 * aggregates the current round once it is closed and submits {@code fl.aggregate} signed with that
 * key.
 *
 * <p>A round is aggregated when it is OPEN and closed (every participant submitted, or the head has
 * reached its deadline height, so that the aggregate lands in a block past it, or the wall clock is
 * {@link #TIME_MARGIN} past its deadline time, so that the aggregate lands in a block stamped past
 * it) and holds at least
 * the task's minimum of updates; or when its latest aggregation was rejected (AGGREGATE_REJECTED):
 * it is then aggregated again, unless the recomputation gives the very result a validator's
 * recomputation contradicted (a MISMATCH), which would only be rejected again (logged at WARN).
 * A closed round with too few updates is logged once at WARN and left: the task's owner may cancel.
 *
 * <p>A round with a deadline time is not left to the next block, which may never come on an idle
 * chain: the service wakes itself at the deadline time plus {@link #TIME_MARGIN} and aggregates
 * then. Should the orderer's clock lag this node's so that the block is not stamped past the
 * deadline, the contract refuses the aggregate with {@code ROUND_OPEN}, and it is submitted again
 * after the back-off.
 *
 * <p>The computation is {@link FederatedRounds}'s, the validators' own. The new global model's file
 * is stored in this node's blob store before the transaction is submitted, so that participants
 * download it ({@code GET /v1/blobs/{hash}}, no signature needed) and other members fetch it; once
 * the aggregate is committed, the round's record names it and the blob collection keeps it
 * ({@link ChainBlobReferences}).
 *
 * <p>Exactly once per (task, round, attempt) in a process, and the chain is the record: see {@link
 * RoundService}. Thread-safe.
 */
public final class Aggregator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);
  /** How long after a round's deadline time the aggregator acts: the block must be stamped past it. */
  public static final Duration TIME_MARGIN = Duration.ofMillis(200);

  private final Service service;
  private final boolean enabled;

  /**
   * @param ledger the node's ledger, whose committed blocks and state the service follows
   * @param submitter signs with the aggregator's key; its identity is the aggregator identity
   * @param blobs this node's blob store: where the round's models are read and kept
   * @param peers the other members' blob APIs, asked for a blob this node lacks
   * @param custodianData the plaintexts of the dataset versions this node is the custodian of
   * @param metrics where the service's counters and timer are registered
   * @param enabled {@code fl.aggregator.enabled}; a disabled aggregator does nothing
   * @param threads engine threads of a round's computation, 1 to 1024
   * @throws IllegalArgumentException if {@code threads} is out of range
   */
  public Aggregator(Ledger ledger, NodeSubmitter submitter, BlobStore blobs, PeerBlobs peers, CustodianData custodianData,
      MeterRegistry metrics, boolean enabled, int threads) {
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("the aggregator needs 1 to 1024 threads, not " + threads);
    }
    this.enabled = enabled;
    this.service = new Service(ledger, submitter, blobs, new FederatedRounds(ledger, blobs, peers, custodianData), metrics, threads);
  }

  /**
   * The identity this aggregator acts as.
   *
   * @return its {@code vf1…} id
   */
  public String identity() {
    return service.identity;
  }

  /** Starts following the chain, if enabled; returns at once. */
  public void start() {
    if (enabled) {
      LOG.info("aggregator on: aggregating the rounds of the federated tasks whose aggregator is {}", service.identity);
      service.start();
    } else {
      LOG.info("aggregator off: fl.aggregator.enabled is false");
    }
  }

  /** Stops the service; an aggregate already submitted may still commit. Idempotent. */
  @Override
  public void close() {
    service.close();
  }

  private static final class Service extends RoundService {
    private final NodeSubmitter submitter;
    private final BlobStore blobs;
    private final FederatedRounds rounds;
    private final String identity;
    private final int threads;
    private final Map<String, Counter> outcomes = new HashMap<>();
    private final Timer computeTime;
    /** Rounds logged as short of updates, by key; touched only by the service's thread. */
    private final Set<String> warned = new HashSet<>();

    Service(Ledger ledger, NodeSubmitter submitter, BlobStore blobs, FederatedRounds rounds, MeterRegistry metrics, int threads) {
      super(ledger, "veriflow-fl-aggregator");
      this.submitter = submitter;
      this.blobs = blobs;
      this.rounds = rounds;
      this.identity = submitter.identity();
      this.threads = threads;
      for (String outcome : List.of("submitted", "failed", "unavailable", "repeated_mismatch")) {
        outcomes.put(outcome, Counter.builder("veriflow_fl_aggregations").tag("outcome", outcome)
            .description("federated rounds computed by the aggregator, by what came of them").register(metrics));
      }
      computeTime = Timer.builder("veriflow_fl_aggregation").description("time a federated round's aggregation took").register(metrics);
    }

    @Override
    boolean ready() {
      return true;
    }

    @Override
    boolean retries(String code) {
      // The block was stamped before the round's deadline time (the orderer's clock lags): try again.
      return code.equals(FlFailure.ROUND_OPEN.name());
    }

    @Override
    boolean tracks(TaskRecord task) {
      return task.getSpec().getAggregator().equals(identity);
    }

    @Override
    Optional<Work> work(TaskRecord task, RoundRecord round) {
      String key = task.getTaskId() + "/" + round.getRound() + "/" + round.getAttempt();
      if (round.getStatus() == RoundStatus.AGGREGATE_REJECTED) {
        return Optional.of(new Work(key, task, round));
      }
      if (round.getStatus() != RoundStatus.OPEN) {
        return Optional.empty();
      }
      long head = ledger.head().height();
      boolean all = round.getUpdatesCount() >= task.getParticipantsCount();
      long timeUp = round.getDeadlineMillis() > 0 ? round.getDeadlineMillis() + TIME_MARGIN.toMillis() : Long.MAX_VALUE;
      if (!all && head < round.getDeadlineHeight() && wallMillis() < timeUp) {
        if (timeUp != Long.MAX_VALUE) {
          wakeAt(timeUp);
        }
        return Optional.empty();
      }
      if (round.getUpdatesCount() < task.getSpec().getMinParticipants()) {
        if (warned.add(key)) {
          LOG.warn("task {} round {}: the deadline (height {}, time {} ms; 0: none) passed with {} update(s), fewer than the task's "
              + "minimum of {}; it cannot be aggregated (the owner may cancel the task)", task.getTaskId(), round.getRound(),
              round.getDeadlineHeight(), round.getDeadlineMillis(), round.getUpdatesCount(), task.getSpec().getMinParticipants());
        }
        return Optional.empty();
      }
      return Optional.of(new Work(key, task, round));
    }

    @Override
    Optional<CompletableFuture<TxOutcome>> perform(Work w) throws RetryLater {
      String taskId = w.task().getTaskId();
      int round = w.round().getRound();
      long start = System.nanoTime();
      FederatedRounds.Computed computed;
      try (Parallelism parallelism = Parallelism.threads(threads)) {
        computed = rounds.compute(taskId, round, parallelism);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      computeTime.record(took);
      if (computed instanceof FederatedRounds.Unavailable u) {
        outcomes.get("unavailable").increment();
        LOG.info("task {} round {}: not aggregated by this node: {}", taskId, round, u.why());
        return Optional.empty();
      }
      if (computed instanceof FederatedRounds.Failed f) {
        outcomes.get("failed").increment();
        throw new RetryLater("task " + taskId + " round " + round + ": cannot aggregate: " + f.sentence());
      }
      FederatedRounds.Result r = (FederatedRounds.Result) computed;
      if (w.round().getStatus() == RoundStatus.AGGREGATE_REJECTED && w.round().getRejection().startsWith("MISMATCH")
          && Hash.of(w.round().getResultSha256().toByteArray()).equals(r.sha256())) {
        outcomes.get("repeated_mismatch").increment();
        LOG.warn("task {} round {}: attempt {} was rejected ({}), and recomputing it gives the same result {}; not submitted again",
            taskId, round, w.round().getAttempt(), w.round().getRejection(), r.sha256());
        return Optional.empty();
      }
      try {
        BlobStore.PutResult put = blobs.put(r.globalHash(), new ByteArrayInputStream(r.globalModelFile()));
        if (put instanceof BlobStore.Refused refused) {
          throw new RetryLater("task " + taskId + " round " + round + ": cannot store the new global model " + r.globalHash() + ": "
              + refused.reason() + " " + refused.message());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot store the new global model " + r.globalHash(), e);
      }
      outcomes.get("submitted").increment();
      LOG.info("task {} round {}: aggregated in {} s: {} accepted, {} rejected, global model {}, validation loss {}; submitting", taskId,
          round, String.format(Locale.ROOT, "%.1f", took.toMillis() / 1000.0), r.result().getAcceptedCount(), r.result().getRejectedCount(),
          r.globalHash(), String.format(Locale.ROOT, "%.5g", r.result().getValidationLoss()));
      Aggregate aggregate = Aggregate.newBuilder().setTaskId(taskId).setRound(round).setResult(ByteString.copyFrom(r.encoded())).build();
      try {
        return Optional.of(submitter.submit(FederatedRounds.FL, "aggregate", aggregate));
      } catch (RuntimeException e) {
        throw new RetryLater("task " + taskId + " round " + round + ": aggregate refused: " + e.getMessage());
      }
    }
  }
}
