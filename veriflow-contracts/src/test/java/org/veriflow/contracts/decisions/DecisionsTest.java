package org.veriflow.contracts.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.TestChain;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
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
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.core.merkle.MerkleVerifier;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.decisions.Attribution;
import org.veriflow.protocol.proto.decisions.Decision;
import org.veriflow.protocol.proto.decisions.DecisionRecord;
import org.veriflow.protocol.proto.decisions.LogDecisions;
import org.veriflow.protocol.proto.models.Attest;
import org.veriflow.protocol.proto.models.ChangeStage;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.StateView;

/**
 * The decisions contract: batches of decisions by servable models, stored under their RFC 6962 leaf
 * hashes with their place under the batch root, and every reason a batch is refused or fails.
 */
class DecisionsTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey TRAINER = TestChain.key(12);
  private static final SigningKey AGENT = TestChain.key(15);
  private static final SigningKey CLERK = TestChain.key(14);
  private static final SigningKey DEVICE = TestChain.key(40);
  private static final String ROOM = "room-1";
  private static final String MODEL = "room-comfort-v1";

  private static final byte[] RECIPE = "{\"algorithm\":\"logistic-regression\",\"epochs\":20,\"seed\":42}"
      .getBytes(StandardCharsets.UTF_8);
  private static final Hash ARTIFACT = Hash.sha256("canonical model file".getBytes(StandardCharsets.UTF_8));
  private static final Hash OTHER_ARTIFACT = Hash.sha256("another model file".getBytes(StandardCharsets.UTF_8));
  private static final Hash LOSS_CURVE = Hash.sha256("loss curve".getBytes(StandardCharsets.UTF_8));
  private static final byte[] INPUT = "{\"temperature\":21.5,\"humidity\":40.0}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OUTPUT = "{\"comfortable\":0.87}".getBytes(StandardCharsets.UTF_8);

  private TestChain chain;
  private SnapshotRecord dataset;

  /**
   * A chain with an organisation, its trainer, an agent and a plain member, a snapshot of a room
   * stream's three readings, and {@link #MODEL} registered on it and verified by the validator.
   */
  @BeforeEach
  void openChain() throws InvalidProtocolBufferException {
    chain = TestChain.openWithModels();
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(
        TestChain.register(ORG, 0, TRAINER.publicKey(), IdentityKind.MEMBER, "trainer"),
        TestChain.register(ORG, 1, AGENT.publicKey(), IdentityKind.AGENT, "ward-agent"),
        TestChain.register(ORG, 2, CLERK.publicKey(), IdentityKind.MEMBER, "clerk"),
        TestChain.createStream(ORG, 3, TestChain.roomStream(ROOM, 0)));
    chain.commit(TestChain.registerDevice(ORG, 4, ROOM, DEVICE.publicKey(), "sensor"));
    List<SignedReading> readings = List.of(
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 1, 0, 21.5, 40.0)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 2, 30_000, 21.75, 40.5)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 3, 60_000, 22.0, 41.0)));
    assertThat(TestChain.verdicts(chain.commitResults(TestChain.submit(TRAINER, 0, ROOM, readings)).get(0)))
        .containsOnly(Verdict.LEGAL);
    TxResult snapshot = chain.commitResults(TestChain.snapshot(TRAINER, 1, ROOM, 0, 100_000, "week 1")).get(0);
    assertThat(snapshot.getStatus()).as("snapshot result %s", snapshot).isEqualTo(TxStatus.COMMITTED);
    dataset = SnapshotRecord.parseFrom(snapshot.getOutput());
    registered(MODEL);
    committed(models(VALIDATOR, "attest", attest(MODEL, ARTIFACT)));
  }

  @AfterEach
  void close() {
    chain.close();
  }

  // ------------------------------------------------------------------ helpers

  private static ByteString bytes(Hash h) {
    return ByteString.copyFrom(h.bytes());
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFrom(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Attest attest(String modelId, Hash artifact) {
    return Attest.newBuilder().setModelId(modelId).setArtifactSha256(bytes(artifact)).build();
  }

  private byte[] models(SigningKey sender, String method, MessageLite args) {
    return TestChain.models(sender, chain.nextNonce(sender), method, args);
  }

  /** Registers {@code modelId} (stage REGISTERED) with the recorded artifact {@link #ARTIFACT}. */
  private void registered(String modelId) {
    committed(models(TRAINER, "register", RegisterModel.newBuilder()
        .setModelId(modelId)
        .setRecipe(ByteString.copyFrom(RECIPE))
        .setRecipeSha256(bytes(Hash.sha256(RECIPE)))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(dataset.getSnapshotId())
            .setCsvSha256(dataset.getCsvSha256()).setReadingsRoot(dataset.getReadingsRoot()))
        .setArtifactSha256(bytes(ARTIFACT))
        .setLossCurveSha256(bytes(LOSS_CURVE))
        .addMetrics(Metric.newBuilder().setName("accuracy").setValue(0.92))
        .setEngineVersion("veriflow-ml 0.1.0")
        .build()));
  }

  private void changeStage(String modelId, ModelStage stage) {
    committed(models(ADMIN, "change_stage", ChangeStage.newBuilder().setModelId(modelId).setStage(stage).setReason("test").build()));
  }

  /** A valid decision of {@link #MODEL}, with its input kept, distinct for each {@code n}. */
  private static Decision.Builder decision(int n) {
    return Decision.newBuilder()
        .setModelId(MODEL)
        .setModelSha256(bytes(ARTIFACT))
        .setInputSha256(bytes(Hash.sha256(INPUT)))
        .setInput(ByteString.copyFrom(INPUT))
        .setOutput(ByteString.copyFrom(OUTPUT))
        .addAttributions(Attribution.newBuilder().setFeature("temperature").setValue(21.5).setAttribution(0.31))
        .addAttributions(Attribution.newBuilder().setFeature("humidity").setValue(40.0).setAttribution(-0.12))
        .setRequester("nurse-7")
        .setRequestId("req-" + n);
  }

  private static LogDecisions batchOf(List<ByteString> decisions) {
    return LogDecisions.newBuilder().addAllDecisions(decisions).build();
  }

  private static LogDecisions batch(Decision... decisions) {
    List<ByteString> out = new ArrayList<>();
    for (Decision d : decisions) {
      out.add(d.toByteString());
    }
    return batchOf(out);
  }

  private byte[] log(SigningKey agent, LogDecisions batch) {
    return TestChain.logDecisions(agent, chain.nextNonce(agent), batch);
  }

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

  /** SHA-256(0x00 || bytes), computed here rather than by the contract or core's Merkle code. */
  private static Hash leaf(ByteString decisionBytes) {
    return Hash.sha256(new byte[] {0x00}, decisionBytes.toByteArray());
  }

  private DecisionRecord record(Hash id) {
    return Decisions.find(chain.ledger.state(Decisions.NAME), id.hex()).orElseThrow(() -> new AssertionError("no decision " + id));
  }

  /** Every entry of the decisions namespace, as hex. */
  private TreeMap<String, String> decisionsState() {
    TreeMap<String, String> out = new TreeMap<>();
    for (StateView.Entry e : chain.ledger.state(Decisions.NAME).scan(new byte[0], null, Integer.MAX_VALUE)) {
      out.put(HexFormat.of().formatHex(e.key()), HexFormat.of().formatHex(e.value()));
    }
    return out;
  }

  /** Commits {@code batch} by the agent, expecting it to fail with {@code code} and store nothing. */
  private TxResult failsStoringNothing(LogDecisions batch, String code) {
    TreeMap<String, String> before = decisionsState();
    TxResult result = run(log(AGENT, batch));
    TestChain.assertFailed(result, code);
    assertThat(decisionsState()).isEqualTo(before);
    return result;
  }

  @SuppressWarnings("unchecked")
  private static ContractMethod<Object> logMethod() {
    return (ContractMethod<Object>) new Decisions().method("log").orElseThrow();
  }

  // ------------------------------------------------------------------ log

  @Test
  void log_oneDecision_storedUnderLeafHashWithAgentTxAndRoot() {
    Decision d = decision(1).build();
    byte[] tx = log(AGENT, batch(d));

    TxResult result = committed(tx);

    Hash id = leaf(d.toByteString());
    assertThat(Decisions.decisionId(d.toByteArray())).isEqualTo(id);
    assertThat(record(id)).isEqualTo(DecisionRecord.newBuilder()
        .setDecision(d.toByteString())
        .setAgent(AGENT.id().value())
        .setTxId(bytes(TestChain.txId(tx)))
        .setHeight(chain.ledger.head().height())
        .setIndex(0)
        .setBatchSize(1)
        .setBatchRoot(bytes(id))
        .build());
    assertThat(result.getOutput()).isEqualTo(bytes(id));
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("decisions_logged");
      assertThat(e.getData().toStringUtf8()).isEqualTo("1");
    });
  }

  @Test
  void log_batchOfSeven_eachStoredWithItsIndexUnderTheRecomputedRoot() throws ProofException {
    List<ByteString> decisions = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      decisions.add(decision(i).build().toByteString());
    }
    byte[] tx = log(AGENT, batchOf(decisions));

    TxResult result = committed(tx);

    List<Hash> leaves = decisions.stream().map(DecisionsTest::leaf).toList();
    MerkleTree tree = MerkleTree.ofLeafHashes(leaves);
    Hash root = tree.root();
    assertThat(result.getOutput()).isEqualTo(bytes(root));
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getData().toStringUtf8()).isEqualTo("7"));
    for (int i = 0; i < decisions.size(); i++) {
      DecisionRecord r = record(leaves.get(i));
      assertThat(r.getDecision()).isEqualTo(decisions.get(i));
      assertThat(r.getIndex()).isEqualTo(i);
      assertThat(r.getBatchSize()).isEqualTo(7);
      assertThat(r.getBatchRoot()).isEqualTo(bytes(root));
      assertThat(r.getTxId()).isEqualTo(bytes(TestChain.txId(tx)));
      // What a client does with the record: prove the decision's place under the batch root.
      MerkleVerifier.verifyInclusion(r.getIndex(), r.getBatchSize(), leaf(r.getDecision()),
          tree.inclusionProof(i, 7), Hash.of(r.getBatchRoot().toByteArray()));
    }
    assertThat(decisionsState()).hasSize(7);
  }

  @Test
  void log_nonCanonicalEncoding_keptAndIdentifiedByBytesAsCarried() {
    // Field 8 before fields 1-7: a valid encoding that re-serialising would reorder.
    ByteString carried = Decision.newBuilder().setRequestId("req-9").build().toByteString()
        .concat(decision(9).clearRequestId().build().toByteString());
    assertThat(carried).isNotEqualTo(decision(9).build().toByteString());

    committed(log(AGENT, batchOf(List.of(carried))));

    assertThat(record(leaf(carried)).getDecision()).isEqualTo(carried);
    assertThat(Decisions.find(chain.ledger.state(Decisions.NAME), leaf(decision(9).build().toByteString()).hex())).isEmpty();
  }

  @Test
  void log_approvedModel_logged() {
    changeStage(MODEL, ModelStage.APPROVED);

    committed(log(AGENT, batch(decision(1).build())));

    assertThat(decisionsState()).hasSize(1);
  }

  @Test
  void log_byPlainMember_loggedWithMemberAsAgent() {
    Decision d = decision(1).build();

    committed(log(CLERK, batch(d)));

    assertThat(record(leaf(d.toByteString())).getAgent()).isEqualTo(CLERK.id().value());
  }

  @Test
  void log_inputNotKept_loggedWithDigestOnly() throws InvalidProtocolBufferException {
    Decision d = decision(1).clearInput().build();

    committed(log(AGENT, batch(d)));

    assertThat(Decision.parseFrom(record(leaf(d.toByteString())).getDecision()).getInput().isEmpty()).isTrue();
  }

  @Test
  void find_upperCaseHex_sameRecord_malformedIdRefused() {
    Decision d = decision(1).build();
    committed(log(AGENT, batch(d)));
    String hex = leaf(d.toByteString()).hex();

    assertThat(Decisions.find(chain.ledger.state(Decisions.NAME), hex.toUpperCase(Locale.ROOT))).contains(record(leaf(d.toByteString())));
    assertThatThrownBy(() -> Decisions.find(chain.ledger.state(Decisions.NAME), hex.substring(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ rejected at admission

  static Stream<Arguments> invalidDecisions() {
    return Stream.of(
        Arguments.of("upper-case model id", (UnaryOperator<Decision.Builder>) b -> b.setModelId("Room-Comfort")),
        Arguments.of("empty model id", (UnaryOperator<Decision.Builder>) b -> b.setModelId("")),
        Arguments.of("31-byte model hash", (UnaryOperator<Decision.Builder>) b -> b.setModelSha256(bytes(ARTIFACT).substring(1))),
        Arguments.of("33-byte input hash", (UnaryOperator<Decision.Builder>) b ->
            b.setInputSha256(bytes(Hash.sha256(INPUT)).concat(ByteString.copyFrom(new byte[] {0})))),
        Arguments.of("no input hash", (UnaryOperator<Decision.Builder>) b -> b.clearInput().clearInputSha256()),
        Arguments.of("input of 16 KiB + 1", (UnaryOperator<Decision.Builder>) b -> withInput(b, 16 * 1024 + 1)),
        Arguments.of("empty output", (UnaryOperator<Decision.Builder>) Decision.Builder::clearOutput),
        Arguments.of("output of 4097 bytes", (UnaryOperator<Decision.Builder>) b -> b.setOutput(utf8("o".repeat(4097)))),
        Arguments.of("257 attributions", (UnaryOperator<Decision.Builder>) b -> withAttributions(b, 257)),
        Arguments.of("NaN attribution value", (UnaryOperator<Decision.Builder>) b ->
            b.setAttributions(0, b.getAttributions(0).toBuilder().setValue(Double.NaN))),
        Arguments.of("infinite attribution", (UnaryOperator<Decision.Builder>) b ->
            b.setAttributions(1, b.getAttributions(1).toBuilder().setAttribution(Double.NEGATIVE_INFINITY))),
        Arguments.of("attribution without feature", (UnaryOperator<Decision.Builder>) b ->
            b.setAttributions(0, b.getAttributions(0).toBuilder().setFeature(""))),
        Arguments.of("65-character requester", (UnaryOperator<Decision.Builder>) b -> b.setRequester("r".repeat(65))),
        Arguments.of("empty request id", (UnaryOperator<Decision.Builder>) Decision.Builder::clearRequestId),
        Arguments.of("65-character request id", (UnaryOperator<Decision.Builder>) b -> b.setRequestId("q".repeat(65))));
  }

  /** Upper bounds and optional fields at their limits: the positive siblings of the cases above. */
  static Stream<Arguments> decisionsAtTheLimits() {
    return Stream.of(
        Arguments.of("input of 16 KiB", (UnaryOperator<Decision.Builder>) b -> withInput(b, 16 * 1024)),
        Arguments.of("input not kept", (UnaryOperator<Decision.Builder>) Decision.Builder::clearInput),
        Arguments.of("output of 4096 bytes", (UnaryOperator<Decision.Builder>) b -> b.setOutput(utf8("o".repeat(4096)))),
        Arguments.of("256 attributions", (UnaryOperator<Decision.Builder>) b -> withAttributions(b, 256)),
        Arguments.of("no attributions", (UnaryOperator<Decision.Builder>) Decision.Builder::clearAttributions),
        Arguments.of("64-character requester", (UnaryOperator<Decision.Builder>) b -> b.setRequester("r".repeat(64))),
        Arguments.of("no requester", (UnaryOperator<Decision.Builder>) Decision.Builder::clearRequester),
        Arguments.of("64-character request id", (UnaryOperator<Decision.Builder>) b -> b.setRequestId("q".repeat(64))));
  }

  private static Decision.Builder withInput(Decision.Builder b, int size) {
    byte[] input = new byte[size];
    java.util.Arrays.fill(input, (byte) ' ');
    return b.setInput(ByteString.copyFrom(input)).setInputSha256(bytes(Hash.sha256(input)));
  }

  private static Decision.Builder withAttributions(Decision.Builder b, int count) {
    b.clearAttributions();
    for (int i = 0; i < count; i++) {
      b.addAttributions(Attribution.newBuilder().setFeature("f" + i).setValue(i).setAttribution(0.5));
    }
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidDecisions")
  void log_invalidSecondDecision_rejectedBadArgumentsNamingItsIndexStoreUnchanged(String name, UnaryOperator<Decision.Builder> mutation) {
    LogDecisions bad = batch(decision(0).build(), mutation.apply(decision(1)).build());

    assertThat(chain.rejected(log(AGENT, bad), RejectionCode.BAD_ARGUMENTS).message()).startsWith("decision 1: ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decisionsAtTheLimits")
  void log_decisionAtTheLimits_logged(String name, UnaryOperator<Decision.Builder> mutation) {
    Decision d = mutation.apply(decision(1)).build();

    committed(log(AGENT, batch(decision(0).build(), d)));

    assertThat(record(leaf(d.toByteString())).getIndex()).isEqualTo(1);
  }

  @Test
  void log_emptyBatch_rejectedBadArguments() {
    chain.rejected(log(AGENT, LogDecisions.getDefaultInstance()), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void log_entryNotADecision_rejectedBadArgumentsNamingItsIndex() {
    LogDecisions bad = batchOf(List.of(decision(0).build().toByteString(), ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x01})));

    assertThat(chain.rejected(log(AGENT, bad), RejectionCode.BAD_ARGUMENTS).message()).startsWith("decision 1: ");
  }

  @Test
  void log_argumentsNotAMessage_rejectedBadArguments() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};

    chain.rejected(TestChain.rawCall(AGENT, chain.nextNonce(AGENT), Decisions.NAME, "log", garbage), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void decode_tenThousandDecisions_accepted_tenThousandAndOne_refused() throws ContractException {
    // Beyond the test chain's transaction size limit, so checked on the method directly.
    ByteString one = decision(0).clearInput().clearAttributions().build().toByteString();
    LogDecisions.Builder b = LogDecisions.newBuilder();
    for (int i = 0; i < Decisions.MAX_BATCH; i++) {
      b.addDecisions(one);
    }

    assertThat(logMethod().decode(b.build().toByteArray())).isNotNull();
    byte[] tooMany = b.addDecisions(one).build().toByteArray();
    assertThatThrownBy(() -> logMethod().decode(tooMany)).isInstanceOfSatisfying(ContractException.class,
        e -> assertThat(e.code()).isEqualTo("BAD_ARGUMENTS"));
  }

  // ------------------------------------------------------------------ failed at execution

  @Test
  void log_unknownModel_failsUnknownModel() {
    failsStoringNothing(batch(decision(0).build(), decision(1).setModelId("no-such-model").build()), "UNKNOWN_MODEL");
  }

  @Test
  void log_registeredModel_failsModelNotServableNamingStage() {
    registered("room-comfort-v2");

    TxResult r = failsStoringNothing(batch(decision(0).setModelId("room-comfort-v2").build()), "MODEL_NOT_SERVABLE");

    assertThat(r.getMessage()).contains("REGISTERED");
  }

  @Test
  void log_rejectedModel_failsModelNotServableNamingStage() {
    changeStage(MODEL, ModelStage.REJECTED);

    TxResult r = failsStoringNothing(batch(decision(0).build()), "MODEL_NOT_SERVABLE");

    assertThat(r.getMessage()).contains("REJECTED");
  }

  @Test
  void log_deprecatedModel_failsModelNotServableNamingStage() {
    committed(models(TRAINER, "change_stage", ChangeStage.newBuilder().setModelId(MODEL).setStage(ModelStage.DEPRECATED).build()));

    TxResult r = failsStoringNothing(batch(decision(0).build()), "MODEL_NOT_SERVABLE");

    assertThat(r.getMessage()).contains("DEPRECATED");
  }

  @Test
  void log_modelHashNotTheRecordedArtifact_failsModelMismatch() {
    failsStoringNothing(batch(decision(0).setModelSha256(bytes(OTHER_ARTIFACT)).build()), "MODEL_MISMATCH");
  }

  @Test
  void log_keptInputNotHashingToInputHash_failsInputDigestMismatch() {
    Decision forged = decision(1).setInput(utf8("{\"temperature\":35.0,\"humidity\":40.0}")).build();

    failsStoringNothing(batch(decision(0).build(), forged), "INPUT_DIGEST_MISMATCH");
  }

  @Test
  void log_sameDecisionTwiceInBatch_failsDecisionExists() {
    Decision d = decision(1).build();

    TxResult r = failsStoringNothing(batch(decision(0).build(), d, d), "DECISION_EXISTS");

    assertThat(r.getMessage()).contains(leaf(d.toByteString()).hex());
  }

  @Test
  void log_decisionLoggedByEarlierBatch_failsDecisionExistsFirstRecordKept() {
    Decision d = decision(1).build();
    committed(log(AGENT, batch(d)));
    DecisionRecord first = record(leaf(d.toByteString()));

    failsStoringNothing(batch(decision(2).build(), d), "DECISION_EXISTS");

    assertThat(record(leaf(d.toByteString()))).isEqualTo(first);
  }

  @Test
  void log_decisionLoggedEarlierInSameBlock_failsDecisionExists() {
    Decision d = decision(1).build();
    byte[] first = log(AGENT, batch(d));
    byte[] second = TestChain.logDecisions(CLERK, chain.nextNonce(CLERK), batch(d));

    List<TxResult> results = chain.commitResults(first, second);

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    TestChain.assertFailed(results.get(1), "DECISION_EXISTS");
    assertThat(record(leaf(d.toByteString())).getAgent()).isEqualTo(AGENT.id().value());
  }
}
