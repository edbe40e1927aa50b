package org.veriflow.client.federated;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskStatus;

/**
 * The chain as a participant sees it, in memory: one task, its rounds, a blob store, and a block
 * counter that a test's script advances (its {@code onBlock} runs each time the participant waits
 * for the next block). Only as much of the contract as the participant's loop meets.
 */
class FakeChain implements ParticipantChain {
  static final String ME = "p-me";
  static final String TASK = "t1";

  final FederatedRecipe recipe;
  final byte[] csv;
  Task task;
  final TreeMap<Integer, Round> rounds = new TreeMap<>();
  final TreeMap<String, byte[]> blobs = new TreeMap<>();
  final List<RoundUpdate> submissions = new ArrayList<>();
  long height = 10;
  /** The timestamp of the block at {@code height}; each block is {@link #blockMillis} later. */
  long timestamp = 1_700_000_000_000L;
  long blockMillis = 1_000;
  LongConsumer onBlock = h -> { };
  String failSubmissionWith;
  /** How many of the next blob downloads fail as a node that cannot be reached. */
  int unreachable;
  /** Answers PENDING for the next submission, putting the update into the round's record a block later. */
  boolean pendOnce;

  FakeChain(FederatedRecipe recipe, byte[] csv) {
    this.recipe = recipe;
    this.csv = csv;
    this.task = task(TaskStatus.RUNNING, 1, Hash.sha256(csv).hex());
  }

