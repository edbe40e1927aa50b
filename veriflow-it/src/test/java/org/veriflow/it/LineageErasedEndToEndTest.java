package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.node.Node;
import org.veriflow.protocol.proto.contracts.IdentityKind;

/**
 * A stream snapshot published as a dataset, then erased: erasure destroys data, not its lineage, and
 * {@code lineage erased} lists the model trained on those bytes (matched by content hash) and not the
 * one trained on others.
 */
class LineageErasedEndToEndTest {
  private static final Pattern DATASET = Pattern.compile("dataset\\s+(\\S+)");

  @TempDir Path tmp;

  @Test
  void erasingADataset_listsTheModelsTrainedOnItsBytes_only() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-lineage", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    try (Node node = Node.start(AuditFixture.withoutVerifier(dir), Clock.systemUTC(), e -> { })) {
      String url = "http://127.0.0.1:" + node.httpPort();
      VeriflowClient client = new VeriflowClient(URI.create(url));
      SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
      String chainId = client.chain().chainId();
      assertThat(client.submit(new TransactionBuilder(chainId, setup.admin(), 0, 10_000)
          .registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();
      Path orgKey = tmp.resolve("org.key");
      Files.writeString(orgKey, KeyPem.encodePrivate(org));

      RoomModel room = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(1), 5L);
      List<SensorDevice> devices = SensorDevice.generate("sensor", 2, SignatureAlgorithm.ED25519, new SecureRandom());
      List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(room, devices, "room", Instant.now());
      StreamAdmin admin = new StreamAdmin(client, org);
      admin.create(SensorSimulator.stream("room", room, SensorSimulator.DEFAULT_WINDOW));
      admin.registerDevices("room", devices);
      Gateway gateway = new Gateway(client, org, 100);
      gateway.submit("room", SensorSimulator.signed(night), ProgressListener.NONE);
      // Ten readings sent twice: the stream holds illegal readings (DUPLICATE) next to the legal ones.
      gateway.submit("room", SensorSimulator.signed(night).subList(0, 10), ProgressListener.NONE);
      long middle = night.get(night.size() / 2).reading().getTimestampMillis();
      String whole = snapshot(client, chainId, org, Long.MIN_VALUE, Long.MAX_VALUE);
      String firstHalf = snapshot(client, chainId, org, Long.MIN_VALUE, middle);
      train(url, orgKey, client, whole, "humidity-whole");
      train(url, orgKey, client, firstHalf, "humidity-half");

      // The whole hour's snapshot, published as a dataset: the same bytes the first model was trained on.
      Veriflow.Captured both = Veriflow.capture("dataset", "publish", "--node=" + url, "--key", orgKey.toString(), "--snapshot", whole,
          "--file", tmp.resolve("x.csv").toString(), "--title", "Room night");
      assertThat(both.exitCode()).isEqualTo(2);
      assertThat(both.err()).contains("exactly one of --file FILE or --snapshot ID");
      Veriflow.Captured published = Veriflow.capture("dataset", "publish", "--node=" + url, "--key", orgKey.toString(),
          "--snapshot", whole, "--title", "Room night", "--purpose", "research");
      assertThat(published.exitCode()).as(published.err()).isZero();
      Matcher m = DATASET.matcher(published.out());
      assertThat(m.find()).as(published.out()).isTrue();
      String dataset = m.group(1);
      Responses.DatasetVersion version = client.datasets().version(dataset, 1);
      assertThat(version.snapshotId()).isEqualTo(whole);
      assertThat(version.plaintextSha256()).isEqualTo(client.streams().snapshot(whole).csvSha256());
      assertThat(version.quality().rows()).isEqualTo(night.size());
      assertThat(version.quality().illegalReadingRate()).isEqualTo(10.0 / (night.size() + 10));

      Veriflow.Captured before = Veriflow.capture("lineage", "erased", "--node=" + url);
      assertThat(before.exitCode()).isZero();
      assertThat(before.out()).isEqualTo("no model was trained on erased data (0 erased dataset versions)" + System.lineSeparator());
      assertThat(before.err()).isEmpty();

      Veriflow.Captured erase = Veriflow.capture("dataset", "erase", dataset, "--dataset-version", "1", "--reason", "consent withdrawn",
          "--node=" + url, "--key", orgKey.toString());
      assertThat(erase.exitCode()).as(erase.err()).isZero();

      Veriflow.Captured after = Veriflow.capture("lineage", "erased", "--node=" + url);
      assertThat(after.exitCode()).isZero();
      assertThat(after.out()).contains("model humidity-whole (REGISTERED, trainer " + org.id().value() + ") was trained on snapshot " + whole)
          .contains("dataset " + dataset + " version 1, erased at height").contains("(consent withdrawn)")
          .doesNotContain("humidity-half");
      assertThat(after.out()).contains("1 model trained on erased data (1 erased dataset version)");

      Veriflow.Captured json = Veriflow.capture("lineage", "erased", "--node=" + url, "--output", "json");
      assertThat(json.exitCode()).as(json.err()).isZero();
      com.fasterxml.jackson.databind.JsonNode listed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
      assertThat(listed.get("erasedVersions").asInt()).isEqualTo(1);
      assertThat(listed.get("affectedModels").asInt()).isEqualTo(1);
      assertThat(listed.get("models")).hasSize(1);
      com.fasterxml.jackson.databind.JsonNode row = listed.get("models").get(0);
      assertThat(row.get("modelId").asText()).isEqualTo("humidity-whole");
      assertThat(row.get("stage").asText()).isEqualTo("REGISTERED");
      assertThat(row.get("datasetId").asText()).isEqualTo(dataset);
      assertThat(row.get("version").asLong()).isEqualTo(1);
      assertThat(row.get("reason").asText()).isEqualTo("consent withdrawn");
      assertThat(row.fieldNames()).toIterable().containsExactly("modelId", "stage", "trainer", "snapshotId", "csvSha256", "datasetId", "version",
          "erasedHeight", "erasedBy", "reason");
    }
  }

  private static String snapshot(VeriflowClient client, String chainId, SigningKey org, long from, long to) {
    TransactionBuilder tx = new TransactionBuilder(chainId, org, client.account(org.id().value()).nonce(), 10_000);
    Responses.TxInfo info = client.submit(tx.snapshot("room", from, to, "room"), true);
    assertThat(info.committed()).isTrue();
    return info.id();
  }

  private void train(String url, Path orgKey, VeriflowClient client, String snapshot, String id) throws Exception {
    Responses.Snapshot snap = client.streams().snapshot(snapshot);
    Path recipe = tmp.resolve(id + ".json");
    Files.writeString(recipe, "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
        + "\"data\":{\"reference\":\"" + snapshot + "\",\"sha256\":\"" + snap.csvSha256() + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":3,\"hiddenLayers\":[4]},\"seed\":1}");
    Veriflow.Captured train = Veriflow.capture("model", "train", "--node=" + url, "--key", orgKey.toString(), "--recipe", recipe.toString(),
        "--id", id, "--out", tmp.resolve("models").toString());
    assertThat(train.exitCode()).as(train.err()).isZero();
  }
}
