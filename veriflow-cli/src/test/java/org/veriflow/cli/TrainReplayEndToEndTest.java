package org.veriflow.cli;

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
import org.veriflow.cli.sensors.Gateway;
import org.veriflow.cli.sensors.RoomModel;
import org.veriflow.cli.sensors.SensorDevice;
import org.veriflow.cli.sensors.SensorSimulator;
import org.veriflow.cli.sensors.StreamAdmin;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.core.proto.contracts.IdentityKind;
import org.veriflow.core.proto.models.DatasetRef;
import org.veriflow.core.proto.models.RegisterModel;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/** Train on a chain-verified snapshot, record the model, and prove it by replay; a lying trainer is caught. */
class TrainReplayEndToEndTest {
  @TempDir Path tmp;

  @Test
  void trainThenReplay_verifiesAnHonestModel_andRejectsAnArtifactTheRecipeDoesNotProduce() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-train", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"));
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { })) {
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
      new Gateway(client, org, 100).submit("room", SensorSimulator.signed(night), b -> { });
      TransactionBuilder orgTx = new TransactionBuilder(chainId, org, client.account(org.id().value()).nonce(), 10_000);
      String snapshotId = client.submit(orgTx.snapshot("room", Long.MIN_VALUE, Long.MAX_VALUE, "first hour"), true).id();
      Responses.Snapshot snap = client.snapshot(snapshotId);
      assertThat(snap.rowCount()).isEqualTo(night.size());

      Path recipe = tmp.resolve("recipe.json");
      Files.writeString(recipe, "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
          + "\"data\":{\"reference\":\"" + snapshotId + "\",\"sha256\":\"" + snap.csvSha256() + "\"},"
          + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
          + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":15,\"hiddenLayers\":[16]},\"seed\":3}");
      Files.writeString(tmp.resolve("org.key"), KeyPem.encodePrivate(org));
      String nodeOpt = "--node=" + url;
      CliRunner.Outcome train = CliRunner.run("model", "train", nodeOpt, "--key", tmp.resolve("org.key").toString(),
          "--recipe", recipe.toString(), "--id", "humidity-v1", "--out", tmp.resolve("models").toString());
      assertThat(train.exitCode()).as(train.err()).isZero();
      assertThat(train.out()).contains("epoch 15/15");
      Responses.Model trained = client.model("humidity-v1");
      assertThat(trained.stage()).isEqualTo("REGISTERED");
      assertThat(trained.metrics()).containsKey("train.mse");
      assertThat(Hash.sha256(Files.readAllBytes(tmp.resolve("models/humidity-v1/model.bin"))).hex()).isEqualTo(trained.artifactSha256());
      assertThat(tmp.resolve("models/humidity-v1/loss-curve.png")).exists();

      // The validator (the node's key) replays the training from the chain alone and gets the same artifact.
      Path validatorKey = dir.resolve("keys/node.key");
      CliRunner.Outcome replay = CliRunner.run("model", "replay", nodeOpt, "--key", validatorKey.toString(), "humidity-v1",
          "--work", tmp.resolve("replay").toString());
      assertThat(replay.exitCode()).as(replay.err()).isZero();
      assertThat(replay.out()).contains("replay gives the recorded artifact");
      assertThat(client.model("humidity-v1").stage()).isEqualTo("VERIFIED");

      // A trainer records an artifact the recipe does not produce: the replay differs and rejects the model.
      byte[] recipeBytes = client.modelRecipe("humidity-v1");
      // The CLI's train spent the organisation's nonces: build on the node's current nonce.
      orgTx = new TransactionBuilder(chainId, org, client.account(org.id().value()).nonce(), 10_000);
      assertThat(client.submit(orgTx.registerModel(RegisterModel.newBuilder().setModelId("humidity-forged")
          .setRecipe(ByteString.copyFrom(recipeBytes)).setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipeBytes).bytes()))
          .addDatasets(DatasetRef.newBuilder().setSnapshotId(snapshotId).setCsvSha256(ByteString.copyFrom(Hex.decode(snap.csvSha256())))
              .setReadingsRoot(ByteString.copyFrom(Hex.decode(snap.readingsRoot()))))
          .setArtifactSha256(ByteString.copyFrom(Hash.sha256("a better-looking model".getBytes()).bytes()))
          .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[0]).bytes())).setEngineVersion("veriflow-ml/0.1.0").build()), true).committed()).isTrue();
      CliRunner.Outcome caught = CliRunner.run("model", "replay", nodeOpt, "--key", validatorKey.toString(), "humidity-forged",
          "--work", tmp.resolve("replay2").toString());
      assertThat(caught.exitCode()).as(caught.err()).isZero();
      assertThat(caught.out()).contains("the record says");
      Responses.Model forged = client.model("humidity-forged");
      assertThat(forged.stage()).isEqualTo("REJECTED");
      assertThat(forged.history().get(forged.history().size() - 1).reason()).contains("replay by");
    }
  }
}
