package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * Train on a chain-verified snapshot and record the model; the node's verifier proves it by replay
 * and catches a lying trainer. With the verifier off, a validator does the same by hand with {@code
 * model replay}.
 */
class TrainReplayEndToEndTest {

  @TempDir Path tmp;

  /** A node, an organisation with a stream of an hour of simulated readings, a snapshot and a recipe over it. */
  private record Fixture(NodeSetup.Result setup, VeriflowClient client, String url, SigningKey org, Responses.Snapshot snap, Path recipe) {}

  private Fixture fixture(Node node, NodeSetup.Result setup) throws Exception {
    String url = "http://127.0.0.1:" + node.httpPort();
    VeriflowClient client = new VeriflowClient(URI.create(url));
    SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
    String chainId = client.chain().chainId();
    assertThat(client.submit(new TransactionBuilder(chainId, setup.admin(), 0, 10_000)
        .registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();

    RoomModel model = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(1), 11L);
    List<SensorDevice> devices = SensorDevice.generate("sensor", 2, SignatureAlgorithm.ED25519, new SecureRandom());
    List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(model, devices, "room", Instant.now());
    StreamAdmin admin = new StreamAdmin(client, org);
    admin.create(SensorSimulator.stream("room", model, SensorSimulator.DEFAULT_WINDOW));
    admin.registerDevices("room", devices);
    new Gateway(client, org, 100).submit("room", SensorSimulator.signed(night), ProgressListener.NONE);
    TransactionBuilder orgTx = new TransactionBuilder(chainId, org, client.account(org.id().value()).nonce(), 10_000);
    String snapshotId = client.submit(orgTx.snapshot("room", Long.MIN_VALUE, Long.MAX_VALUE, "first hour"), true).id();
    Responses.Snapshot snap = client.streams().snapshot(snapshotId);
    assertThat(snap.rowCount()).isEqualTo(night.size());

    Path recipe = tmp.resolve("recipe.json");
    Files.writeString(recipe, "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
        + "\"data\":{\"reference\":\"" + snapshotId + "\",\"sha256\":\"" + snap.csvSha256() + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":15,\"hiddenLayers\":[16]},\"seed\":3}");
    Files.writeString(tmp.resolve("org.key"), KeyPem.encodePrivate(org));
    return new Fixture(setup, client, url, org, snap, recipe);
  }

  /** {@code model train} through the CLI; returns the registered model. */
  private Responses.Model train(Fixture f, String id) throws Exception {
    Veriflow.Captured train = Veriflow.capture("model", "train", "--node=" + f.url(), "--key", tmp.resolve("org.key").toString(),
        "--recipe", f.recipe().toString(), "--id", id, "--out", tmp.resolve("models").toString());
    assertThat(train.exitCode()).as(train.err()).isZero();
    assertThat(train.err()).as("progress on standard error, one line per tenth").contains("training: 100% (15/15)").contains("training: done, 15");
    assertThat(train.out()).as("standard output holds only the transaction id").matches("[0-9a-f]{64}\\R");
    Responses.Model trained = f.client().models().model(id);
    assertThat(trained.metrics()).containsKey("train.mse");
    assertThat(Hash.sha256(Files.readAllBytes(tmp.resolve("models/" + id + "/model.bin"))).hex()).isEqualTo(trained.artifactSha256());
    assertThat(tmp.resolve("models/" + id + "/loss-curve.png")).exists();
    return trained;
  }

  /** Registers, with the organisation's key, the model's recipe and dataset with an artifact the recipe does not produce. */
  private static void registerForged(Fixture f, String from, String id) {
    byte[] recipeBytes = f.client().models().modelRecipe(from);
    String chainId = f.setup().chainId();
    // The CLI's train spent the organisation's nonces: build on the node's current nonce.
    TransactionBuilder orgTx = new TransactionBuilder(chainId, f.org(), f.client().account(f.org().id().value()).nonce(), 10_000);
    assertThat(f.client().submit(orgTx.registerModel(RegisterModel.newBuilder().setModelId(id)
        .setRecipe(ByteString.copyFrom(recipeBytes)).setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipeBytes).bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(f.snap().snapshotId()).setCsvSha256(ByteString.copyFrom(Hex.decode(f.snap().csvSha256())))
            .setReadingsRoot(ByteString.copyFrom(Hex.decode(f.snap().readingsRoot()))))
        .setArtifactSha256(ByteString.copyFrom(Hash.sha256("a better-looking model".getBytes()).bytes()))
        .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[0]).bytes())).setEngineVersion("veriflow-ml/0.1.0").build()), true).committed()).isTrue();
  }

  /** The model's record once a validator has attested it (its block committed on {@code node}). */
  private static Responses.Model awaitAttested(Node node, VeriflowClient client, String id) throws InterruptedException {
    Commits.awaitModel(node, id, "attested", m -> m.getAttestationsCount() > 0);
    return client.models().model(id);
  }

  @Test
  void train_theNodesVerifierReplays_verifiesAnHonestModel_andRejectsAnArtifactTheRecipeDoesNotProduce() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-train", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { })) {
      Fixture f = fixture(node, setup);
      String validator = setup.node().id().value();
      Responses.Model trained = train(f, "humidity-v1");

      // Nobody asks: the node's verifier replays the training from the chain alone and gets the same artifact.
      Responses.Model verified = awaitAttested(node, f.client(), "humidity-v1");
      assertThat(verified.stage()).isEqualTo("VERIFIED");
      assertThat(verified.attestations()).singleElement().satisfies(a -> {
        assertThat(a.validator()).isEqualTo(validator);
        assertThat(a.match()).isTrue();
        assertThat(a.artifactSha256()).isEqualTo(trained.artifactSha256());
      });

      // A trainer records an artifact the recipe does not produce: the replay differs and rejects the model.
      registerForged(f, "humidity-v1", "humidity-forged");
      Responses.Model forged = awaitAttested(node, f.client(), "humidity-forged");
      assertThat(forged.stage()).isEqualTo("REJECTED");
      assertThat(forged.attestations()).singleElement().satisfies(a -> {
        assertThat(a.validator()).isEqualTo(validator);
        assertThat(a.match()).isFalse();
        assertThat(a.artifactSha256()).isEqualTo(trained.artifactSha256());
      });
      assertThat(forged.history().get(forged.history().size() - 1).reason())
          .isEqualTo("replay by " + validator + " gave artifact " + trained.artifactSha256() + ", the record says " + forged.artifactSha256());

      // Still exactly one attestation each once later blocks have come and gone.
      registerForged(f, "humidity-v1", "humidity-forged-2");
      awaitAttested(node, f.client(), "humidity-forged-2");
      assertThat(f.client().models().model("humidity-v1").attestations()).hasSize(1);
      assertThat(f.client().models().model("humidity-forged").attestations()).hasSize(1);
    }
  }

  @Test
  void manualReplay_withTheVerifierOff_verifiesAnHonestModel_andRejectsAnArtifactTheRecipeDoesNotProduce() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-train", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.VERIFIER_ENABLED.name(), "false")), Clock.systemUTC(), e -> { })) {
      Fixture f = fixture(node, setup);
      train(f, "humidity-v1");
      assertThat(f.client().models().model("humidity-v1").stage()).isEqualTo("REGISTERED");
      String nodeOpt = "--node=" + f.url();

      // The validator (the node's key) replays the training from the chain alone and gets the same artifact.
      Path validatorKey = dir.resolve("keys/node.key");
      Veriflow.Captured replay = Veriflow.capture("model", "replay", nodeOpt, "--key", validatorKey.toString(), "humidity-v1",
          "--work", tmp.resolve("replay").toString());
      assertThat(replay.exitCode()).as(replay.err()).isZero();
      assertThat(replay.out()).contains("replay gives the recorded artifact");
      assertThat(f.client().models().model("humidity-v1").stage()).isEqualTo("VERIFIED");

      registerForged(f, "humidity-v1", "humidity-forged");
      Veriflow.Captured caught = Veriflow.capture("model", "replay", nodeOpt, "--key", validatorKey.toString(), "humidity-forged",
          "--work", tmp.resolve("replay2").toString());
      assertThat(caught.exitCode()).as(caught.err()).isZero();
      assertThat(caught.out()).contains("the record says");
      Responses.Model forged = f.client().models().model("humidity-forged");
      assertThat(forged.stage()).isEqualTo("REJECTED");
      assertThat(forged.attestations()).singleElement().satisfies(a -> assertThat(a.match()).isFalse());
      assertThat(forged.history().get(forged.history().size() - 1).reason()).contains("replay by");
    }
  }
}
