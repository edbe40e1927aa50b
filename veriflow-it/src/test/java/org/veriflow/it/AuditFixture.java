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
import java.util.Map;
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
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.contracts.IdentityKind;

/**
 * A node with the verifier off, a two-device stream with two hours of signed readings, a snapshot of
 * them, and model {@code humidity-v1} trained on it with the CLI and replayed by hand by the node's
 * validator key (so VERIFIED). Shared by the audit tests.
 */
final class AuditFixture implements AutoCloseable {
  final Path tmp;
  final Node node;
  final VeriflowClient client;
  final String url;
  final SigningKey org;
  final NodeSetup.Result setup;
  final String chainId;
  final String snapshotId;
  final Responses.Snapshot snap;
  final List<SensorDevice> devices;
  final int readings;

  /** The node's verifier off, so that the test replays by hand (as a validator would). */
  static NodeConfig withoutVerifier(Path dir) {
    return NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.VERIFIER_ENABLED.name(), "false"));
  }

  AuditFixture(Path tmp, String chain) throws Exception {
    this.tmp = tmp;
    Path dir = tmp.resolve("node");
    setup = NodeSetup.init(dir, chain, 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    node = Node.start(withoutVerifier(dir), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
    client = new VeriflowClient(URI.create(url));
    org = SigningKey.generate(SignatureAlgorithm.ED25519);
    chainId = client.chain().chainId();
    assertThat(client.submit(new TransactionBuilder(chainId, setup.admin(), 0, 10_000)
        .registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();

    RoomModel room = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(2), 23L);
    devices = SensorDevice.generate("sensor", 2, SignatureAlgorithm.ED25519, new SecureRandom());
    List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(room, devices, "room", Instant.now());
    readings = night.size();
    StreamAdmin admin = new StreamAdmin(client, org);
    admin.create(SensorSimulator.stream("room", room, SensorSimulator.DEFAULT_WINDOW));
    admin.registerDevices("room", devices);
    new Gateway(client, org, 100).submit("room", SensorSimulator.signed(night), ProgressListener.NONE);
    snapshotId = client.submit(orgTx().snapshot("room", Long.MIN_VALUE, Long.MAX_VALUE, "two hours"), true).id();
    snap = client.streams().snapshot(snapshotId);
    assertThat(snap.rowCount()).isEqualTo(readings);

    Path recipe = tmp.resolve("recipe.json");
    Files.writeString(recipe, "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
        + "\"data\":{\"reference\":\"" + snapshotId + "\",\"sha256\":\"" + snap.csvSha256() + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":8,\"hiddenLayers\":[8]},\"seed\":3}");
    Files.writeString(tmp.resolve("org.key"), KeyPem.encodePrivate(org));
    Veriflow.Captured train = Veriflow.capture("model", "train", "--node=" + url, "--key", tmp.resolve("org.key").toString(),
        "--recipe", recipe.toString(), "--id", "humidity-v1", "--out", tmp.resolve("models").toString());
    assertThat(train.exitCode()).as(train.err()).isZero();
    replay("humidity-v1");
    assertThat(client.models().model("humidity-v1").stage()).isEqualTo("VERIFIED");
  }

  TransactionBuilder orgTx() {
    return new TransactionBuilder(chainId, org, client.account(org.id().value()).nonce(), 10_000);
  }

  /** {@code model replay} with the node's validator key. */
  void replay(String model) {
    Veriflow.Captured r = Veriflow.capture("model", "replay", "--node=" + url, "--key", tmp.resolve("node/keys/node.key").toString(), model,
        "--work", tmp.resolve("replay-" + model).toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @Override
  public void close() {
    node.close();
  }
}
