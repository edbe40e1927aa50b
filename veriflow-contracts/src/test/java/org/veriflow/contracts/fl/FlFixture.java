package org.veriflow.contracts.fl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.TestChain;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.decisions.Decisions;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.PublishDataset;
import org.veriflow.protocol.proto.datasets.QualitySummary;
import org.veriflow.protocol.proto.fl.AcceptedUpdate;
import org.veriflow.protocol.proto.fl.Aggregate;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.AttestRound;
import org.veriflow.protocol.proto.fl.Contribution;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.JoinTask;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.StartTask;
import org.veriflow.protocol.proto.fl.SubmitUpdate;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.Verdict;

/**
 * A chain running the fl contract with everything a task needs: an owner organisation with
 * credits, its aggregator, three participant organisations each with a published dataset of 100
 * rows, a stranger, and the owner's validation snapshot (a room stream's three legal readings).
 */
final class FlFixture implements AutoCloseable {
  static final SigningKey OWNER = TestChain.key(10);
  static final SigningKey AGGREGATOR = TestChain.key(11);
  static final SigningKey P1 = TestChain.key(31);
  static final SigningKey P2 = TestChain.key(32);
  static final SigningKey P3 = TestChain.key(33);
  static final SigningKey STRANGER = TestChain.key(34);
  static final SigningKey SECOND_VALIDATOR = TestChain.key(20);
  static final SigningKey DEVICE = TestChain.key(40);
  static final long OWNER_CREDITS = 10_000;
  static final long DATASET_ROWS = 100;
  static final String ROOM = "room-1";
  static final String TASK = "ward-climate";
  static final String MODEL = "ward-climate-federated";
  static final FederatedRecipe RECIPE = FederatedRecipe.of(Algorithm.LOGISTIC_REGRESSION, List.of("temperature", "humidity"),
      "device", List.of("a", "b"), new double[] {21.0, 40.0}, new double[] {1.0, 1.0},
      Map.of("epochs", 3, "learningRate", 0.05), 11);
  static final byte[] RECIPE_JSON = RECIPE.toCanonicalJson();

  final TestChain chain;
  final SnapshotRecord validation;

