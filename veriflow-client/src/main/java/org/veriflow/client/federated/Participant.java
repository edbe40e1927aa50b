package org.veriflow.client.federated;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionStatus;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.FederatedSeeds;
import org.veriflow.ml.federated.LocalTraining;
import org.veriflow.ml.federated.LocalUpdate;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskStatus;

/**
 * One participant of a federated task, as a long-running client loop: it follows the chain block by
 * block (the node's block wait, not a timer) and, for each open round it has not submitted to,
 * takes the round's global model, trains it on the participant's own CSV with the deterministic
 * engine (its seed derived from the task, the round and the participant), uploads the update as a
 * blob signed by the participant's key, and submits {@code fl.submit_update}, waiting for its
 * block. It stops when the task is COMPLETED or CANCELLED, or when {@link #close()} is called.
 *
 * <p>Before any training it checks that the local CSV hashes to the dataset the participant joined
 * with, and that the task's recipe hashes to the task's recipe hash. The base model of round 1 is the
 * recipe's initial model, checked against the task's initial model hash; later rounds' base models
 * are downloaded and checked against the round's base model hash. A global model the node does not
 * hold yet (it reaches the participant's node from the aggregator's, or the node cannot be reached)
 * is waited for: the participant reports {@link RoundPhase#WAITING} and tries again at the next block,
 * while the round is open; bytes that are not the global model fail the run at once.
 *
 * <p>A round is closed for the participant once the latest block it has read is at the round's
 * deadline height, or that block's timestamp is past the round's deadline time ({@link
 * Round#deadlineMillis}, when the task has one): the next block could not take an update any more, so
 * the participant reports {@link RoundPhase#MISSED} without training or spending a transaction.
 *
 * <p>Restart-safe: it reads each round's record first and never submits to a round where the chain
 * already holds its update; a restarted participant picks up where the chain says it stands. The
 * data never leaves the process: only the update's model file goes to the node.
 *
 * <p>Configure it ({@link #listener}, {@link #transform}, {@link #threads}) before {@link #run};
 * {@link #run} runs on the caller's thread, and {@link #close} may be called from any thread.
 */
public final class Participant implements AutoCloseable {
  /** The longest a participant waits for the next block in one request. */
  static final Duration BLOCK_WAIT = Duration.ofSeconds(5);

  /** The node's code for a blob it does not hold. */
  private static final String UNKNOWN_BLOB = "UNKNOWN_BLOB";
  /** The client's code for a node that could not be reached. */
  private static final String UNREACHABLE = "UNREACHABLE";
  /** The client's code for downloaded bytes that do not hash to the blob asked for. */
  private static final String HASH_MISMATCH = "HASH_MISMATCH";

  /** Local training, as the participant runs it; a seam for tests. */
  @FunctionalInterface
  interface Trainer {
    LocalUpdate train(FederatedRecipe recipe, Model global, byte[] csv, long seed);
  }

  private final ParticipantChain chain;
  private final String taskId;
  private final Path localCsv;
  private final Path workDir;
  private RoundListener listener = RoundListener.NONE;
  private ProgressListener epochs = ProgressListener.NONE;
  private UpdateTransform transform = UpdateTransform.IDENTITY;
  private int threads = 1;
  private Trainer trainer;
  private volatile boolean closed;

  // What was reported in this run: "round:PHASE".
  private final Set<String> reported = new HashSet<>();
  // Rounds the participant has an update in (committed now or found on chain), not yet seen verified.
  private final TreeSet<Integer> following = new TreeSet<>();
  // Rounds whose update is on chain, by round: its local metrics.
  private final TreeMap<Integer, SortedMap<String, Double>> submitted = new TreeMap<>();
  // Rounds given up (closed before the update got in).
  private final TreeSet<Integer> missed = new TreeSet<>();
  // Rounds whose update was submitted but not yet in a block when the node's wait ended.
  private final TreeSet<Integer> pending = new TreeSet<>();

  /**
   * A participant over {@code session}'s node and key.
   *
   * @param session the participant's session: its key signs the uploads and the transactions
   * @param taskId the task it joined
   * @param localCsv its own data: the CSV whose SHA-256 it joined the task with
   * @param workDir where the global models and updates are written (created if missing)
   */
  public Participant(Session session, String taskId, Path localCsv, Path workDir) {
    this(ParticipantChain.over(Objects.requireNonNull(session, "session")), taskId, localCsv, workDir);
  }

