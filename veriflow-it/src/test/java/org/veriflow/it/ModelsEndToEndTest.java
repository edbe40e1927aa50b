package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/** Models on chain through a real node: provenance checked against the snapshot, replay attestations, stages. */
class ModelsEndToEndTest {
  @TempDir Path tmp;

  @Test
  void models_provenanceAttestationsAndStages() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-models", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    // The test attests by hand with the node's key: the node's own verifier would attest first.
    Map<String, String> verifierOff = Map.of(NodeConfig.VERIFIER_ENABLED.name(), "false");
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), verifierOff), Clock.systemUTC(), e -> { })) {
      String url = "http://127.0.0.1:" + node.httpPort();
      VeriflowClient client = new VeriflowClient(URI.create(url));
      SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
      SigningKey member = SigningKey.generate(SignatureAlgorithm.ED25519);
      SigningKey device = SigningKey.generate(SignatureAlgorithm.P256);
      String chainId = client.chain().chainId();
      TransactionBuilder admin = new TransactionBuilder(chainId, setup.admin(), 0, 10_000);
      TransactionBuilder orgTx = new TransactionBuilder(chainId, org, 0, 10_000);
      assertThat(client.submit(admin.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();
      assertThat(client.submit(orgTx.registerIdentity(member.publicKey(), IdentityKind.MEMBER, "Ann", List.of()), true).committed()).isTrue();

      // A dataset: a stream, a device, three signed readings, a snapshot in a later block.
      assertThat(client.submit(orgTx.createStream(CreateStream.newBuilder().setStreamId("room").setSamplingIntervalMillis(30_000)
          .addFields(FieldSpec.newBuilder().setName("temperature").setUnit("C").setMin(-40).setMax(85).setDecimals(2)).build()), true).committed()).isTrue();
      assertThat(client.submit(orgTx.registerDevice("room", device.publicKey(), "t1"), true).committed()).isTrue();
      long t0 = 1_700_000_000_000L;
      assertThat(client.submit(orgTx.submitReadings("room", List.of(
          Readings.sign(Reading.newBuilder().setStreamId("room").setDeviceId(device.id().value()).setSequence(1).setTimestampMillis(t0).addValues(25.0).build(), device),
          Readings.sign(Reading.newBuilder().setStreamId("room").setDeviceId(device.id().value()).setSequence(2).setTimestampMillis(t0 + 30_000).addValues(24.8).build(), device))), true).committed()).isTrue();
      String snapshotId = client.submit(orgTx.snapshot("room", t0, t0 + 60_000, "night"), true).id();
      Responses.Snapshot snap = client.streams().snapshot(snapshotId);
      assertThat(snap.rowCount()).isEqualTo(2);

      byte[] recipe = "{\"algorithm\":\"mlp-regressor\",\"dataset\":\"night\",\"seed\":7}".getBytes(StandardCharsets.UTF_8);
      Hash artifact = Hash.sha256("model file".getBytes(StandardCharsets.UTF_8));
      RegisterModel.Builder model = RegisterModel.newBuilder().setModelId("humidity-v1").setRecipe(ByteString.copyFrom(recipe))
          .setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
          .addDatasets(DatasetRef.newBuilder().setSnapshotId(snapshotId)
              .setCsvSha256(ByteString.copyFrom(Hex.decode(snap.csvSha256()))).setReadingsRoot(ByteString.copyFrom(Hex.decode(snap.readingsRoot()))))
          .setArtifactSha256(ByteString.copyFrom(artifact.bytes()))
          .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[] {1}).bytes()))
          .addMetrics(Metric.newBuilder().setName("mse").setValue(0.42)).setEngineVersion("veriflow-ml 1");
      assertThat(client.submit(orgTx.registerModel(model.build()), true).committed()).isTrue();

      // A lie: the record claims other data than the snapshot holds.
      RegisterModel.Builder lie = model.clone().setModelId("forged");
      lie.setDatasets(0, lie.getDatasets(0).toBuilder().setCsvSha256(ByteString.copyFrom(Hash.sha256(new byte[] {9}).bytes())));
      Responses.TxInfo forged = client.submit(orgTx.registerModel(lie.build()), true);
      assertThat(forged.status()).isEqualTo("FAILED");
      assertThat(forged.code()).contains("DATASET_MISMATCH");

      Files.writeString(tmp.resolve("admin.key"), KeyPem.encodePrivate(setup.admin()));
      Files.writeString(tmp.resolve("member.key"), KeyPem.encodePrivate(member));
      String nodeOpt = "--node=" + url;
      // Not verified yet: approval is an invalid transition.
      Veriflow.Captured early = Veriflow.capture("model", "stage", nodeOpt, "--key", tmp.resolve("admin.key").toString(), "humidity-v1", "--to", "approved");
      assertThat(early.exitCode()).isEqualTo(Veriflow.FAILURE);
      assertThat(early.err()).contains("INVALID_TRANSITION");

      // The node's key is the chain's validator: its replay gave the same artifact.
      // The node spends its own first nonce publishing its encryption key.
      TransactionBuilder validator = new TransactionBuilder(chainId, setup.node(), client.account(setup.node().id().value()).nonce(), 10_000);
      assertThat(client.submit(validator.attestModel("humidity-v1", artifact), true).committed()).isTrue();
      assertThat(client.models().model("humidity-v1").stage()).isEqualTo("VERIFIED");

      Veriflow.Captured unauthorised = Veriflow.capture("model", "stage", nodeOpt, "--key", tmp.resolve("member.key").toString(), "humidity-v1", "--to", "approved");
      assertThat(unauthorised.exitCode()).isEqualTo(Veriflow.FAILURE);
      assertThat(unauthorised.err()).contains("NOT_AUTHORISED");
      Veriflow.Captured approve = Veriflow.capture("model", "stage", nodeOpt, "--key", tmp.resolve("admin.key").toString(), "humidity-v1", "--to", "approved", "--reason", "release 1");
      assertThat(approve.exitCode()).as(approve.err()).isZero();

      Responses.Model m = client.models().model("humidity-v1");
      assertThat(m.stage()).isEqualTo("APPROVED");
      assertThat(m.history()).extracting(Responses.StageChange::to).containsExactly("REGISTERED", "VERIFIED", "APPROVED");
      assertThat(m.history().get(2).by()).isEqualTo(setup.admin().id().value());
      assertThat(m.history().get(2).reason()).isEqualTo("release 1");
      assertThat(m.snapshotIds()).containsExactly(snapshotId);
      assertThat(Veriflow.capture("model", "get", nodeOpt, "humidity-v1").out()).contains("VERIFIED -> APPROVED").contains("same artifact");

      // A trainer whose artifact is not what the recipe produces: the replay differs, the model is rejected.
      assertThat(client.submit(orgTx.registerModel(model.clone().setModelId("tampered").build()), true).committed()).isTrue();
      assertThat(client.submit(validator.attestModel("tampered", Hash.sha256("another file".getBytes(StandardCharsets.UTF_8))), true).committed()).isTrue();
      Responses.Model tampered = client.models().model("tampered");
      assertThat(tampered.stage()).isEqualTo("REJECTED");
      assertThat(tampered.attestations()).singleElement().satisfies(a -> assertThat(a.match()).isFalse());
    }
  }
}
