package org.veriflow.it;

import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.Attacker;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.Verdict;

/**
 * A seeded attack through a real node: the stream's rejection counts equal what the attacker did, by
 * reason, and no tampered value appears among the legal readings.
 */
class AttackAccountingTest {
  @TempDir Path tmp;

  @Test
  void seededAttack_rejectionCountsMatchThePlan_andNoTamperedValueIsLegal() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-attack", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { })) {
      VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
      SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
      Responses.ChainInfo chain = client.chain();
      assertThat(client.submit(new TransactionBuilder(chain.chainId(), setup.admin(), 0, 1000)
          .registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();

      // Two sensors, one hour of the night (120 readings each), seeded.
      RoomModel model = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(1), 20261121L);
      SecureRandom keys = SecureRandom.getInstance("SHA1PRNG");
      keys.setSeed(7);
      List<SensorDevice> devices = SensorDevice.generate("sensor", 2, SignatureAlgorithm.P256, keys);
      List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(model, devices, "room", Instant.now());
      CreateStream stream = SensorSimulator.stream("room", model, SensorSimulator.DEFAULT_WINDOW);
      StreamAdmin admin = new StreamAdmin(client, org);
      assertThat(admin.create(stream).committed()).isTrue();
      admin.registerDevices("room", devices);

      List<SignedReading> honest = SensorSimulator.signed(night);
      Gateway gateway = new Gateway(client, org, 100);
      gateway.submit("room", honest, ProgressListener.NONE);
      assertThat(client.streams().streamStats("room").totals()).containsOnly(Map.entry("LEGAL", (long) honest.size()));

      Attacker.Plan plan = Attacker.plan(honest, stream.getFieldsList(), 0.2, 99L,
          SensorDevice.generate("forger", 1, SignatureAlgorithm.ED25519, keys).get(0),
          SensorDevice.generate("intruder", 1, SignatureAlgorithm.ED25519, keys).get(0));
      assertThat(plan.counts().keySet()).containsExactlyInAnyOrder(Attacker.Kind.values());
      gateway.submit("room", plan.readings(), ProgressListener.NONE);

      Map<String, Long> totals = client.streams().streamStats("room").totals();
      Map<String, Long> rejected = new TreeMap<>(totals);
      rejected.remove("LEGAL");
      Map<String, Long> expected = new TreeMap<>();
      plan.expectedVerdicts().forEach((v, n) -> expected.put(v.name(), n.longValue()));
      assertThat(rejected).isEqualTo(expected);
      assertThat(totals.get("LEGAL")).isEqualTo(honest.size());

      // Every legal value is the honest device's own: none of the tampered or forged values got in.
      Set<String> honestValues = new HashSet<>();
      night.forEach(r -> honestValues.add(r.reading().getDeviceId() + "@" + r.reading().getSequence() + "=" + r.reading().getValuesList()));
      List<String> legal = new ArrayList<>();
      String cursor = null;
      do {
        Responses.ReadingPage page = client.streams().readings("room", null, Long.MIN_VALUE, Long.MAX_VALUE, 1000, cursor);
        page.readings().forEach(r -> legal.add(r.deviceId() + "@" + r.sequence() + "=" + r.values()));
        cursor = page.next().orElse(null);
      } while (cursor != null);
      assertThat(legal).hasSize(honest.size()).allMatch(honestValues::contains);
      for (Attacker.Attack a : plan.of(Attacker.Kind.ALTERED)) {
        assertThat(legal).doesNotContain(a.reading().getDeviceId() + "@" + a.reading().getSequence() + "=" + a.reading().getValuesList());
      }
      assertThat(plan.expectedVerdicts()).containsKeys(Verdict.BAD_SIGNATURE, Verdict.DUPLICATE, Verdict.UNKNOWN_DEVICE);
    }
  }
}
