package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Ledger;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
import org.veriflow.protocol.proto.fl.AttestRound;
import org.veriflow.protocol.proto.fl.RoundAttestation;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskRecord;

/**
 * Verification of federated rounds by recomputation, as a node service: on a node whose key is an
 * active validator, every AGGREGATED round of a RUNNING task whose aggregator is not this node, and
 * which lacks this validator's attestation for its current attempt, is recomputed with {@link
 * FederatedRounds} (the aggregator's own computation, from the same chain and blobs) and attested
 * with {@code fl.attest_round}: the SHA-256 of this node's own encoded RoundResult, or {@code
 * failure} when the round cannot be computed from what the chain names (a base model no member has,
 * validation data that disagrees with its hash). Whether it matches is the contract's business. A
 * round whose validation data only another node can decrypt is logged and not attested. A
 * recomputation that matches leaves the new global model in this node's blob store, so that
 * participants can download it from any validator's node.
 *
 * <p>A service of its own rather than a part of {@link Verifier}: the verifier's unit is a model
 * record, replayed once per validator, with budgets and lanes sized for training; a round is
 * attested once per attempt, must be seen again when it is re-aggregated, and costs an aggregation,
 * not a training. The two share the data reproduction ({@link SnapshotCsv}, {@link CustodianData}).
 *
 * <p>Exactly once per (task, round, attempt) in a process, and the chain is the record: see {@link
 * RoundService}. Thread-safe.
 */