  Participant(ParticipantChain chain, String taskId, Path localCsv, Path workDir) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.taskId = Objects.requireNonNull(taskId, "taskId");
    this.localCsv = Objects.requireNonNull(localCsv, "localCsv");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
  }

  /**
   * @param listener hears each round's phases
   * @return this participant
   */
  public Participant listener(RoundListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * @param epochs hears the local training's epochs (task {@value org.veriflow.client.models.Training#TASK})
   * @return this participant
   */
  public Participant epochs(ProgressListener epochs) {
    this.epochs = Objects.requireNonNull(epochs, "epochs");
    return this;
  }

  /**
   * A testing and simulation hook: see {@link UpdateTransform}. An honest participant leaves the
   * default, {@link UpdateTransform#IDENTITY}.
   *
   * @param transform changes each trained model before it is uploaded
   * @return this participant
   */
  public Participant transform(UpdateTransform transform) {
    this.transform = Objects.requireNonNull(transform, "transform");
    return this;
  }

  /**
   * @param threads threads of local training (the result is the same for any count), at least 1; 1 by default
   * @return this participant
   * @throws IllegalArgumentException if {@code threads} is below 1
   */
  public Participant threads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("a participant trains with at least 1 thread, not " + threads);
    }
    this.threads = threads;
    return this;
  }

  /** Replaces local training: for tests only. */
  Participant trainer(Trainer trainer) {
    this.trainer = Objects.requireNonNull(trainer, "trainer");
    return this;
  }

  /**
   * Runs the loop until the task is COMPLETED or CANCELLED, or {@link #close()} is called.
   *
   * @return the task as last read: COMPLETED or CANCELLED, or any status after {@link #close()}
   * @throws ClientException {@code UNKNOWN_TASK} if there is no such task; {@code NOT_JOINED} if the
   *     session's identity has not joined it; {@code DATA_MISMATCH} if the local CSV does not hash to
   *     the dataset it joined with (before any training); {@code BAD_RECIPE} if the task's recipe does
   *     not parse or hash to its recipe hash; {@code BASE_MODEL_MISMATCH} if a round's base model is
   *     not the chain's (downloaded bytes that do not hash to it included); the contract's code if an
   *     update fails for another reason than the round's closing or a replayed update; or the node's
   *     code if it refuses a request or cannot be reached (except while waiting for a global model
   *     that is not on the node yet)
   * @throws IOException if the local CSV cannot be read or the work directory written
   */
  public Task run() throws IOException {
    String me = chain.participantId();
    Task task = chain.task(taskId);
    TaskParticipant self = task.participant(me).orElseThrow(() -> failure(FederatedFailure.NOT_JOINED,
        "identity " + me + " has not joined task " + taskId + " (join it first with its dataset)"));
    byte[] csv = Files.readAllBytes(localCsv);
    String csvHash = Hash.sha256(csv).hex();
    if (!csvHash.equals(self.dataset().csvSha256())) {
      throw failure(FederatedFailure.DATA_MISMATCH, "the local data " + localCsv + " hashes to " + csvHash + ", but identity " + me
          + " joined task " + taskId + " with " + self.dataset().source() + " of hash " + self.dataset().csvSha256());
    }
    FederatedRecipe recipe = recipe(task);
    Files.createDirectories(workDir);
    ParticipantChain.Head head = chain.head();
    while (!closed) {
      task = chain.task(taskId);
      // Earlier rounds' outcomes first, then the open round: progress reads in round order.
      follow(me);
      if (task.status() == TaskStatus.JOINING) {
        report(0, RoundPhase.WAITING, new TreeMap<>(), OptionalDouble.empty(), "waiting for the owner to start the task");
      } else if (task.status() == TaskStatus.RUNNING && task.currentRound() >= 1 && task.currentRound() <= task.rounds()) {
        if (step(task, recipe, chain.round(taskId, task.currentRound()), head, csv, me)) {
          // Training took a while: follow on from the chain's head, not block by block from before it.
          ParticipantChain.Head now = chain.head();
          head = now.height() > head.height() ? now : head;
        }
      }
      if (task.finished() || closed) {
        return task;
      }
      head = chain.awaitNext(head);
    }
    return task;
  }

  /** Stops {@link #run} at its next block (within a few seconds); a round being trained is finished first. */
  @Override
  public void close() {
    closed = true;
  }

  /**
   * What to do in the open round {@code round}: nothing if the chain has its update, else train and submit.
   *
   * @return whether it trained
   */
  private boolean step(Task task, FederatedRecipe recipe, Round round, ParticipantChain.Head head, byte[] csv, String me)
      throws IOException {
    int r = round.round();
    if (round.update(me).isPresent()) {
      // On chain already: committed in this run, or before a restart. Never submitted twice.
      if (!submitted.containsKey(r)) {
        submitted.put(r, round.update(me).get().metrics());
        following.add(r);
        report(r, RoundPhase.SUBMITTED, round.update(me).get().metrics(), OptionalDouble.empty(),
            "update " + round.update(me).get().updateSha256() + " already on chain");
      }
      return false;
    }
    if (missed.contains(r)) {
      return false;
    }
    if (pending.contains(r) && round.status() == RoundStatus.OPEN) {
      // Its update is in the node's pool: the round's record shows it once committed.
      return false;
    }
    boolean pastTime = round.deadlineMillis() > 0 && head.timestampMillis() > round.deadlineMillis();
    if (round.status() != RoundStatus.OPEN || head.height() >= round.deadlineHeight() || pastTime) {
      // The next block is past the deadline height, or its time past the deadline time (block times
      // never go back): an update could not get in any more.
      missed.add(r);
      String why = round.status() == RoundStatus.OPEN && pastTime && head.height() < round.deadlineHeight()
          ? " (block " + head.height() + " at " + head.timestampMillis() + " ms is past its deadline time " + round.deadlineMillis() + " ms)"
          : "";
      report(r, RoundPhase.MISSED, new TreeMap<>(), OptionalDouble.empty(), "round " + r + " closed without this participant's update" + why);
      return false;
    }
    Optional<Model> global = baseModel(task, recipe, round);
    if (global.isEmpty()) {
      // Not on the participant's node yet: tried again after the next block, while the round is open.
      return false;
    }
    Model base = global.get();
    report(r, RoundPhase.TRAINING, new TreeMap<>(), OptionalDouble.empty(), "from global model " + round.baseModelSha256());
    long seed = FederatedSeeds.local(recipe, taskId, r, me);
    LocalUpdate trained = trainer().train(recipe, base, csv, seed);
    Model out = transform.transform(base, trained.model());
    byte[] file = out == trained.model() ? trained.modelFile() : ModelFile.write(out);
    Path updateFile = workDir.resolve(taskId + "-round-" + r + "-update.bin");
    Files.write(updateFile, file);
    report(r, RoundPhase.UPLOADING, trained.metrics(), OptionalDouble.empty(), updateFile.getFileName().toString());
    Hash hash = chain.putBlob(updateFile);
    Responses.TxInfo tx = chain.submitUpdate(taskId, r, hash, trained.examples(), task.parameterCount(), trained.metrics());
    if (tx.committed()) {
      submitted.put(r, trained.metrics());
      following.add(r);
      report(r, RoundPhase.SUBMITTED, trained.metrics(), OptionalDouble.empty(), "update " + hash.hex() + " in block " + tx.height().orElse(-1L));
      return true;
    }
    String code = tx.code().orElse("");
    if (TransactionStatus.failed(tx) && (code.equals("ROUND_CLOSED") || code.equals("WRONG_ROUND"))) {
      missed.add(r);
      report(r, RoundPhase.MISSED, trained.metrics(), OptionalDouble.empty(), "the round closed before the update got in: " + code);
      return true;
    }
    if (TransactionStatus.failed(tx) && code.equals("REPLAYED_UPDATE")) {
      // The chain saw this very model before in the task (an update that returns a global model which
      // was itself one participant's update, as a free-rider's may): the round goes on without it.
      missed.add(r);
      report(r, RoundPhase.MISSED, trained.metrics(), OptionalDouble.empty(), "the chain refused the update as one it has seen before: " + code);
      return true;
    }
    if (TransactionStatus.failed(tx) && code.equals("DUPLICATE_UPDATE")) {
      // A submission from before a restart got in meanwhile: the round record says so at the next block.
      return true;
    }
    if (TransactionStatus.failed(tx)) {
      throw new ClientException(200, code, "the update of round " + r + " of task " + taskId + " failed in its block: "
          + tx.message().orElse(code));
    }
    // PENDING: the node's wait ended first; the round's record tells at a later block whether it got in.
    pending.add(r);
    return true;
  }

  /** Reports the aggregation and verification of the rounds this participant submitted to. */
  private void follow(String me) {
    for (Integer r : new TreeSet<>(following)) {
      Round round = chain.round(taskId, r);
      if (round.result().isEmpty()) {
        continue;
      }
      RoundResult result = round.result().get();
      String verdict = result.accepted().stream().anyMatch(a -> a.participant().equals(me)) ? "accepted"
          : result.rejected().stream().filter(x -> x.participant().equals(me)).findFirst().map(x -> "rejected: " + x.reason())
              .orElse("not in the aggregate");
      OptionalDouble accuracy = OptionalDouble.of(result.validationAccuracy());
      SortedMap<String, Double> metrics = submitted.getOrDefault(r, new TreeMap<>());
      report(r, RoundPhase.AGGREGATED, metrics, accuracy, verdict + String.format(Locale.ROOT, ", global model %s, validation loss %.5f",
          result.globalModelSha256(), result.validationLoss()));
      if (round.status() == RoundStatus.VERIFIED) {
        report(r, RoundPhase.VERIFIED, metrics, accuracy, verdict + ", " + round.attestations().stream().filter(RoundAttestation::match).count()
            + " matching attestation(s)");
        following.remove(r);
      }
    }
  }

  /**
   * The round's base model: the recipe's initial model, or the global model downloaded and checked.
   *
   * @return empty if the node does not have the global model yet ({@code UNKNOWN_BLOB}) or cannot be
   *     reached: the wait is reported and the round tried again at the next block
   * @throws ClientException {@code BASE_MODEL_MISMATCH} if the model is not the chain's
   */
  private Optional<Model> baseModel(Task task, FederatedRecipe recipe, Round round) throws IOException {
    if (round.round() == 1 || round.baseModelSha256().equals(task.initialModelSha256())) {
      Model initial = recipe.initialModel();
      String hash = ModelFile.hash(initial).hex();
      if (!hash.equals(task.initialModelSha256()) || !hash.equals(round.baseModelSha256())) {
        throw failure(FederatedFailure.BASE_MODEL_MISMATCH, "the recipe's initial model hashes to " + hash + "; task " + taskId
            + " records " + task.initialModelSha256() + " and round " + round.round() + " starts from " + round.baseModelSha256());
      }
      return Optional.of(initial);
    }
    Path file = workDir.resolve(taskId + "-round-" + round.round() + "-global.bin");
    try {
      chain.getBlob(round.baseModelSha256(), file);
    } catch (ClientException e) {
      if (e.code().equals(HASH_MISMATCH)) {
        throw failure(FederatedFailure.BASE_MODEL_MISMATCH, "the global model " + round.baseModelSha256() + " of round " + round.round()
            + " was not sent as such: " + e.getMessage());
      }
      if (e.code().equals(UNKNOWN_BLOB) || e.code().equals(UNREACHABLE)) {
        report(round.round(), RoundPhase.WAITING, new TreeMap<>(), OptionalDouble.empty(), "the global model " + round.baseModelSha256()
            + " of round " + round.round() + " is not on the node yet (" + e.code() + "): waiting for the next block");
        return Optional.empty();
      }
      throw e;
    }
    Model model;
    try {
      model = ModelFile.read(Files.readAllBytes(file));
    } catch (IllegalArgumentException e) {
      throw failure(FederatedFailure.BASE_MODEL_MISMATCH, "the global model " + round.baseModelSha256() + " of round " + round.round()
          + " is not a model file: " + e.getMessage());
    }
    if (!ModelFile.hash(model).hex().equals(round.baseModelSha256())) {
      throw failure(FederatedFailure.BASE_MODEL_MISMATCH, "the global model " + round.baseModelSha256() + " of round " + round.round()
          + " does not read back to a model of that hash");
    }
    return Optional.of(model);
  }

  private FederatedRecipe recipe(Task task) {
    byte[] json = task.recipe().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (!Hash.sha256(json).hex().equals(task.recipeSha256())) {
      throw failure(FederatedFailure.BAD_RECIPE, "the recipe of task " + taskId + " does not hash to its recipe hash " + task.recipeSha256());
    }
    try {
      return FederatedRecipe.parse(json);
    } catch (IllegalArgumentException e) {
      throw failure(FederatedFailure.BAD_RECIPE, "the recipe of task " + taskId + " does not parse: " + e.getMessage());
    }
  }

  private Trainer trainer() {
    if (trainer != null) {
      return trainer;
    }
    return (recipe, global, csv, seed) -> {
      try (Parallelism parallelism = threads == 1 ? Parallelism.sequential() : Parallelism.threads(threads)) {
        TrainingListener perEpoch = (epoch, max) -> epochs.progress(org.veriflow.client.models.Training.TASK, epoch.epoch(), max,
            String.format(Locale.ROOT, "loss %.5f", epoch.trainLoss()));
        return LocalTraining.train(recipe, global, csv, seed, parallelism, perEpoch);
      }
    };
  }

  private void report(int round, RoundPhase phase, SortedMap<String, Double> metrics, OptionalDouble accuracy, String detail) {
    if (reported.add(round + ":" + phase)) {
      listener.onProgress(new RoundProgress(taskId, round, phase, metrics, accuracy, detail));
    }
  }

  private static ClientException failure(FederatedFailure code, String detail) {
    return new ClientException(0, code.name(), detail);
  }
}
