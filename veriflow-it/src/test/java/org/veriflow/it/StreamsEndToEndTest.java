package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.protocol.proto.streams.Verdicts;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/** Sensor streams through a real node: verdicts, statistics, reading proofs, snapshots and exports. */
class StreamsEndToEndTest {
  @TempDir static Path tmp;
  static Node node;
  static VeriflowClient client;
  static String url;
  static NodeSetup.Result setup;
  static final SigningKey ORG = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final SigningKey THERMO = SigningKey.generate(SignatureAlgorithm.P256);
  static final SigningKey HYGRO = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final SigningKey STRANGER = SigningKey.generate(SignatureAlgorithm.ED25519);

  @BeforeAll
  static void start() throws Exception {
    Path dir = tmp.resolve("node");
    setup = NodeSetup.init(dir, "veriflow-streams", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
    client = new VeriflowClient(URI.create(url));
    assertThat(client.submit(builder(setup.admin()).registerIdentity(ORG.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();
    Files.writeString(tmp.resolve("org.key"), KeyPem.encodePrivate(ORG));
    Files.writeString(tmp.resolve("thermo.key"), KeyPem.encodePrivate(THERMO));
    Files.writeString(tmp.resolve("hygro.key"), KeyPem.encodePrivate(HYGRO));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static TransactionBuilder builder(SigningKey key) {
    Responses.ChainInfo chain = client.chain();
    return new TransactionBuilder(chain.chainId(), key, client.account(key.id().value()).nonce(), chain.height() + 100);
  }

  static SignedReading reading(SigningKey device, long seq, long time, double... values) {
    Reading.Builder r = Reading.newBuilder().setStreamId("room").setDeviceId(device.id().value()).setSequence(seq).setTimestampMillis(time);
    for (double v : values) {
      r.addValues(v);
    }
    return Readings.sign(r.build(), device);
  }

  @Test
  void streams_mixedBatch_verdictsStatsProofsAndSnapshots() throws Exception {
    String node = "--node=" + url;
    String orgKey = tmp.resolve("org.key").toString();
    Veriflow.Captured create = Veriflow.capture("stream", "create", node, "--key", orgKey, "--id", "room",
        "--field", "temperature:C:-40:85:2", "--field", "humidity:%RH:0:100:2", "--interval-ms", "30000", "--window-ms", "3600000");
    assertThat(create.exitCode()).as(create.err()).isZero();
    for (String device : List.of("thermo.key", "hygro.key")) {
      Veriflow.Captured add = Veriflow.capture("stream", "device", "add", node, "--key", orgKey, "--stream", "room", "--pubkey", tmp.resolve(device).toString());
      assertThat(add.exitCode()).as(add.err()).isZero();
    }

    long now = System.currentTimeMillis();
    SignedReading good1 = reading(THERMO, 1, now - 60_000, 24.5, 51.0);
    SignedReading good2 = reading(HYGRO, 1, now - 30_000, 24.4, 51.3);
    SignedReading good3 = reading(THERMO, 2, now - 1_000, 24.3, 51.6);
    SignedReading tampered = SignedReading.newBuilder(reading(HYGRO, 2, now, 24.2, 51.8))
        .setReading(reading(HYGRO, 2, now, 30.0, 51.8).getReading()).build();
    SignedReading unknown = reading(STRANGER, 1, now, 24.0, 52.0);
    SignedReading stale = reading(THERMO, 3, now - 7_200_000, 24.1, 52.0);
    SignedReading outOfRange = reading(HYGRO, 3, now, 24.1, 140.0);
    List<SignedReading> batch = List.of(good1, good2, good3, tampered, unknown, good1, stale, outOfRange);
    Responses.TxInfo tx = client.submit(builder(ORG).submitReadings("room", batch), true);
    assertThat(tx.status()).isEqualTo("COMMITTED");

    Verdicts verdicts = Verdicts.parseFrom(Base64.getDecoder().decode(
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(NodeEndToEndTest.http("GET", "/v1/transactions/" + tx.id(), null, url).body()).path("output").asText()));
    assertThat(verdicts.getVerdictsList()).containsExactly(Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL, Verdict.BAD_SIGNATURE,
        Verdict.UNKNOWN_DEVICE, Verdict.DUPLICATE, Verdict.TIME_OUT_OF_WINDOW, Verdict.SCHEMA_VIOLATION);

    Responses.StreamStats stats = client.streams().streamStats("room");
    assertThat(stats.totals()).containsEntry("LEGAL", 3L).containsEntry("BAD_SIGNATURE", 1L).containsEntry("UNKNOWN_DEVICE", 1L)
        .containsEntry("DUPLICATE", 1L).containsEntry("TIME_OUT_OF_WINDOW", 1L).containsEntry("SCHEMA_VIOLATION", 1L);
    assertThat(stats.devices().get(STRANGER.id().value())).containsEntry("UNKNOWN_DEVICE", 1L);
    Responses.ReadingPage legal = client.streams().readings("room", null, Long.MIN_VALUE, Long.MAX_VALUE, 100, null);
    assertThat(legal.readings()).extracting(Responses.StoredReading::sequence).containsExactly(1L, 1L, 2L);
    assertThat(legal.readings()).noneMatch(r -> r.values().contains(30.0) || r.values().contains(140.0));
    assertThat(client.streams().readings("room", THERMO.id().value(), Long.MIN_VALUE, Long.MAX_VALUE, 100, null).readings()).hasSize(2);

    // Evidence pages: five illegal readings, two per page, in the order they were judged.
    List<String> verdictsSeen = new java.util.ArrayList<>();
    String evidenceCursor = null;
    do {
      com.fasterxml.jackson.databind.JsonNode page = new com.fasterxml.jackson.databind.ObjectMapper().readTree(NodeEndToEndTest.http("GET",
          "/v1/streams/room/evidence?limit=2" + (evidenceCursor == null ? "" : "&cursor=" + evidenceCursor), null, url).body());
      page.path("evidence").forEach(e -> verdictsSeen.add(e.path("verdict").asText()));
      evidenceCursor = page.has("next") ? page.get("next").asText() : null;
    } while (evidenceCursor != null);
    assertThat(verdictsSeen).containsExactly("BAD_SIGNATURE", "UNKNOWN_DEVICE", "DUPLICATE", "TIME_OUT_OF_WINDOW", "SCHEMA_VIOLATION");

    String digest = Hash.sha256(good2.getReading().toByteArray()).hex();
    Veriflow.Captured proof = Veriflow.capture("reading", "proof", node, digest);
    assertThat(proof.exitCode()).as(proof.err()).isZero();
    assertThat(proof.out()).contains("reading proof verified");
    Veriflow.Captured proofJson = Veriflow.capture("reading", "proof", node, digest, "--output", "json");
    assertThat(proofJson.exitCode()).as(proofJson.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode proved = new com.fasterxml.jackson.databind.ObjectMapper().readTree(proofJson.out());
    assertThat(proved.fieldNames()).toIterable().containsExactly("digest", "deviceId", "sequence", "timestamp", "values", "transaction", "index",
        "height", "verified");
    assertThat(proved.get("digest").asText()).isEqualTo(digest);
    assertThat(proved.get("verified").asBoolean()).isTrue();
    assertThat(Veriflow.capture("reading", "proof", node, Hash.sha256(tampered.getReading().toByteArray()).hex()).exitCode()).isEqualTo(Veriflow.FAILURE);

    Veriflow.Captured snap = Veriflow.capture("dataset", "snapshot", node, "--key", orgKey, "--stream", "room",
        "--from", Long.toString(now - 3_600_000), "--to", Long.toString(now + 1));
    assertThat(snap.exitCode()).as(snap.err()).isZero();
    String snapshotId = snap.out().trim();
    assertThat(client.streams().snapshot(snapshotId).rowCount()).isEqualTo(3);
    Path csv = tmp.resolve("room.csv");
    Veriflow.Captured export = Veriflow.capture("dataset", "export", node, snapshotId, "--out", csv.toString());
    assertThat(export.exitCode()).as(export.err()).isZero();
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("timestamp_millis,device_id,sequence,temperature,humidity");
    assertThat(lines.get(1)).isEqualTo((now - 60_000) + "," + THERMO.id() + ",1,24.50,51.00");
    assertThat(Hash.sha256(Files.readAllBytes(csv)).hex()).isEqualTo(client.streams().snapshot(snapshotId).csvSha256());

    // A reading that arrives later inside the range is not part of the snapshot: the export still matches.
    assertThat(client.submit(builder(ORG).submitReadings("room", List.of(reading(THERMO, 3, now - 10_000, 24.2, 51.7))), true).committed()).isTrue();
    assertThat(client.streams().readings("room", null, now - 3_600_000, now + 1, 100, null).readings()).hasSize(4);
    Veriflow.Captured again = Veriflow.capture("dataset", "export", node, snapshotId, "--out", tmp.resolve("again.csv").toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(Files.readAllBytes(tmp.resolve("again.csv"))).isEqualTo(Files.readAllBytes(csv));

    // One changed byte in an export no longer matches the chain.
    byte[] bytes = Files.readAllBytes(csv);
    int at = new String(bytes, StandardCharsets.UTF_8).indexOf("24.50");
    bytes[at + 3] = (byte) '6';
    assertThat(Hash.sha256(bytes).hex()).isNotEqualTo(client.streams().snapshot(snapshotId).csvSha256());

    // A snapshot of the whole stream, its range open at both ends: the open bounds are left out of
    // the JSON, never sent as -2^63 and 2^63-1, which a JSON client reading doubles would round.
    Responses.TxInfo all = client.submit(builder(ORG).snapshot("room", Long.MIN_VALUE, Long.MAX_VALUE, "everything"), true);
    assertThat(all.committed()).as(all.toString()).isTrue();
    String allId = all.id();
    java.net.http.HttpResponse<String> raw = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create(url + "/v1/snapshots/" + allId)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isEqualTo(200);
    com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(raw.body());
    assertThat(body.has("from")).as(raw.body()).isFalse();
    assertThat(body.has("to")).as(raw.body()).isFalse();
    assertThat(raw.body()).doesNotContain("9223372036854775");
    Responses.Snapshot open = client.streams().snapshot(allId);
    assertThat(open.from()).isEqualTo(Long.MIN_VALUE);
    assertThat(open.to()).isEqualTo(Long.MAX_VALUE);
    assertThat(open.rowCount()).isEqualTo(4);
    Veriflow.Captured allExport = Veriflow.capture("dataset", "export", node, allId, "--out", tmp.resolve("all.csv").toString());
    assertThat(allExport.exitCode()).as(allExport.err()).isZero();
  }

}
