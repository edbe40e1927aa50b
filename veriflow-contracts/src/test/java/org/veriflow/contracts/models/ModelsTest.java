package org.veriflow.contracts.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.TestChain;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.Attest;
import org.veriflow.protocol.proto.models.Attestation;
import org.veriflow.protocol.proto.models.ChangeStage;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.protocol.proto.models.ReplayOutcome;
import org.veriflow.protocol.proto.models.StageChange;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.ledger.RejectionCode;

/**
 * The models contract: registration against on-chain dataset snapshots, validators' replay
 * attestations, and the stage lifecycle with its authorisation rules and history.
 */
class ModelsTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey TRAINER = TestChain.key(12);
  private static final SigningKey APPROVER = TestChain.key(13);
  private static final SigningKey CLERK = TestChain.key(14);
  private static final SigningKey SECOND_VALIDATOR = TestChain.key(20);
  private static final SigningKey DEVICE = TestChain.key(40);
  private static final String ROOM = "room-1";
  private static final String MODEL = "room-comfort-v1";

  private static final byte[] RECIPE = "{\"algorithm\":\"logistic-regression\",\"epochs\":20,\"seed\":42}"
      .getBytes(StandardCharsets.UTF_8);
  private static final Hash ARTIFACT = Hash.sha256("canonical model file".getBytes(StandardCharsets.UTF_8));
  private static final Hash OTHER_ARTIFACT = Hash.sha256("another model file".getBytes(StandardCharsets.UTF_8));
  private static final Hash LOSS_CURVE = Hash.sha256("loss curve".getBytes(StandardCharsets.UTF_8));

  private TestChain chain;
  /** A snapshot of the room stream's three readings, as recorded on chain. */
  private SnapshotRecord dataset;

  @BeforeEach
  void openChain() throws InvalidProtocolBufferException {
    open(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES));
  }

  @AfterEach
  void close() {
    chain.close();
  }

  /**
   * The chain of {@code genesis} running the models contract: an organisation with a trainer, an
   * approver and a plain member, a room stream with three legal readings, and a snapshot of them
   * taken by the trainer.
   */
  private void open(GenesisSpec genesis) throws InvalidProtocolBufferException {
    chain = TestChain.openWithModels(genesis);
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(
        TestChain.register(ORG, 0, TRAINER.publicKey(), IdentityKind.MEMBER, "trainer"),
        TestChain.registerWithRoles(ORG, 1, APPROVER.publicKey(), IdentityKind.MEMBER, "reviewer", List.of(Models.APPROVER_ROLE)),
        TestChain.register(ORG, 2, CLERK.publicKey(), IdentityKind.MEMBER, "clerk"),
        TestChain.createStream(ORG, 3, TestChain.roomStream(ROOM, 0)));
    chain.commit(TestChain.registerDevice(ORG, 4, ROOM, DEVICE.publicKey(), "sensor"));
    List<SignedReading> readings = List.of(
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 1, 0, 21.5, 40.0)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 2, 30_000, 21.75, 40.5)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 3, 60_000, 22.0, 41.0)));
    TxResult submitted = chain.commitResults(TestChain.submit(TRAINER, 0, ROOM, readings)).get(0);
    assertThat(TestChain.verdicts(submitted)).containsExactly(Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL);
    TxResult snapshot = chain.commitResults(TestChain.snapshot(TRAINER, 1, ROOM, 0, 100_000, "week 1")).get(0);
    assertThat(snapshot.getStatus()).as("snapshot result %s", snapshot).isEqualTo(TxStatus.COMMITTED);
    dataset = SnapshotRecord.parseFrom(snapshot.getOutput());
    assertThat(dataset.getRowCount()).isEqualTo(3);
  }

  // ------------------------------------------------------------------ helpers

  private static ByteString bytes(Hash h) {
    return ByteString.copyFrom(h.bytes());
  }

  private static DatasetRef ref(SnapshotRecord s) {
    return DatasetRef.newBuilder()
        .setSnapshotId(s.getSnapshotId())
        .setCsvSha256(s.getCsvSha256())
        .setReadingsRoot(s.getReadingsRoot())
        .build();
  }

  /** A valid registration of {@code modelId} trained on the fixture's snapshot. */
  private RegisterModel.Builder model(String modelId) {
    return RegisterModel.newBuilder()
        .setModelId(modelId)
        .setRecipe(ByteString.copyFrom(RECIPE))
        .setRecipeSha256(bytes(Hash.sha256(RECIPE)))
        .addDatasets(ref(dataset))
        .setArtifactSha256(bytes(ARTIFACT))
        .setLossCurveSha256(bytes(LOSS_CURVE))
        .addMetrics(Metric.newBuilder().setName("accuracy").setValue(0.92))
        .addMetrics(Metric.newBuilder().setName("log_loss").setValue(0.21))
        .setEngineVersion("veriflow-ml 0.1.0");
  }

  private static Attest attest(String modelId, Hash artifact) {
    return Attest.newBuilder().setModelId(modelId).setArtifactSha256(bytes(artifact)).build();
  }

  private static ChangeStage stage(String modelId, ModelStage stage, String reason) {
    return ChangeStage.newBuilder().setModelId(modelId).setStage(stage).setReason(reason).build();
  }

  private byte[] call(SigningKey sender, String method, MessageLite args) {
    return TestChain.models(sender, chain.nextNonce(sender), method, args);
  }

  /** Commits one models call as the next block and returns its result. */
  private TxResult run(byte[] tx) {
    List<TxResult> results = chain.commitResults(tx);
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private TxResult committed(byte[] tx) {
    TxResult r = run(tx);
    assertThat(r.getStatus()).as("result %s", r).isEqualTo(TxStatus.COMMITTED);
    return r;
  }

  private Optional<ModelRecord> find(String modelId) {
    return Models.find(chain.ledger.state(Models.NAME), modelId);
  }

  private ModelRecord record(String modelId) {
    return find(modelId).orElseThrow(() -> new AssertionError("no model " + modelId));
  }

  private long height() {
    return chain.ledger.head().height();
  }

  /** Registers {@link #MODEL} by the trainer and has the genesis validator attest the recorded artifact. */
  private void registeredAndVerified() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    committed(call(VALIDATOR, "attest", attest(MODEL, ARTIFACT)));
    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.VERIFIED);
  }

  private static StageChange change(ModelStage from, ModelStage to, SigningKey by, long height, String reason, byte[] tx) {
    return StageChange.newBuilder().setFrom(from).setTo(to).setBy(by.id().value()).setHeight(height)
        .setReason(reason).setTxId(bytes(TestChain.txId(tx))).build();
  }

  // ------------------------------------------------------------------ register

  @Test
  void register_datasetsMatchingSnapshot_registeredWithTrainerHistory() {
    byte[] tx = call(TRAINER, "register", model(MODEL).build());
    TxResult result = committed(tx);

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.REGISTERED);
    assertThat(m.getTrainer()).isEqualTo(TRAINER.id().value());
    assertThat(m.getRegisteredHeight()).isEqualTo(height());
    assertThat(m.getRecipe().toByteArray()).isEqualTo(RECIPE);
    assertThat(m.getDatasetsList()).containsExactly(ref(dataset));
    assertThat(m.getArtifactSha256()).isEqualTo(bytes(ARTIFACT));
    assertThat(m.getLossCurveSha256()).isEqualTo(bytes(LOSS_CURVE));
    assertThat(m.getMetricsList()).extracting(Metric::getName).containsExactly("accuracy", "log_loss");
    assertThat(m.getEngineVersion()).isEqualTo("veriflow-ml 0.1.0");
    assertThat(m.getAttestationsList()).isEmpty();
    assertThat(m.getHistoryList()).containsExactly(
        change(ModelStage.MODEL_STAGE_UNSPECIFIED, ModelStage.REGISTERED, TRAINER, height(), "registered", tx));
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("model_registered");
      assertThat(e.getData().toStringUtf8()).isEqualTo(MODEL);
    });
  }

  @Test
  void register_csvHashDiffersFromSnapshot_failsDatasetMismatchWithoutRecord() {
    DatasetRef forged = ref(dataset).toBuilder().setCsvSha256(bytes(Hash.sha256(new byte[] {1}))).build();

    TestChain.assertFailed(run(call(TRAINER, "register", model(MODEL).setDatasets(0, forged).build())), "DATASET_MISMATCH");

    assertThat(find(MODEL)).isEmpty();
  }

  @Test
  void register_readingsRootDiffersFromSnapshot_failsDatasetMismatchWithoutRecord() {
    DatasetRef forged = ref(dataset).toBuilder().setReadingsRoot(bytes(Hash.sha256(new byte[] {2}))).build();

    TestChain.assertFailed(run(call(TRAINER, "register", model(MODEL).setDatasets(0, forged).build())), "DATASET_MISMATCH");

    assertThat(find(MODEL)).isEmpty();
  }

  @Test
  void register_unknownSnapshot_failsUnknownDatasetWithoutRecord() {
    DatasetRef unknown = ref(dataset).toBuilder().setSnapshotId(Hash.sha256(new byte[] {3}).hex()).build();

    TestChain.assertFailed(run(call(TRAINER, "register", model(MODEL).setDatasets(0, unknown).build())), "UNKNOWN_DATASET");

    assertThat(find(MODEL)).isEmpty();
  }

  @Test
  void register_sameIdTwice_failsModelExistsAndKeepsFirstRecord() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    ModelRecord first = record(MODEL);

    TestChain.assertFailed(run(call(CLERK, "register", model(MODEL).setArtifactSha256(bytes(OTHER_ARTIFACT)).build())), "MODEL_EXISTS");

    assertThat(record(MODEL)).isEqualTo(first);
  }

  static Stream<Arguments> invalidRegistrations() {
    return Stream.of(
        Arguments.of("recipe hash of other bytes", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setRecipeSha256(bytes(Hash.sha256("{\"seed\":43}".getBytes(StandardCharsets.UTF_8))))),
        Arguments.of("empty recipe", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setRecipe(ByteString.EMPTY).setRecipeSha256(bytes(Hash.sha256(new byte[0])))),
        Arguments.of("31-byte artifact hash", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setArtifactSha256(bytes(ARTIFACT).substring(1))),
        Arguments.of("33-byte loss-curve hash", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setLossCurveSha256(bytes(LOSS_CURVE).concat(ByteString.copyFrom(new byte[] {0})))),
        Arguments.of("16-byte recipe hash", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setRecipeSha256(bytes(Hash.sha256(RECIPE)).substring(0, 16))),
        Arguments.of("empty dataset CSV hash", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setDatasets(0, b.getDatasets(0).toBuilder().setCsvSha256(ByteString.EMPTY))),
        Arguments.of("31-byte dataset readings root", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setDatasets(0, b.getDatasets(0).toBuilder().setReadingsRoot(b.getDatasets(0).getReadingsRoot().substring(1)))),
        Arguments.of("unsorted metrics", (UnaryOperator<RegisterModel.Builder>) b ->
            b.clearMetrics().addMetrics(Metric.newBuilder().setName("log_loss").setValue(0.21))
                .addMetrics(Metric.newBuilder().setName("accuracy").setValue(0.92))),
        Arguments.of("duplicate metric", (UnaryOperator<RegisterModel.Builder>) b ->
            b.clearMetrics().addMetrics(Metric.newBuilder().setName("accuracy").setValue(0.92))
                .addMetrics(Metric.newBuilder().setName("accuracy").setValue(0.93))),
        Arguments.of("NaN metric", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setMetrics(0, Metric.newBuilder().setName("accuracy").setValue(Double.NaN))),
        Arguments.of("infinite metric", (UnaryOperator<RegisterModel.Builder>) b ->
            b.setMetrics(1, Metric.newBuilder().setName("log_loss").setValue(Double.POSITIVE_INFINITY))),
        Arguments.of("no datasets", (UnaryOperator<RegisterModel.Builder>) RegisterModel.Builder::clearDatasets),
        Arguments.of("upper-case model id", (UnaryOperator<RegisterModel.Builder>) b -> b.setModelId("Room-Comfort")),
        Arguments.of("model id starting with '-'", (UnaryOperator<RegisterModel.Builder>) b -> b.setModelId("-room")),
        Arguments.of("empty model id", (UnaryOperator<RegisterModel.Builder>) b -> b.setModelId("")),
        Arguments.of("64-character model id", (UnaryOperator<RegisterModel.Builder>) b -> b.setModelId("m".repeat(64))),
        Arguments.of("empty engine version", (UnaryOperator<RegisterModel.Builder>) b -> b.setEngineVersion("")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRegistrations")
  void register_invalidArguments_rejectedBadArgumentsStoreUnchanged(String name, UnaryOperator<RegisterModel.Builder> mutation) {
    RegisterModel bad = mutation.apply(model(MODEL)).build();

    chain.rejected(call(TRAINER, "register", bad), RejectionCode.BAD_ARGUMENTS);

    assertThat(find(bad.getModelId())).isEmpty();
  }

  @Test
  void register_argumentsNotAMessage_rejectedBadArgumentsStoreUnchanged() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};

    chain.rejected(TestChain.rawCall(TRAINER, chain.nextNonce(TRAINER), Models.NAME, "register", garbage), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void register_validArguments_admitted() {
    // The positive sibling of the invalid cases above: the same builder, unmodified, is admitted.
    assertThat(chain.ledger.admit(call(TRAINER, "register", model(MODEL).build())).rejection()).isNull();
  }

  // ------------------------------------------------------------------ attest

  @Test
  void attest_validatorWithRecordedArtifact_verifiedWithHistory() {
    byte[] register = call(TRAINER, "register", model(MODEL).build());
    committed(register);
    long registeredAt = height();
    byte[] attest = call(VALIDATOR, "attest", attest(MODEL, ARTIFACT));

    TxResult result = committed(attest);

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.VERIFIED);
    assertThat(m.getAttestationsList()).containsExactly(Attestation.newBuilder()
        .setValidator(VALIDATOR.id().value()).setArtifactSha256(bytes(ARTIFACT)).setMatch(true).setHeight(height()).build());
    assertThat(m.getHistoryList()).hasSize(2);
    assertThat(m.getHistory(0)).isEqualTo(
        change(ModelStage.MODEL_STAGE_UNSPECIFIED, ModelStage.REGISTERED, TRAINER, registeredAt, "registered", register));
    StageChange verified = m.getHistory(1);
    assertThat(verified.getFrom()).isEqualTo(ModelStage.REGISTERED);
    assertThat(verified.getTo()).isEqualTo(ModelStage.VERIFIED);
    assertThat(verified.getBy()).isEqualTo(VALIDATOR.id().value());
    assertThat(verified.getHeight()).isEqualTo(height());
    assertThat(verified.getTxId()).isEqualTo(bytes(TestChain.txId(attest)));
    assertThat(verified.getReason()).isNotBlank();
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("attested_match"));
  }

  @Test
  void attest_differentArtifact_rejectedKeepingMismatchEvidence() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    byte[] attest = call(VALIDATOR, "attest", attest(MODEL, OTHER_ARTIFACT));

    TxResult result = committed(attest);

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.REJECTED);
    assertThat(m.getAttestationsList()).singleElement().satisfies(a -> {
      assertThat(a.getValidator()).isEqualTo(VALIDATOR.id().value());
      assertThat(a.getArtifactSha256()).isEqualTo(bytes(OTHER_ARTIFACT));
      assertThat(a.getMatch()).isFalse();
      assertThat(a.getHeight()).isEqualTo(height());
    });
    assertThat(m.getHistoryList()).hasSize(2);
    StageChange rejected = m.getHistory(1);
    assertThat(rejected.getFrom()).isEqualTo(ModelStage.REGISTERED);
    assertThat(rejected.getTo()).isEqualTo(ModelStage.REJECTED);
    assertThat(rejected.getBy()).isEqualTo(VALIDATOR.id().value());
    assertThat(rejected.getTxId()).isEqualTo(bytes(TestChain.txId(attest)));
    assertThat(rejected.getReason()).contains(OTHER_ARTIFACT.hex(), ARTIFACT.hex());
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("attested_mismatch"));
  }

  private static Attest overBudget(String modelId, String failure) {
    return Attest.newBuilder().setModelId(modelId).setOutcome(ReplayOutcome.BUDGET_EXCEEDED).setFailure(failure).build();
  }

  @Test
  void attest_budgetExceeded_recordedOnceNeitherMatchNorRejection() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    TxResult r = committed(call(VALIDATOR, "attest", overBudget(MODEL, "budget exceeded: time: ran longer than 1000 ms")));

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.REGISTERED);
    assertThat(m.getHistoryCount()).isEqualTo(1);
    assertThat(m.getAttestationsList()).singleElement().satisfies(a -> {
      assertThat(a.getValidator()).isEqualTo(VALIDATOR.id().value());
      assertThat(a.getOutcome()).isEqualTo(ReplayOutcome.BUDGET_EXCEEDED);
      assertThat(a.getMatch()).isFalse();
      assertThat(a.getArtifactSha256().isEmpty()).isTrue();
      assertThat(a.getFailure()).isEqualTo("budget exceeded: time: ran longer than 1000 ms");
    });
    assertThat(r.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("attested_budget_exceeded"));
    TestChain.assertFailed(run(call(VALIDATOR, "attest", attest(MODEL, ARTIFACT))), "ALREADY_ATTESTED");
    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.REGISTERED);
  }

  @Test
  void attest_budgetExceededWithArtifactOrWithoutReason_badArguments() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    chain.rejected(call(VALIDATOR, "attest", overBudget(MODEL, "").toBuilder().build()), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(VALIDATOR, "attest", overBudget(MODEL, "time").toBuilder().setArtifactSha256(bytes(ARTIFACT)).build()),
        RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(VALIDATOR, "attest", overBudget(MODEL, "x".repeat(513))), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(VALIDATOR, "attest", attest(MODEL, ARTIFACT).toBuilder().setOutcomeValue(7).build()), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void attest_sameValidatorTwice_failsAlreadyAttestedRecordUnchanged() {
    registeredAndVerified();
    ModelRecord verified = record(MODEL);

    TestChain.assertFailed(run(call(VALIDATOR, "attest", attest(MODEL, OTHER_ARTIFACT))), "ALREADY_ATTESTED");

    assertThat(record(MODEL)).isEqualTo(verified);
  }

  @Test
  void attest_byOrganisation_rejectedNotAuthorised() {
    committed(call(TRAINER, "register", model(MODEL).build()));

    chain.rejected(call(ORG, "attest", attest(MODEL, ARTIFACT)), RejectionCode.NOT_AUTHORISED);

    assertThat(record(MODEL).getAttestationsList()).isEmpty();
  }

  @Test
  void attest_byMember_rejectedNotAuthorised() {
    committed(call(TRAINER, "register", model(MODEL).build()));

    chain.rejected(call(TRAINER, "attest", attest(MODEL, ARTIFACT)), RejectionCode.NOT_AUTHORISED);

    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.REGISTERED);
  }

  @Test
  void attest_byAdministrator_rejectedNotAuthorised() {
    committed(call(TRAINER, "register", model(MODEL).build()));

    chain.rejected(call(ADMIN, "attest", attest(MODEL, ARTIFACT)), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void attest_unknownModel_failsUnknownModel() {
    TestChain.assertFailed(run(call(VALIDATOR, "attest", attest("no-such-model", ARTIFACT))), "UNKNOWN_MODEL");

    assertThat(find("no-such-model")).isEmpty();
  }

  @Test
  void attest_shortArtifactHash_rejectedBadArguments() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    Attest shortHash = Attest.newBuilder().setModelId(MODEL).setArtifactSha256(bytes(ARTIFACT).substring(2)).build();

    chain.rejected(call(VALIDATOR, "attest", shortHash), RejectionCode.BAD_ARGUMENTS);
  }

  private static Attest failedReplay(String modelId, String failure) {
    return Attest.newBuilder().setModelId(modelId).setFailure(failure).build();
  }

  @Test
  void attest_replayFailed_rejectedKeepingFailureAsEvidence() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    String failure = "dataset " + dataset.getSnapshotId() + " does not hash to the recorded CSV hash";
    byte[] attest = call(VALIDATOR, "attest", failedReplay(MODEL, failure));

    TxResult result = committed(attest);

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.REJECTED);
    assertThat(m.getAttestationsList()).containsExactly(Attestation.newBuilder()
        .setValidator(VALIDATOR.id().value()).setMatch(false).setHeight(height()).setFailure(failure).build());
    assertThat(m.getHistoryList()).hasSize(2);
    StageChange rejected = m.getHistory(1);
    assertThat(rejected.getFrom()).isEqualTo(ModelStage.REGISTERED);
    assertThat(rejected.getTo()).isEqualTo(ModelStage.REJECTED);
    assertThat(rejected.getBy()).isEqualTo(VALIDATOR.id().value());
    assertThat(rejected.getTxId()).isEqualTo(bytes(TestChain.txId(attest)));
    assertThat(rejected.getReason()).isEqualTo("replay by " + VALIDATOR.id().value() + " failed: " + failure);
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("attested_mismatch"));
  }

  @Test
  void attest_failureAlongsideArtifactHash_rejectedBadArgumentsRecordUnchanged() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    ModelRecord registered = record(MODEL);
    Attest both = attest(MODEL, ARTIFACT).toBuilder().setFailure("unsupported engine version").build();

    chain.rejected(call(VALIDATOR, "attest", both), RejectionCode.BAD_ARGUMENTS);

    assertThat(record(MODEL)).isEqualTo(registered);
  }

  @Test
  void attest_failureOf513Characters_rejectedBadArgumentsRecordUnchanged() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    ModelRecord registered = record(MODEL);

    chain.rejected(call(VALIDATOR, "attest", failedReplay(MODEL, "x".repeat(513))), RejectionCode.BAD_ARGUMENTS);

    assertThat(record(MODEL)).isEqualTo(registered);
  }

  @Test
  void attest_failureOf512Characters_admitted() {
    committed(call(TRAINER, "register", model(MODEL).build()));

    assertThat(chain.ledger.admit(call(VALIDATOR, "attest", failedReplay(MODEL, "x".repeat(512)))).rejection()).isNull();
  }

  @Test
  void attest_neitherFailureNorArtifactHash_rejectedBadArguments() {
    committed(call(TRAINER, "register", model(MODEL).build()));

    chain.rejected(call(VALIDATOR, "attest", Attest.newBuilder().setModelId(MODEL).build()), RejectionCode.BAD_ARGUMENTS);

    assertThat(record(MODEL).getAttestationsList()).isEmpty();
  }

  @Test
  void attest_genesisWithoutParameter_oneAttestationRequired() {
    assertThat(chain.ledger.state(Models.NAME).get("p/required_attestations".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(Models.requiredAttestations(chain.ledger.state(Models.NAME))).isEqualTo(1);
  }

  /** Reopens on a genesis with {@link #SECOND_VALIDATOR} as second validator and two required attestations. */
  private void twoValidatorsTwoRequired() throws InvalidProtocolBufferException {
    chain.close();
    open(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES, 2, List.of(SECOND_VALIDATOR)));
    assertThat(Models.requiredAttestations(chain.ledger.state(Models.NAME))).isEqualTo(2);
  }

  @Test
  void attest_twoRequiredOneMatching_staysRegisteredUntilSecondValidator() throws InvalidProtocolBufferException {
    twoValidatorsTwoRequired();
    committed(call(TRAINER, "register", model(MODEL).build()));

    committed(call(VALIDATOR, "attest", attest(MODEL, ARTIFACT)));

    ModelRecord afterOne = record(MODEL);
    assertThat(afterOne.getStage()).isEqualTo(ModelStage.REGISTERED);
    assertThat(afterOne.getAttestationsList()).singleElement().satisfies(a -> assertThat(a.getMatch()).isTrue());
    assertThat(afterOne.getHistoryList()).hasSize(1);

    byte[] second = call(SECOND_VALIDATOR, "attest", attest(MODEL, ARTIFACT));
    committed(second);

    ModelRecord afterTwo = record(MODEL);
    assertThat(afterTwo.getStage()).isEqualTo(ModelStage.VERIFIED);
    assertThat(afterTwo.getAttestationsList()).extracting(Attestation::getValidator)
        .containsExactly(VALIDATOR.id().value(), SECOND_VALIDATOR.id().value());
    assertThat(afterTwo.getHistoryList()).hasSize(2);
    assertThat(afterTwo.getHistory(1).getBy()).isEqualTo(SECOND_VALIDATOR.id().value());
    assertThat(afterTwo.getHistory(1).getTxId()).isEqualTo(bytes(TestChain.txId(second)));
  }

  @Test
  void attest_twoRequiredSecondMismatching_rejected() throws InvalidProtocolBufferException {
    twoValidatorsTwoRequired();
    committed(call(TRAINER, "register", model(MODEL).build()));
    committed(call(VALIDATOR, "attest", attest(MODEL, ARTIFACT)));

    committed(call(SECOND_VALIDATOR, "attest", attest(MODEL, OTHER_ARTIFACT)));

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.REJECTED);
    assertThat(m.getAttestationsList()).extracting(Attestation::getMatch).containsExactly(true, false);
  }

  @Test
  void attest_twoRequiredSecondReplayFailed_rejected() throws InvalidProtocolBufferException {
    twoValidatorsTwoRequired();
    committed(call(TRAINER, "register", model(MODEL).build()));
    committed(call(VALIDATOR, "attest", attest(MODEL, ARTIFACT)));

    committed(call(SECOND_VALIDATOR, "attest", failedReplay(MODEL, "unsupported engine version veriflow-ml 0.1.0")));

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.REJECTED);
    assertThat(m.getAttestationsList()).extracting(Attestation::getMatch).containsExactly(true, false);
    assertThat(m.getHistory(m.getHistoryCount() - 1).getReason())
        .isEqualTo("replay by " + SECOND_VALIDATOR.id().value() + " failed: unsupported engine version veriflow-ml 0.1.0");
  }

  // ------------------------------------------------------------------ change_stage

  @Test
  void changeStage_administratorApprovesVerified_approved() {
    registeredAndVerified();

    committed(call(ADMIN, "change_stage", stage(MODEL, ModelStage.APPROVED, "meets the accuracy bar")));

    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.APPROVED);
  }

  @Test
  void changeStage_memberWithApproverRoleApprovesVerified_approved() {
    registeredAndVerified();

    committed(call(APPROVER, "change_stage", stage(MODEL, ModelStage.APPROVED, "reviewed")));

    ModelRecord m = record(MODEL);
    assertThat(m.getStage()).isEqualTo(ModelStage.APPROVED);
    assertThat(m.getHistory(m.getHistoryCount() - 1).getBy()).isEqualTo(APPROVER.id().value());
  }

  @Test
  void changeStage_plainMemberApproves_rejectedNotAuthorisedStoreUnchanged() {
    registeredAndVerified();

    chain.rejected(call(CLERK, "change_stage", stage(MODEL, ModelStage.APPROVED, "looks fine")), RejectionCode.NOT_AUTHORISED);

    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.VERIFIED);
  }

  @Test
  void changeStage_plainMemberRejects_rejectedNotAuthorised() {
    registeredAndVerified();

    chain.rejected(call(CLERK, "change_stage", stage(MODEL, ModelStage.REJECTED, "dislike")), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void changeStage_trainerApprovesOwnModel_rejectedNotAuthorised() {
    registeredAndVerified();

    chain.rejected(call(TRAINER, "change_stage", stage(MODEL, ModelStage.APPROVED, "mine")), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void changeStage_trainerDeprecatesVerified_deprecated() {
    registeredAndVerified();

    committed(call(TRAINER, "change_stage", stage(MODEL, ModelStage.DEPRECATED, "superseded by v2")));

    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.DEPRECATED);
  }

  @Test
  void changeStage_plainMemberNotTrainerDeprecates_rejectedNotAuthorised() {
    registeredAndVerified();

    chain.rejected(call(CLERK, "change_stage", stage(MODEL, ModelStage.DEPRECATED, "old")), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void changeStage_approveRegisteredUnverified_failsInvalidTransition() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    ModelRecord registered = record(MODEL);

    TestChain.assertFailed(run(call(ADMIN, "change_stage", stage(MODEL, ModelStage.APPROVED, "trust me"))), "INVALID_TRANSITION");

    assertThat(record(MODEL)).isEqualTo(registered);
  }

  @Test
  void changeStage_approveAfterReject_failsInvalidTransition() {
    registeredAndVerified();
    committed(call(ADMIN, "change_stage", stage(MODEL, ModelStage.REJECTED, "biased training data")));
    ModelRecord rejected = record(MODEL);
    assertThat(rejected.getStage()).isEqualTo(ModelStage.REJECTED);

    TestChain.assertFailed(run(call(ADMIN, "change_stage", stage(MODEL, ModelStage.APPROVED, "changed my mind"))), "INVALID_TRANSITION");
    TestChain.assertFailed(run(call(TRAINER, "change_stage", stage(MODEL, ModelStage.DEPRECATED, "retire"))), "INVALID_TRANSITION");

    assertThat(record(MODEL)).isEqualTo(rejected);
  }

  @Test
  void changeStage_approveAfterMismatchingAttestation_failsInvalidTransition() {
    committed(call(TRAINER, "register", model(MODEL).build()));
    committed(call(VALIDATOR, "attest", attest(MODEL, OTHER_ARTIFACT)));

    TestChain.assertFailed(run(call(ADMIN, "change_stage", stage(MODEL, ModelStage.APPROVED, "override"))), "INVALID_TRANSITION");

    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.REJECTED);
  }

  @Test
  void changeStage_approveAfterDeprecate_failsInvalidTransition() {
    registeredAndVerified();
    committed(call(TRAINER, "change_stage", stage(MODEL, ModelStage.DEPRECATED, "superseded")));

    TestChain.assertFailed(run(call(ADMIN, "change_stage", stage(MODEL, ModelStage.APPROVED, "revive"))), "INVALID_TRANSITION");

    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.DEPRECATED);
  }

  @Test
  void changeStage_verifiedByHand_rejectedNotAuthorised() {
    committed(call(TRAINER, "register", model(MODEL).build()));

    chain.rejected(call(ADMIN, "change_stage", stage(MODEL, ModelStage.VERIFIED, "skip the replay")), RejectionCode.NOT_AUTHORISED);

    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.REGISTERED);
  }

  @Test
  void changeStage_unknownModel_failsUnknownModel() {
    TestChain.assertFailed(run(call(ADMIN, "change_stage", stage("no-such-model", ModelStage.APPROVED, "x"))), "UNKNOWN_MODEL");
  }

  @Test
  void changeStage_missingStage_rejectedBadArguments() {
    committed(call(TRAINER, "register", model(MODEL).build()));

    chain.rejected(call(ADMIN, "change_stage", stage(MODEL, ModelStage.MODEL_STAGE_UNSPECIFIED, "")), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void changeStage_fullLifecycle_historyKeptInOrderWithWhoHeightReasonAndTx() {
    byte[] register = call(TRAINER, "register", model(MODEL).build());
    committed(register);
    long h1 = height();
    byte[] attest = call(VALIDATOR, "attest", attest(MODEL, ARTIFACT));
    committed(attest);
    long h2 = height();
    byte[] approve = call(APPROVER, "change_stage", stage(MODEL, ModelStage.APPROVED, "validated on ward data"));
    committed(approve);
    long h3 = height();
    byte[] deprecate = call(TRAINER, "change_stage", stage(MODEL, ModelStage.DEPRECATED, "superseded by v2"));
    committed(deprecate);
    long h4 = height();

    List<StageChange> history = record(MODEL).getHistoryList();

    assertThat(List.of(h1, h2, h3, h4)).doesNotHaveDuplicates().isSorted();
    assertThat(history).hasSize(4);
    assertThat(history.get(0)).isEqualTo(change(ModelStage.MODEL_STAGE_UNSPECIFIED, ModelStage.REGISTERED, TRAINER, h1, "registered", register));
    assertThat(history.get(1)).isEqualTo(change(ModelStage.REGISTERED, ModelStage.VERIFIED, VALIDATOR, h2, history.get(1).getReason(), attest));
    assertThat(history.get(2)).isEqualTo(change(ModelStage.VERIFIED, ModelStage.APPROVED, APPROVER, h3, "validated on ward data", approve));
    assertThat(history.get(3)).isEqualTo(change(ModelStage.APPROVED, ModelStage.DEPRECATED, TRAINER, h4, "superseded by v2", deprecate));
    assertThat(record(MODEL).getStage()).isEqualTo(ModelStage.DEPRECATED);
  }
}