  /** An MLP classifier on x, y with classes a and b: small enough to train in milliseconds. */
  static FederatedRecipe recipe() {
    Map<String, Object> h = new TreeMap<>();
    h.put("hiddenLayers", List.of(4));
    h.put("activation", "tanh");
    h.put("optimizer", "adam");
    h.put("learningRate", new BigDecimal("0.01"));
    h.put("epochs", 1);
    h.put("batchSize", 16);
    return FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("x", "y"), "label", List.of("a", "b"), new double[] {0, 0},
        new double[] {1, 1}, h, 7);
  }

  /** Rows of two blobs, class a around (-1, -1) and b around (1, 1). */
  static byte[] csv(long seed, int rows) {
    Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
    StringBuilder sb = new StringBuilder("x,y,label\n");
    for (int i = 0; i < rows; i++) {
      boolean b = r.nextDouble() < 0.5;
      double c = b ? 1 : -1;
      sb.append(c + 0.5 * r.nextGaussian()).append(',').append(c + 0.5 * r.nextGaussian()).append(',').append(b ? "b" : "a").append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  Task task(TaskStatus status, int currentRound, String myCsvHash) {
    String json = new String(recipe.toCanonicalJson(), StandardCharsets.UTF_8);
    TaskDataset mine = new TaskDataset(DatasetSource.snapshot("s-mine"), myCsvHash, "00".repeat(32));
    TaskDataset validation = new TaskDataset(DatasetSource.snapshot("s-val"), "11".repeat(32), "22".repeat(32));
    return new Task(TASK, "owner", status, recipe.hash().hex(), json, 2, 5, 0, 1, 4, AggregationRule.FEDAVG, 0, 0, 0, validation,
        Optional.empty(), 100, List.of(), List.of(), List.of(), "agg", "m1", recipe.parameterCount(),
        recipe.initialModel().hash().hex(), List.of(new TaskParticipant(ME, mine, 200, 3, 0, 0, 0, 0, 0, Optional.of("55".repeat(32)))), currentRound, 1, 5, 0,
        Optional.empty(), 0);
  }

  Task withStatus(TaskStatus status, int currentRound) {
    Task t = task;
    return new Task(t.taskId(), t.owner(), status, t.recipeSha256(), t.recipe(), t.rounds(), t.roundBlocks(), t.roundMillis(), t.minParticipants(),
        t.maxParticipants(), t.rule(), t.trimFractionMicros(), t.krumF(), t.multiKrumM(), t.validation(), t.root(), t.rewardPool(),
        t.joinIdentities(), t.joinOrganisations(), t.joinRoles(), t.aggregator(), t.modelId(), t.parameterCount(), t.initialModelSha256(),
        t.participants(), currentRound, t.createdHeight(), t.startedHeight(), t.finishedHeight(),
        status == TaskStatus.CANCELLED ? Optional.of("stopped") : Optional.empty(), t.refunded());
  }

  /** Opens round {@code r} from base model {@code base}, its deadline {@code blocks} after now and no deadline time. */
  void open(int r, String base, long blocks) {
    open(r, base, blocks, 0);
  }

  /** Opens round {@code r} as {@link #open(int, String, long)}, its deadline time {@code millis} after now (0: none). */
  void open(int r, String base, long blocks, long millis) {
    rounds.put(r, new Round(TASK, r, RoundStatus.OPEN, height, height + blocks, millis == 0 ? 0 : timestamp + millis, base, List.of(), 0,
        Optional.empty(), Optional.empty(), 0, List.of(), 0, Optional.empty()));
  }

  /** Aggregates round {@code r} with {@code global} as its new model, verified by one matching attestation. */
  void verify(int r, String global, double accuracy) {
    Round o = rounds.get(r);
    List<AcceptedUpdate> accepted = o.updates().stream().map(u -> new AcceptedUpdate(u.participant(), u.updateSha256(), 1.0)).toList();
    RoundResult result = new RoundResult(global, accepted, List.of(), new TreeMap<>(Map.of(ME, 1000L)), 0.3, accuracy);
    rounds.put(r, new Round(TASK, r, RoundStatus.VERIFIED, o.openedHeight(), o.deadlineHeight(), o.deadlineMillis(), o.baseModelSha256(), o.updates(), 1,
        Optional.of("33".repeat(32)), Optional.of(result), height, List.of(new RoundAttestation("v1", 1, "33".repeat(32), true,
            Optional.empty(), height, Optional.of("66".repeat(32)))), height, Optional.empty()));
  }

  /** Puts an update of this participant into round {@code r}'s record, as if submitted before a restart. */
  void alreadySubmitted(int r, String hash) {
    Round o = rounds.get(r);
    List<RoundUpdate> updates = new ArrayList<>(o.updates());
    updates.add(new RoundUpdate(ME, hash, 200, task.parameterCount(), new TreeMap<>(Map.of("train.loss", 0.5)), height, "44".repeat(32)));
    rounds.put(r, new Round(TASK, r, o.status(), o.openedHeight(), o.deadlineHeight(), o.deadlineMillis(), o.baseModelSha256(), updates, o.attempt(),
        o.resultSha256(), o.result(), o.aggregatedHeight(), o.attestations(), o.verifiedHeight(), o.rejection()));
  }

  @Override
  public String participantId() {
    return ME;
  }

  @Override
  public Task task(String taskId) {
    if (!taskId.equals(TASK)) {
      throw new ClientException(404, "UNKNOWN_TASK", "no task " + taskId);
    }
    return task;
  }

  @Override
  public Round round(String taskId, int round) {
    Round r = rounds.get(round);
    if (r == null) {
      throw new ClientException(404, "UNKNOWN_ROUND", "round " + round + " has not opened");
    }
    return r;
  }

  @Override
  public Head head() {
    return new Head(height, timestamp);
  }

  @Override
  public Head awaitNext(Head h) {
    height = h.height() + 1;
    timestamp = h.timestampMillis() + blockMillis;
    onBlock.accept(height);
    return new Head(height, timestamp);
  }

  @Override
  public Hash putBlob(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Hash hash = Hash.sha256(bytes);
    blobs.put(hash.hex(), bytes);
    return hash;
  }

  @Override
  public void getBlob(String hash, Path out) throws IOException {
    if (unreachable > 0) {
      unreachable--;
      throw new ClientException("cannot reach the node", new java.net.ConnectException("Connection refused"));
    }
    byte[] bytes = blobs.get(hash);
    if (bytes == null) {
      throw new ClientException(404, "UNKNOWN_BLOB", "no blob " + hash);
    }
    // As the node's client checks a download.
    if (!Hash.sha256(bytes).hex().equals(hash)) {
      throw new ClientException(200, "HASH_MISMATCH", "the node sent bytes hashing to " + Hash.sha256(bytes).hex() + " for blob " + hash);
    }
    Files.write(out, bytes);
  }

  @Override
  public Responses.TxInfo submitUpdate(String taskId, int round, Hash update, long examples, long parameterCount,
      SortedMap<String, Double> metrics) {
    String id = Hash.sha256((taskId + round + update.hex()).getBytes(StandardCharsets.UTF_8)).hex();
    if (failSubmissionWith != null) {
      return new Responses.TxInfo(id, "FAILED", Optional.of(height + 1), Optional.of(failSubmissionWith), Optional.of("refused"),
          Optional.empty());
    }
    RoundUpdate u = new RoundUpdate(ME, update.hex(), examples, parameterCount, metrics, height + 1, id);
    submissions.add(u);
    if (pendOnce) {
      pendOnce = false;
      LongConsumer script = onBlock;
      onBlock = h -> {
        onBlock = script;
        record(round, u);
      };
      return new Responses.TxInfo(id, "PENDING", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
    record(round, u);
    return new Responses.TxInfo(id, "COMMITTED", Optional.of(height + 1), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private void record(int round, RoundUpdate u) {
    Round o = rounds.get(round);
    List<RoundUpdate> updates = new ArrayList<>(o.updates());
    updates.add(u);
    rounds.put(round, new Round(TASK, round, o.status(), o.openedHeight(), o.deadlineHeight(), o.deadlineMillis(), o.baseModelSha256(), updates, o.attempt(),
        o.resultSha256(), o.result(), o.aggregatedHeight(), o.attestations(), o.verifiedHeight(), o.rejection()));
  }
}