public final class RoundVerifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoundVerifier.class);
  private static final int MAX_FAILURE_CHARS = 512;

  private final Service service;
  private final boolean enabled;

  /**
   * @param ledger the node's ledger, whose committed blocks and state the service follows
   * @param submitter signs with the node's key, which must be an active validator for the service to act
   * @param blobs this node's blob store: where the round's models are read and kept
   * @param peers the other members' blob APIs, asked for a blob this node lacks
   * @param custodianData the plaintexts of the dataset versions this node is the custodian of
   * @param metrics where the service's counters and timer are registered
   * @param enabled {@code verifier.enabled}; a disabled round verifier does nothing
   * @param threads engine threads of a round's recomputation, 1 to 1024
   * @throws IllegalArgumentException if {@code threads} is out of range
   */
  public RoundVerifier(Ledger ledger, NodeSubmitter submitter, BlobStore blobs, PeerBlobs peers, CustodianData custodianData,
      MeterRegistry metrics, boolean enabled, int threads) {
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("the round verifier needs 1 to 1024 threads, not " + threads);
    }
    this.enabled = enabled;
    this.service = new Service(ledger, submitter, blobs, new FederatedRounds(ledger, blobs, peers, custodianData), metrics, threads);
  }

  /** Starts following the chain, if enabled; returns at once. */
  public void start() {
    if (enabled) {
      service.start();
    }
  }

  /**
   * Rounds picked and not yet settled, or waiting to be tried again.
   *
   * @return their number
   */
  public int pending() {
    return service.pending();
  }

  /** Stops the service; attestations already submitted may still commit. Idempotent. */
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
    /** Whether the node's key was an active validator at the last check; null before the first. Touched by the service's thread only. */
    private Boolean active;

    Service(Ledger ledger, NodeSubmitter submitter, BlobStore blobs, FederatedRounds rounds, MeterRegistry metrics, int threads) {
      super(ledger, "veriflow-fl-round-verifier");
      this.submitter = submitter;
      this.blobs = blobs;
      this.rounds = rounds;
      this.identity = submitter.identity();
      this.threads = threads;
      for (String outcome : List.of("match", "mismatch", "failed")) {
        outcomes.put(outcome, Counter.builder("veriflow_fl_round_attestations").tag("outcome", outcome)
            .description("federated rounds recomputed and attested by this validator, by what they attested").register(metrics));
      }
      computeTime = Timer.builder("veriflow_fl_round_recomputation").description("time a federated round's recomputation took")
          .register(metrics);
    }

    @Override
    boolean ready() {
      Optional<IdentityRecord> me = Identities.find(ledger.state(Identities.NAME), identity);
      String whyNot = me.isEmpty() ? "the node key " + identity + " is not a registered identity"
          : me.get().getKind() != IdentityKind.VALIDATOR ? "the node key " + identity + " is an identity of kind " + me.get().getKind()
              + ", not VALIDATOR"
          : me.get().getStatus() != IdentityStatus.ACTIVE ? "the node key " + identity + " is a revoked validator"
          : null;
      boolean now = whyNot == null;
      if (active == null || active != now) {
        if (now) {
          LOG.info("round verifier on: recomputing aggregated federated rounds and attesting as {}", identity);
        } else {
          LOG.info("round verifier off: {}; federated rounds are not recomputed by this node", whyNot);
        }
      }
      active = now;
      return now;
    }

    @Override
    boolean tracks(TaskRecord task) {
      return !task.getSpec().getAggregator().equals(identity);
    }

    @Override
    Optional<Work> work(TaskRecord task, RoundRecord round) {
      if (round.getStatus() != RoundStatus.AGGREGATED) {
        return Optional.empty();
      }
      for (RoundAttestation a : round.getAttestationsList()) {
        if (a.getValidator().equals(identity) && a.getAttempt() == round.getAttempt()) {
          return Optional.empty();
        }
      }
      return Optional.of(new Work(task.getTaskId() + "/" + round.getRound() + "/" + round.getAttempt(), task, round));
    }

    @Override
    Optional<CompletableFuture<TxOutcome>> perform(Work w) throws RetryLater {
      String taskId = w.task().getTaskId();
      int round = w.round().getRound();
      int attempt = w.round().getAttempt();
      LOG.info("task {} round {}: recomputing attempt {} ({} update(s))", taskId, round, attempt, w.round().getUpdatesCount());
      long start = System.nanoTime();
      FederatedRounds.Computed computed;
      try (Parallelism parallelism = Parallelism.threads(threads)) {
        computed = rounds.compute(taskId, round, parallelism);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      computeTime.record(took);
      String seconds = String.format(Locale.ROOT, "%.1f", took.toMillis() / 1000.0);
      AttestRound.Builder attest = AttestRound.newBuilder().setTaskId(taskId).setRound(round).setAttempt(attempt);
      if (computed instanceof FederatedRounds.Unavailable u) {
        LOG.info("task {} round {}: not recomputed by this node: {}; nothing attested", taskId, round, u.why());
        return Optional.empty();
      } else if (computed instanceof FederatedRounds.Failed f) {
        outcomes.get("failed").increment();
        LOG.warn("task {} round {}: cannot be recomputed ({} s): {}; attesting the failure", taskId, round, seconds, f.sentence());
        attest.setFailure(truncate(f.sentence()));
      } else {
        FederatedRounds.Result r = (FederatedRounds.Result) computed;
        Hash recorded = Hash.of(w.round().getResultSha256().toByteArray());
        boolean match = recorded.equals(r.sha256());
        outcomes.get(match ? "match" : "mismatch").increment();
        if (match) {
          LOG.info("task {} round {}: recomputed in {} s: result {}, as aggregated", taskId, round, seconds, r.sha256());
          keep(r);
        } else {
          LOG.warn("task {} round {}: recomputed in {} s: result {}, the aggregator's is {} (global model {}, the aggregator's {})", taskId,
              round, seconds, r.sha256(), recorded, r.globalHash(), globalOf(w.round()));
        }
        attest.setResultSha256(ByteString.copyFrom(r.sha256().bytes()));
      }
      try {
        return Optional.of(submitter.submit(FederatedRounds.FL, "attest_round", attest.build()));
      } catch (RuntimeException e) {
        throw new RetryLater("task " + taskId + " round " + round + ": attestation refused: " + e.getMessage());
      }
    }

    /**
     * Keeps the new global model this node recomputed, bit for bit the aggregator's, in its blob store:
     * participants that talk to this node download it from here, and the next round's base is local.
     */
    private void keep(FederatedRounds.Result r) {
      try {
        if (!blobs.exists(r.globalHash())) {
          BlobStore.PutResult put = blobs.put(r.globalHash(), new java.io.ByteArrayInputStream(r.globalModelFile()));
          if (put instanceof BlobStore.Refused refused) {
            LOG.warn("global model {}: not kept on this node: {} {}", r.globalHash(), refused.reason(), refused.message());
          }
        }
      } catch (java.io.IOException e) {
        LOG.warn("global model {}: not kept on this node: {}", r.globalHash(), e.toString());
      }
    }

    private static String globalOf(RoundRecord r) {
      try {
        return Hash.of(org.veriflow.protocol.proto.fl.RoundResult.parseFrom(r.getResult()).getGlobalModelSha256().toByteArray()).hex();
      } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
        return "unreadable";
      }
    }

    private static String truncate(String failure) {
      if (failure.length() <= MAX_FAILURE_CHARS) {
        return failure;
      }
      int end = MAX_FAILURE_CHARS - 1;
      if (Character.isHighSurrogate(failure.charAt(end - 1))) {
        end--;
      }
      return failure.substring(0, end) + "…";
    }
  }
}
