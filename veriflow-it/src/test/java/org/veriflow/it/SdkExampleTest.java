package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.cli.NodeSetup;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionStatus;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The example of veriflow-client/README.md, run against a real node: an organisation, a stream with
 * two device-signed sensors, a gateway forwarding their readings, the ledger's verdicts, a snapshot
 * whose export is checked against the chain, and the snapshot transaction's inclusion proof checked
 * offline. If this test changes, the README changes with it.
 */
class SdkExampleTest {
  @TempDir Path dir;

  @Test
  void readmeExample_readingsThroughAGateway_areJudgedSnapshottedAndProved() throws Exception {
    NodeSetup.Result setup = NodeSetup.init(dir.resolve("node"), "sdk-example", 0, SignatureAlgorithm.ED25519, Instant.now(), NodeSetup.Transport.INSECURE);
    try (Node node = Node.start(NodeConfig.load(setup.dir(), Map.of(), Map.of()), Clock.systemUTC(), e -> { })) {
      String url = "http://127.0.0.1:" + node.httpPort();
      SigningKey admin = setup.admin();

      // --- the README's example, from here ---
      VeriflowClient client = new VeriflowClient(URI.create(url));

      // An administrator registers an organisation; a Session counts the administrator's nonces.
      SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
      Session adminSession = new Session(client, admin);
      Responses.TxInfo registered = adminSession.submit(
          b -> b.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Acme Sensors", List.of()), true);

      // The organisation creates a stream and registers two sensors, each with a key of its own.
      StreamAdmin streams = new StreamAdmin(client, org);
      streams.create(CreateStream.newBuilder().setStreamId("room-1").setDescription("a closed room")
          .addFields(FieldSpec.newBuilder().setName("temperature").setUnit("C").setMin(-40).setMax(85).setDecimals(2))
          .addFields(FieldSpec.newBuilder().setName("humidity").setUnit("%RH").setMin(0).setMax(100).setDecimals(2))
          .setSamplingIntervalMillis(30_000).build());
      List<SensorDevice> sensors = SensorDevice.generate("sensor", 2, SignatureAlgorithm.P256, new SecureRandom());
      streams.registerDevices("room-1", sensors);

      // Each sensor signs its own readings; the gateway only forwards them, in batches.
      long now = System.currentTimeMillis();
      List<SignedReading> readings = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        for (SensorDevice s : sensors) {
          readings.add(Readings.sign(Readings.reading("room-1", s.id(), i, now - (10 - i) * 30_000L, List.of(21.5, 48.0 + i)), s.key()));
        }
      }
      new Gateway(client, org, Limits.READINGS_PER_BATCH).submit("room-1", readings, ProgressListener.NONE);

      // The ledger's verdicts, reading by reading.
      Map<String, Long> verdicts = client.streams().streamStats("room-1").totals();

      // A snapshot of the legal readings, its export checked against the hashes on chain.
      Responses.TxInfo snapshot = new Session(client, org).submit(
          b -> b.snapshot("room-1", Long.MIN_VALUE, Long.MAX_VALUE, "the first five minutes"), true);
      Responses.SnapshotExport export = client.streams().exportSnapshot(snapshot.id(), dir.resolve("room-1.csv"));

      // The snapshot transaction is in the log: its block's signature and its inclusion proof, checked here.
      Responses.TxInfo proved = client.verifyInclusion(snapshot.id());
      // --- to here ---

      assertThat(TransactionStatus.of(registered)).isEqualTo(TransactionStatus.COMMITTED);
      assertThat(verdicts).containsEntry("LEGAL", 20L).hasSize(1);
      assertThat(TransactionStatus.of(snapshot)).isEqualTo(TransactionStatus.COMMITTED);
      assertThat(export.rows()).isEqualTo(20);
      assertThat(export.csvSha256()).isEqualTo(export.snapshot().csvSha256());
      assertThat(proved.id()).isEqualTo(snapshot.id());
      assertThat(proved.height()).isEqualTo(snapshot.height());
    }
  }
}
