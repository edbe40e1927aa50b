package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.models.DecisionReplay;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.decisions.Decision;
import org.veriflow.protocol.proto.decisions.LogDecisions;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * The whole path on one node: signed readings → snapshot → train → the node's verifier replays →
 * approve → predict (logged as decisions) → verify a decision by replay; and the lies that must be
 * caught: a decision whose logged output is not the model's, an input that is not the one logged,
 * predictions from a model that is not verified.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecisionsEndToEndTest {
  private static final Pattern DECISION = Pattern.compile("decision:\\s+([0-9a-f]{64})");

  @TempDir static Path tmp;
  private Node node;
  private VeriflowClient client;
  private String url;
  private SigningKey org;
  private NodeSetup.Result setup;
  private String chainId;

  @BeforeAll
  void trainVerifyAndApprove() throws Exception {
    Path dir = tmp.resolve("node");
    setup = NodeSetup.init(dir, "veriflow-decisions", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
    client = new VeriflowClient(URI.create(url));
    org = SigningKey.generate(SignatureAlgorithm.ED25519);
    chainId = client.chain().chainId();
    assertThat(client.submit(new TransactionBuilder(chainId, setup.admin(), 0, 10_000)
        .registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();
    RoomModel room = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(1), 17L);
    List<SensorDevice> devices = SensorDevice.generate("sensor", 2, SignatureAlgorithm.ED25519, new SecureRandom());
    List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(room, devices, "room", Instant.now());
    StreamAdmin admin = new StreamAdmin(client, org);
    admin.create(SensorSimulator.stream("room", room, SensorSimulator.DEFAULT_WINDOW));
    admin.registerDevices("room", devices);
    new Gateway(client, org, 100).submit("room", SensorSimulator.signed(night), ProgressListener.NONE);
    String snapshotId = client.submit(orgTx().snapshot("room", Long.MIN_VALUE, Long.MAX_VALUE, "first hour"), true).id();
    Responses.Snapshot snap = client.streams().snapshot(snapshotId);

    Path recipe = tmp.resolve("recipe.json");
    Files.writeString(recipe, "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
        + "\"data\":{\"reference\":\"" + snapshotId + "\",\"sha256\":\"" + snap.csvSha256() + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":10,\"hiddenLayers\":[8]},\"seed\":5}");
    Files.writeString(tmp.resolve("org.key"), KeyPem.encodePrivate(org));
    Files.writeString(tmp.resolve("admin.key"), KeyPem.encodePrivate(setup.admin()));
    Veriflow.Captured train = Veriflow.capture("model", "train", "--node=" + url, "--key", tmp.resolve("org.key").toString(),
        "--recipe", recipe.toString(), "--id", "humidity-v1", "--out", tmp.resolve("models").toString());
    assertThat(train.exitCode()).as(train.err()).isZero();

    // The node's verifier replays the training on its own and attests; nobody asks it to.
    Commits.awaitModel(node, "humidity-v1", "VERIFIED", m -> m.getStage() != ModelStage.REGISTERED);
    assertThat(client.models().model("humidity-v1").stage()).isEqualTo("VERIFIED");
    Veriflow.Captured approve = Veriflow.capture("model", "stage", "--node=" + url, "--key", tmp.resolve("admin.key").toString(),
        "humidity-v1", "--to", "APPROVED", "--reason", "replayed and reviewed");
    assertThat(approve.exitCode()).as(approve.err()).isZero();
    assertThat(client.models().model("humidity-v1").stage()).isEqualTo("APPROVED");

    // A second model with an artifact its recipe does not produce: the verifier rejects it.
    byte[] recipeBytes = client.models().modelRecipe("humidity-v1");
    assertThat(client.submit(orgTx().registerModel(RegisterModel.newBuilder().setModelId("humidity-forged")
        .setRecipe(ByteString.copyFrom(recipeBytes)).setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipeBytes).bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(snapshotId).setCsvSha256(ByteString.copyFrom(Hex.decode(snap.csvSha256())))
            .setReadingsRoot(ByteString.copyFrom(Hex.decode(snap.readingsRoot()))))
        .setArtifactSha256(ByteString.copyFrom(Hash.sha256("a better-looking model".getBytes()).bytes()))
        .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[0]).bytes())).setEngineVersion("veriflow-ml/0.1.0").build()), true)
        .committed()).isTrue();
    Commits.awaitModel(node, "humidity-forged", "REJECTED", m -> m.getStage() != ModelStage.REGISTERED);
    assertThat(client.models().model("humidity-forged").stage()).isEqualTo("REJECTED");
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void predict_logsTheDecision_andDecisionVerifyReplaysIt() {
    Veriflow.Captured p = Veriflow.capture("model", "predict", "--node=" + url, "--key", tmp.resolve("org.key").toString(),
        "--model", "humidity-v1", "--input", "{\"temperature\": 27.7}", "--keep-input");
    assertThat(p.exitCode()).as(p.err()).isZero();
    assertThat(p.out()).contains("output:    {\"humidity\":").contains("because:   temperature = 27.7");
    String id = decisionId(p.out());

    Responses.Decision d = client.models().decision(id);
    assertThat(d.modelId()).isEqualTo("humidity-v1");
    assertThat(d.input()).contains("{\"temperature\":27.699999999999999}");
    assertThat(d.requester()).isEqualTo(org.id().value());
    assertThat(d.agent()).isEqualTo(setup.node().id().value());
    assertThat(d.batchSize()).isEqualTo(1);

    Veriflow.Captured v = Veriflow.capture("decision", "verify", "--node=" + url, id);
    assertThat(v.exitCode()).as(v.out() + v.err()).isZero();
    assertThat(v.out()).contains("ok      proof:").contains("ok      replay:").contains("exactly as logged");

    // The whole lineage, from the decision down to the readings' signatures and the blocks.
    Path prov = tmp.resolve("decision.prov.json");
    Veriflow.Captured audit = Veriflow.capture("audit", "decision", id, "--node=" + url, "--prov", prov.toString());
    assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
    assertThat(audit.out()).doesNotContain("FAILED");
    assertThat(prov).exists();
  }

  @Test
  void batchedPredictions_shareOneRoot_eachWithItsOwnProof() throws Exception {
    List<String> inputs = List.of("{\"temperature\":31.2}", "{\"temperature\":28.3}", "{\"temperature\":27.7}",
        "{\"temperature\":26.5}", "{\"temperature\":24.8}");
    Responses.Predictions batch = client.models().predict("humidity-v1", inputs, true, org);
    assertThat(batch.decisions()).hasSize(5);
    for (int i = 0; i < 5; i++) {
      Responses.Decision d = client.models().verifyDecision(batch.decisions().get(i).decisionId());
      assertThat(d.index()).isEqualTo(i);
      assertThat(d.batchSize()).isEqualTo(5);
      assertThat(d.batchRoot()).isEqualTo(batch.batchRoot());
      assertThat(d.txId()).isEqualTo(batch.txId());
      assertThat(DecisionReplay.replay(client, d, java.util.Optional.empty()).passed()).isTrue();
    }
  }

  @Test
  void aDecisionThatDidNotKeepItsInput_replaysOnlyWithTheSameInput() {
    Responses.Predictions p = client.models().predict("humidity-v1", List.of("{\"temperature\": 26.5}"), false, org);
    String id = p.decisions().get(0).decisionId();
    assertThat(client.models().decision(id).input()).isEmpty();

    Veriflow.Captured without = Veriflow.capture("decision", "verify", "--node=" + url, id);
    assertThat(without.exitCode()).isEqualTo(1);
    assertThat(without.out()).contains("did not keep its input");
    Veriflow.Captured other = Veriflow.capture("decision", "verify", "--node=" + url, id, "--input", "{\"temperature\": 26.6}");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.out()).contains("the decision logged digest");
    Veriflow.Captured same = Veriflow.capture("decision", "verify", "--node=" + url, id, "--input", "{\"temperature\":26.50}");
    assertThat(same.exitCode()).as(same.out()).isZero();
  }

  @Test
  void aLoggedOutputTheModelDoesNotGive_isCaughtByReplay() throws Exception {
    Responses.Predictions honest = client.models().predict("humidity-v1", List.of("{\"temperature\": 24.8}"), true, org);
    Decision real = Decision.parseFrom(client.models().decision(honest.decisions().get(0).decisionId()).decisionBytes());
    // An agent logs a flattering answer the model never gave; the contract cannot know, replay does.
    Decision lie = real.toBuilder().setOutput(ByteString.copyFromUtf8("{\"humidity\":45}")).setRequestId("lie-1").build();
    Responses.TxInfo logged = client.submit(orgTx().call("decisions", "log",
        LogDecisions.newBuilder().addDecisions(lie.toByteString()).build()), true);
    assertThat(logged.committed()).as(logged.toString()).isTrue();
    String id = MerkleHashes.leafHash(lie.toByteArray()).hex();

    Veriflow.Captured v = Veriflow.capture("decision", "verify", "--node=" + url, id);
    assertThat(v.exitCode()).isEqualTo(1);
    assertThat(v.out()).contains("ok      proof:").contains("FAILED  replay: the model answers {\"humidity\":")
        .contains("the decision logged {\"humidity\":45}");
  }

  @Test
  void predictionsRefused_withTheirCodes_andNothingLogged() {
    long height = client.latestBlock().height();
    assertRefused(() -> client.models().predict("no-such-model", List.of("{\"temperature\":1}"), false, org), 404, "UNKNOWN_MODEL");
    assertRefused(() -> client.models().predict("humidity-forged", List.of("{\"temperature\":1}"), false, org), 409, "MODEL_NOT_SERVABLE");
    assertRefused(() -> client.models().predict("humidity-v1", List.of("{\"humidity\":1}"), false, org), 400, "INVALID_INPUT");
    assertRefused(() -> client.models().predict("humidity-v1", List.of("{\"temperature\":\"warm\"}"), false, org), 400, "INVALID_INPUT");
    assertRefused(() -> client.models().predict("humidity-v1", List.of("[27]"), false, org), 400, "INVALID_INPUT");
    assertRefused(() -> client.models().predict("Bad_Id", List.of("{\"temperature\":1}"), false, org), 400, "INVALID_ID");
    assertRefused(() -> client.models().decision("00".repeat(32)), 404, "UNKNOWN_DECISION");
    assertThat(client.latestBlock().height()).isEqualTo(height);
  }

  @Test
  void predict_unsignedOrByAStranger_refusedWithTheirCodes_andNothingLogged() throws Exception {
    long height = client.latestBlock().height();
    byte[] body = "{\"input\":{\"temperature\":27.7},\"keepInput\":true}".getBytes(StandardCharsets.UTF_8);
    // As it was found: an anonymous request with the requester of one's choice in the body.
    byte[] claimed = ("{\"input\":{\"temperature\":27.7},\"requester\":\"" + org.id().value() + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/models/humidity-v1/predict"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(claimed)).build(), HttpResponse.BodyHandlers.ofString());
    assertProblem(anonymous, 401, "SIGNATURE_MISSING");
    // Signed by a key the chain has never registered.
    SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
    assertProblem(signedPredict(stranger, body, Hash.sha256(body)), 403, "UNKNOWN_SIGNER");
    assertRefused(() -> client.models().predict("humidity-v1", List.of("{\"temperature\":1}"), false, stranger), 403, "UNKNOWN_SIGNER");
    // Signed by a member, but over another body, or naming a requester.
    assertProblem(signedPredict(org, body, Hash.sha256(new byte[] {1})), 400, "BODY_MISMATCH");
    assertProblem(signedPredict(org, claimed, Hash.sha256(claimed)), 400, "INVALID_INPUT");
    assertThat(client.latestBlock().height()).isEqualTo(height);
  }

  @Test
  void predict_thirtyRequestsOfAThousandInputs_cutByTheVolumeLimit_withRetryAfter() throws Exception {
    SigningKey heavy = SigningKey.generate(SignatureAlgorithm.ED25519);
    assertThat(client.submit(new TransactionBuilder(chainId, setup.admin(), client.account(setup.admin().id().value()).nonce(), 10_000)
        .registerIdentity(heavy.publicKey(), IdentityKind.ORGANISATION, "Heavy user", List.of()), true).committed()).isTrue();
    List<String> inputs = java.util.Collections.nCopies(1000, "{\"temperature\":25.0}");
    int answered = 0;
    int limited = 0;
    for (int i = 0; i < 30; i++) {
      try {
        assertThat(client.models().predict("humidity-v1", inputs, false, heavy).decisions()).hasSize(1000);
        answered++;
      } catch (ClientException e) {
        assertThat(e.code()).isEqualTo("RATE_LIMITED");
        assertThat(e.status()).isEqualTo(429);
        limited++;
      }
    }
    // 10,000 inputs a minute by default: ten requests pass at once, then about one more every six seconds
    // (the bound leaves a slow machine a minute for the whole loop).
    assertThat(answered).isBetween(10, 20);
    assertThat(limited).isEqualTo(30 - answered);
    long height = client.latestBlock().height();
    byte[] body = ("{\"inputs\":[" + String.join(",", inputs) + "]}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> refused = signedPredict(heavy, body, Hash.sha256(body));
    assertProblem(refused, 429, "RATE_LIMITED");
    assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(s -> assertThat(s).isBetween(1L, 60L));
    assertThat(client.latestBlock().height()).isEqualTo(height);
    // Replaying another identity's captured request of 1,000 inputs twenty times spends none of that identity's rate.
    SigningKey victim = SigningKey.generate(SignatureAlgorithm.ED25519);
    assertThat(client.submit(new TransactionBuilder(chainId, setup.admin(), client.account(setup.admin().id().value()).nonce(), 10_000)
        .registerIdentity(victim.publicKey(), IdentityKind.ORGANISATION, "Victim", List.of()), true).committed()).isTrue();
    byte[] one = ("{\"inputs\":[" + String.join(",", inputs) + "]}").getBytes(StandardCharsets.UTF_8);
    String path = "/v1/models/humidity-v1/predict";
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    RequestSignature captured = RequestSignature.sign(victim, "POST", path, "", Hash.sha256(one), Instant.now().getEpochSecond(), nonce);
    HttpRequest replayable = HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
        .header(RequestSignature.BLOB_HEADER, captured.blob()).header("Signature-Input", captured.signatureInput())
        .header("Signature", captured.signatureHeader()).POST(HttpRequest.BodyPublishers.ofByteArray(one)).build();
    assertThat(HTTP.send(replayable, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> replayed = HTTP.send(replayable, HttpResponse.BodyHandlers.ofString());
      assertProblem(replayed, 409, "REQUEST_REPLAYED");
    }
    assertThat(client.models().predict("humidity-v1", java.util.Collections.nCopies(1000, "{\"temperature\":25.0}"), false, victim).decisions())
        .hasSize(1000);
    // Another identity is not limited by it.
    assertThat(client.models().predict("humidity-v1", List.of("{\"temperature\":25.0}"), false, org).decisions()).hasSize(1);
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final SecureRandom NONCES = new SecureRandom();

  /** A predict request for humidity-v1 signed by {@code key} with {@code signedBody} as its Veriflow-Blob. */
  private HttpResponse<String> signedPredict(SigningKey key, byte[] body, Hash signedBody) throws Exception {
    String path = "/v1/models/humidity-v1/predict";
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    RequestSignature s = RequestSignature.sign(key, "POST", path, "", signedBody, Instant.now().getEpochSecond(), nonce);
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
        .header(RequestSignature.BLOB_HEADER, s.blob()).header("Signature-Input", s.signatureInput()).header("Signature", s.signatureHeader())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("code").asText()).isEqualTo(code);
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ClientException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.status()).isEqualTo(status);
    });
  }

  private TransactionBuilder orgTx() {
    return new TransactionBuilder(chainId, org, client.account(org.id().value()).nonce(), 10_000);
  }

  private static String decisionId(String out) {
    Matcher m = DECISION.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }
}