  /** The fixture on the test genesis with the streams limit, one validator and one required attestation. */
  FlFixture() throws InvalidProtocolBufferException {
    this(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES));
  }

  FlFixture(GenesisSpec spec) throws InvalidProtocolBufferException {
    chain = TestChain.open(new InMemoryStore(), spec.toState(),
        List.of(new Streams(), new Models(), new Decisions(), new Datasets(), new Fl()));
    committedAll(
        TestChain.register(ADMIN, 0, OWNER.publicKey(), IdentityKind.ORGANISATION, "consortium"),
        TestChain.register(ADMIN, 1, P1.publicKey(), IdentityKind.ORGANISATION, "hospital-1"),
        TestChain.register(ADMIN, 2, P2.publicKey(), IdentityKind.ORGANISATION, "hospital-2"),
        TestChain.register(ADMIN, 3, P3.publicKey(), IdentityKind.ORGANISATION, "hospital-3"),
        TestChain.register(ADMIN, 4, STRANGER.publicKey(), IdentityKind.ORGANISATION, "bank"),
        TestChain.setEncryptionKey(VALIDATOR, 0, TestChain.x25519(2)));
    committedAll(
        TestChain.transfer(ADMIN, 5, OWNER.id(), OWNER_CREDITS),
        TestChain.register(OWNER, 0, AGGREGATOR.publicKey(), IdentityKind.MEMBER, "aggregator"),
        TestChain.createStream(OWNER, 1, TestChain.roomStream(ROOM, 0)));
    committedAll(TestChain.registerDevice(OWNER, 2, ROOM, DEVICE.publicKey(), "sensor"));
    List<SignedReading> readings = List.of(
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 1, 0, 21.5, 40.0)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 2, 30_000, 21.75, 40.5)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 3, 60_000, 22.0, 41.0)));
    assertThat(TestChain.verdicts(chain.commitResults(TestChain.submit(OWNER, 3, ROOM, readings)).get(0)))
        .containsExactly(Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL);
    validation = SnapshotRecord.parseFrom(committed(TestChain.snapshot(OWNER, 4, ROOM, 0, 100_000, "validation")).getOutput());
    committedAll(
        TestChain.datasets(P1, 0, "publish", publish(P1).build()),
        TestChain.datasets(P2, 0, "publish", publish(P2).build()),
        TestChain.datasets(P3, 0, "publish", publish(P3).build()));
  }

  @Override
  public void close() {
    chain.close();
  }

  /** A genesis with two validators, both needed to verify. */
  static GenesisSpec twoValidators() {
    return TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES, 2, List.of(SECOND_VALIDATOR));
  }

  /** The test genesis with {@code balances} added and {@code maxRecipeCost}. */
  static GenesisSpec genesis(Map<SigningKey, Long> balances, long maxRecipeCost) {
    GenesisSpec s = TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES);
    TreeMap<org.veriflow.core.crypto.IdentityId, Long> all = new TreeMap<>(s.balances());
    balances.forEach((k, v) -> all.put(k.id(), v));
    return new GenesisSpec(s.chainId(), s.timestampMillis(), s.maxTxBytes(), s.requiredAttestations(), s.administrators(),
        s.validators(), all, maxRecipeCost, s.blobQuota());
  }

  // ------------------------------------------------------------------ data

  static String dataset(SigningKey participant) {
    return "data-" + participant.id().value().substring(3, 11);
  }

  static Hash plaintext(SigningKey participant) {
    return Hash.sha256(("rows of " + participant.id().value()).getBytes(StandardCharsets.UTF_8));
  }

  static PublishDataset.Builder publish(SigningKey participant) {
    return PublishDataset.newBuilder()
        .setDatasetId(dataset(participant))
        .setVersion(1)
        .setTitle("Ward climate")
        .addSchema(ColumnSpec.newBuilder().setName("temperature").setType("float64"))
        .addSchema(ColumnSpec.newBuilder().setName("humidity").setType("float64"))
        .setLicence("CC-BY-4.0")
        .setPolicy(Policy.newBuilder().addPurposes("training"))
        .setPlaintextSha256(bytes(plaintext(participant)))
        .setCiphertextSha256(bytes(Hash.sha256(("ciphertext of " + participant.id().value()).getBytes(StandardCharsets.UTF_8))))
        .setPlaintextBytes(4_000)
        .setCiphertextBytes(4_100)
        .setCustodian(VALIDATOR.id().value())
        .setCustodyKey(ByteString.copyFromUtf8("data key wrapped for the custodian"))
        .setQuality(QualitySummary.newBuilder().setRows(DATASET_ROWS).setColumns(2))
        .setQualityReportSha256(bytes(Hash.sha256("report".getBytes(StandardCharsets.UTF_8))));
  }

  /** The dataset version {@code participant} published, as it names it when joining. */
  static DatasetRef ref(SigningKey participant) {
    return DatasetRef.newBuilder().setDatasetId(dataset(participant)).setDatasetVersion(1)
        .setCsvSha256(bytes(plaintext(participant))).build();
  }

  DatasetRef validationRef() {
    return DatasetRef.newBuilder().setSnapshotId(validation.getSnapshotId()).setCsvSha256(validation.getCsvSha256())
        .setReadingsRoot(validation.getReadingsRoot()).build();
  }

  static ByteString bytes(Hash h) {
    return ByteString.copyFrom(h.bytes());
  }

  static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  /** The update of {@code participant} in {@code round}: a stand-in for its model file's hash. */
  static ByteString update(SigningKey participant, int round) {
    return bytes(Hash.sha256(("update of " + participant.id().value() + " in round " + round).getBytes(StandardCharsets.UTF_8)));
  }

  static ByteString global(int round, int attempt) {
    return bytes(Hash.sha256(("global model of round " + round + ", attempt " + attempt).getBytes(StandardCharsets.UTF_8)));
  }

  // ------------------------------------------------------------------ arguments

  /** A valid task: two rounds of 5 blocks, 2 to 3 participants, FedAvg, 1,000 credits, open to any organisation. */
  CreateTask.Builder task() {
    return CreateTask.newBuilder()
        .setTaskId(TASK)
        .setRecipe(ByteString.copyFrom(RECIPE_JSON))
        .setRecipeSha256(bytes(Hash.sha256(RECIPE_JSON)))
        .setRounds(2)
        .setRoundBlocks(5)
        .setMinParticipants(2)
        .setMaxParticipants(3)
        .setRule(AggregationRule.FEDAVG)
        .setValidation(validationRef())
        .setRewardPool(1_000)
        .setAggregator(AGGREGATOR.id().value())
        .setModelId(MODEL);
  }

  static JoinTask join(SigningKey participant) {
    return JoinTask.newBuilder().setTaskId(TASK).setDataset(ref(participant)).build();
  }

  static StartTask start() {
    return StartTask.newBuilder().setTaskId(TASK).build();
  }

  static SubmitUpdate.Builder submit(SigningKey participant, int round) {
    return SubmitUpdate.newBuilder().setTaskId(TASK).setRound(round).setUpdateSha256(update(participant, round))
        .setExamples(DATASET_ROWS).setParameterCount(RECIPE.parameterCount());
  }

  /** One participant's place in a round result: accepted with a contribution, or rejected with a reason. */
  record Outcome(SigningKey participant, ByteString update, long micros, String rejection) {
    static Outcome accepted(SigningKey p, int round, long micros) {
      return new Outcome(p, FlFixture.update(p, round), micros, null);
    }

    static Outcome rejected(SigningKey p, int round, String reason) {
      return new Outcome(p, FlFixture.update(p, round), 0, reason);
    }
  }

  /** A round result with these outcomes, each list sorted by participant, weights equal. */
  static RoundResult.Builder result(int round, ByteString global, Outcome... outcomes) {
    List<Outcome> sorted = new ArrayList<>(List.of(outcomes));
    sorted.sort(Comparator.comparing(o -> o.participant().id().value()));
    long accepted = sorted.stream().filter(o -> o.rejection() == null).count();
    RoundResult.Builder b = RoundResult.newBuilder().setRound(round).setGlobalModelSha256(global)
        .setValidationLoss(0.5 / round).setValidationAccuracy(0.8 + 0.05 * round);
    for (Outcome o : sorted) {
      String id = o.participant().id().value();
      if (o.rejection() == null) {
        b.addAccepted(AcceptedUpdate.newBuilder().setParticipant(id).setUpdateSha256(o.update()).setWeight(1.0 / accepted));
        b.addContributions(Contribution.newBuilder().setParticipant(id).setMicros(o.micros()));
      } else {
        b.addRejected(RejectedUpdate.newBuilder().setParticipant(id).setUpdateSha256(o.update()).setReason(o.rejection()).setScore(-1.0));
      }
    }
    return b;
  }

  static Aggregate aggregate(int round, RoundResult result) {
    return Aggregate.newBuilder().setTaskId(TASK).setRound(round).setResult(result.toByteString()).build();
  }

  static AttestRound attest(int round, int attempt, RoundResult result) {
    return AttestRound.newBuilder().setTaskId(TASK).setRound(round).setAttempt(attempt)
        .setResultSha256(bytes(Hash.sha256(result.toByteArray()))).build();
  }

  // ------------------------------------------------------------------ calls

  byte[] call(SigningKey sender, String method, MessageLite args) {
    return TestChain.tx(sender, chain.nextNonce(sender), Fl.NAME, method, args);
  }

  TxResult run(byte[] tx) {
    List<TxResult> results = chain.commitResults(tx);
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  TxResult committed(byte[] tx) {
    TxResult r = run(tx);
    assertThat(r.getStatus()).as("result %s", r).isEqualTo(TxStatus.COMMITTED);
    return r;
  }

  void committedAll(byte[]... txs) {
    for (TxResult r : chain.commitResults(txs)) {
      assertThat(r.getStatus()).as("result %s", r).isEqualTo(TxStatus.COMMITTED);
    }
  }

  /** Commits {@code tx}, expects it to fail with {@code code}, and the fl, credits and models state to be unchanged. */
  TxResult fails(byte[] tx, String code) {
    Map<String, String> before = state();
    TxResult r = run(tx);
    TestChain.assertFailed(r, code);
    assertThat(state()).isEqualTo(before);
    return r;
  }

  /** Commits empty blocks until the chain's height is {@code height}. */
  void advanceTo(long height) {
    while (height() < height) {
      chain.commit();
    }
  }

  /** The timestamp of the head block, in ms. */
  long timestampMillis() {
    return chain.ledger.head().header().getTimestampMillis();
  }

  long height() {
    return chain.ledger.head().height();
  }

  /** Every entry of the fl, credits and models namespaces, as hex. */
  Map<String, String> state() {
    Map<String, String> out = new TreeMap<>();
    for (String ns : List.of(Fl.NAME, Credits.NAME, Models.NAME)) {
      for (StateView.Entry e : chain.ledger.state(ns).scan(new byte[0], null, Integer.MAX_VALUE)) {
        out.put(ns + "/" + HexFormat.of().formatHex(e.key()), HexFormat.of().formatHex(e.value()));
      }
    }
    return out;
  }

  TaskRecord task(String id) {
    return FlState.task(chain.ledger.state(Fl.NAME), id).orElseThrow(() -> new AssertionError("no task " + id));
  }

  RoundRecord round(int round) {
    return FlState.round(chain.ledger.state(Fl.NAME), TASK, round).orElseThrow(() -> new AssertionError("no round " + round));
  }

  long balance(SigningKey k) {
    return chain.balance(k.id());
  }

  long escrowed() {
    return Credits.escrowed(chain.ledger.state(Credits.NAME), Fl.escrowId(TASK));
  }

  // ------------------------------------------------------------------ steps

  /** Creates {@link #task()}, has {@code participants} join and the owner start it. */
  void started(SigningKey... participants) {
    started(task().build(), participants);
  }

  /** Creates {@code task}, has {@code participants} join it and starts it. */
  void started(CreateTask task, SigningKey... participants) {
    committed(call(OWNER, "create_task", task));
    joined(participants);
    committed(call(OWNER, "start", start()));
  }

  void joined(SigningKey... participants) {
    for (SigningKey p : participants) {
      committed(call(p, "join", join(p)));
    }
  }

  /** Each of {@code participants} submits its update to {@code round}. */
  void submitted(int round, SigningKey... participants) {
    for (SigningKey p : participants) {
      committed(call(p, "submit_update", submit(p, round).build()));
    }
  }

  /** The aggregator reports {@code result} and the genesis validator attests it. */
  void aggregatedAndVerified(int round, RoundResult result) {
    committed(call(AGGREGATOR, "aggregate", aggregate(round, result)));
    committed(call(VALIDATOR, "attest_round", attest(round, round(round).getAttempt(), result)));
  }
}
