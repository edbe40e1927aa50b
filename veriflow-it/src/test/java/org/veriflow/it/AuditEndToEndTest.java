package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import org.veriflow.client.ProgressListener;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.audit.Audit;
import org.veriflow.client.audit.AuditCode;
import org.veriflow.client.audit.AuditReport;
import org.veriflow.client.audit.Check;
import org.veriflow.client.ClientException;
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
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * {@code veriflow audit model} on one node: signed readings → snapshot → train → replay by the
 * validator, then an audit that passes every link and writes PROV-JSON; and the lies it must name:
 * an artifact the recipe does not produce (rejected by replay), an artifact never uploaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private AuditFixture f;
  private VeriflowClient client;
  private String url;
  private String snapshotId;
  private Responses.Snapshot snap;
  private List<SensorDevice> devices;
  private int readings;

  @BeforeAll
  void trainAndReplay() throws Exception {
    f = new AuditFixture(tmp, "veriflow-audit");
    client = f.client;
    url = f.url;
    snapshotId = f.snapshotId;
    snap = f.snap;
    devices = f.devices;
    readings = f.readings;
  }

  @AfterAll
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private void register(String id, Hash artifact) {
    byte[] recipe = client.models().modelRecipe("humidity-v1");
    Responses.ModelDetail honest = client.models().modelDetail("humidity-v1");
    Responses.TxInfo tx = client.submit(f.orgTx().registerModel(RegisterModel.newBuilder().setModelId(id)
        .setRecipe(ByteString.copyFrom(recipe)).setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(snapshotId).setCsvSha256(ByteString.copyFrom(Hex.decode(snap.csvSha256())))
            .setReadingsRoot(ByteString.copyFrom(Hex.decode(snap.readingsRoot()))))
        .setArtifactSha256(ByteString.copyFrom(artifact.bytes()))
        .setLossCurveSha256(ByteString.copyFrom(Hex.decode(honest.lossCurveSha256()))).setEngineVersion("veriflow-ml/0.1.0").build()), true);
    assertThat(tx.committed()).as(tx.toString()).isTrue();
  }

  private static Check check(AuditReport report, String section, String name) {
    return report.checks().stream().filter(c -> c.section().startsWith(section) && c.name().startsWith(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check '" + name + "' in section '" + section + "':\n" + report.format()));
  }

  @Test
  void auditModel_verifiedModel_passesEveryLink_andWritesProvJson() throws Exception {
    Path prov = tmp.resolve("humidity-v1.prov.json");
    Veriflow.Captured a = Veriflow.capture("audit", "model", "--node=" + url, "humidity-v1", "--prov", prov.toString(),
        "--work", tmp.resolve("audit-work").toString());
    assertThat(a.exitCode()).as(a.out() + a.err()).isZero();
    assertThat(a.out()).contains("audit of model humidity-v1 on chain veriflow-audit")
        .contains("OK      registration transaction in the signed log")
        .contains("OK      registration signed by the trainer, carrying this record")
        .contains("OK      stage change REGISTERED -> VERIFIED")
        .contains("OK      data hash is the dataset's recorded CSV hash: " + snap.csvSha256())
        .contains("OK      an export from the chain's readings reproduces rows, CSV SHA-256 and readings root: " + readings + " rows")
        .contains("OK      device signatures verify with the registered keys: " + readings + " of " + readings + " signatures valid")
        .contains("OK      batch transactions in the signed log")
        .contains("OK      artifact reads as a model file of the record's engine: mlp-regressor")
        .contains("OK      stage is VERIFIED or APPROVED: VERIFIED: 1 of 1 validator replay(s)")
        .contains("SKIPPED local replay gives the recorded artifact")
        .contains("PASSED: ").doesNotContain("FAILED ");
    assertThat(a.err()).as("the audit's progress, one line per tenth and one when done")
        .contains("readings of snapshot " + snapshotId.substring(0, 12) + ": 100% (" + readings + "/" + readings + ")")
        .contains("readings of snapshot " + snapshotId.substring(0, 12) + ": done, " + readings + "  checked");
    assertThat(tmp.resolve("audit-work/snapshot-" + snapshotId + ".csv")).exists();

    JsonNode doc = JSON.readTree(Files.readString(prov));
    assertThat(doc.path("prefix").path("vf").asText()).isEqualTo("urn:veriflow:veriflow-audit:");
    JsonNode model = doc.path("entity").path("vf:model/humidity-v1");
    assertThat(model.path("vf:artifactSha256").asText()).isEqualTo(client.models().model("humidity-v1").artifactSha256());
    JsonNode snapshot = doc.path("entity").path("vf:snapshot/" + snapshotId);
    assertThat(snapshot.path("vf:rowCount").path("$").asText()).isEqualTo(Integer.toString(readings));
    assertThat(snapshot.path("vf:readingsRoot").asText()).isEqualTo(snap.readingsRoot());
    assertThat(doc.path("activity").has("vf:training/humidity-v1")).isTrue();
    assertThat(doc.path("activity").has("vf:tx/" + snapshotId)).isTrue();
    String validator = f.setup.node().id().value();
    assertThat(doc.path("activity").has("vf:replay/humidity-v1/" + validator)).isTrue();
    for (SensorDevice d : devices) {
      assertThat(doc.path("agent").has("vf:identity/" + d.id())).as(d.id()).isTrue();
      assertThat(relations(doc, "wasAttributedTo")).anyMatch(r -> r.path("prov:entity").asText().equals("vf:snapshot/" + snapshotId)
          && r.path("prov:agent").asText().equals("vf:identity/" + d.id()));
    }
    assertThat(relations(doc, "wasGeneratedBy")).anyMatch(r -> r.path("prov:entity").asText().equals("vf:model/humidity-v1")
        && r.path("prov:activity").asText().equals("vf:training/humidity-v1"));
    assertThat(relations(doc, "used")).anyMatch(r -> r.path("prov:activity").asText().equals("vf:training/humidity-v1")
        && r.path("prov:entity").asText().equals("vf:snapshot/" + snapshotId));
    assertThat(relations(doc, "wasAssociatedWith")).anyMatch(r -> r.path("prov:activity").asText().equals("vf:training/humidity-v1")
        && r.path("prov:agent").asText().equals("vf:identity/" + f.org.id().value()));
    assertThat(relations(doc, "wasAssociatedWith")).anyMatch(r -> r.path("prov:activity").asText().equals("vf:replay/humidity-v1/" + validator)
        && r.path("prov:agent").asText().equals("vf:identity/" + validator));
    assertThat(relations(doc, "wasDerivedFrom")).anyMatch(r -> r.path("prov:generatedEntity").asText().equals("vf:model/humidity-v1")
        && r.path("prov:usedEntity").asText().equals("vf:snapshot/" + snapshotId));
  }

  private static List<JsonNode> relations(JsonNode doc, String kind) {
    List<JsonNode> out = new ArrayList<>();
    doc.path(kind).fields().forEachRemaining(e -> {
      assertThat(e.getKey()).startsWith("_:");
      out.add(e.getValue());
    });
    return out;
  }

  @Test
  void auditModel_asLibrary_checksEveryReadingOnce_andCountsThemByDevice() throws Exception {
    AuditReport report = Audit.model(client, "humidity-v1", tmp.resolve("lib-work"), ProgressListener.NONE,
        Audit.Options.defaults().withThreads(3));
    assertThat(report.passed()).as(report.format()).isTrue();
    assertThat(report.count(Check.Status.FAILED)).isZero();
    assertThat(check(report, "readings of snapshot", "the readings checked are the snapshot's").detail())
        .contains(readings + " rows, readings root " + snap.readingsRoot());
    assertThat(check(report, "readings of snapshot", "batch transactions hold the signed bytes").detail())
        .contains(readings + " readings in " + (readings + 99) / 100 + " batch transactions");
    var snapshotNode = report.lineage().snapshots().get(0);
    assertThat(snapshotNode.readingsByDevice().keySet()).containsExactlyInAnyOrder(devices.get(0).id(), devices.get(1).id());
    assertThat(snapshotNode.readingsByDevice().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(readings);
    assertThat(report.lineage().model().orElseThrow().attestations()).hasSize(1);
  }

  @Test
  void auditModel_withReplay_retrainsHere_andGetsTheRecordedArtifact() {
    Veriflow.Captured a = Veriflow.capture("audit", "model", "--node=" + url, "humidity-v1", "--replay");
    assertThat(a.exitCode()).as(a.out() + a.err()).isZero();
    assertThat(a.out()).contains("OK      local replay gives the recorded artifact: retrained here: " + client.models().model("humidity-v1").artifactSha256());
  }

  @Test
  void auditModel_artifactTheRecipeDoesNotProduce_failsWithTheReplayEvidence() throws Exception {
    // Plausible forgery: the honest model file with one weight's last bit flipped, uploaded and registered.
    byte[] honest = Files.readAllBytes(tmp.resolve("models/humidity-v1/model.bin"));
    byte[] forged = honest.clone();
    forged[forged.length - 1] ^= 1;
    Path file = tmp.resolve("forged.bin");
    Files.write(file, forged);
    Hash artifact = client.putBlob(file, f.org);
    register("humidity-forged", artifact);
    f.replay("humidity-forged");
    assertThat(client.models().model("humidity-forged").stage()).isEqualTo("REJECTED");

    Veriflow.Captured a = Veriflow.capture("audit", "model", "--node=" + url, "humidity-forged");
    assertThat(a.exitCode()).as(a.out() + a.err()).isEqualTo(1);
    String honestHash = client.models().model("humidity-v1").artifactSha256();
    assertThat(a.out())
        .contains("OK      artifact in the blob store, hashing to the recorded artifact hash")
        .contains("OK      artifact reads as a model file of the record's engine")
        .contains("FAILED  replay by validator " + f.setup.node().id().value())
        .contains("REPLAY_MISMATCH: the validator's replay gave artifact " + honestHash + ", the record says " + artifact.hex())
        .contains("FAILED  stage is VERIFIED or APPROVED: MODEL_REJECTED: REJECTED at height")
        .contains("replay by " + f.setup.node().id().value() + " gave artifact " + honestHash)
        .contains("OK      device signatures verify with the registered keys")
        .contains("FAILED: ");
    // The lie is in the model, not in its data: every other link holds.
    AuditReport report = Audit.model(client, "humidity-forged", tmp.resolve("forged-work"), ProgressListener.NONE);
    assertThat(report.failures()).extracting(Check::code).containsExactlyInAnyOrder(AuditCode.REPLAY_MISMATCH, AuditCode.MODEL_REJECTED);

    Veriflow.Captured json = Veriflow.capture("audit", "model", "--node=" + url, "humidity-forged", "--output", "json");
    assertThat(json.exitCode()).as(json.err()).isEqualTo(1);
    com.fasterxml.jackson.databind.JsonNode audited = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertThat(audited.fieldNames()).toIterable().containsExactly("subject", "node", "passed", "passedChecks", "failedChecks",
        "skippedChecks", "seconds", "checks");
    assertThat(audited.get("passed").asBoolean()).isFalse();
    assertThat(audited.get("failedChecks").asLong()).isEqualTo(2);
    java.util.List<String> codes = new java.util.ArrayList<>();
    audited.get("checks").forEach(c -> {
      if (!c.get("code").isNull()) {
        codes.add(c.get("code").asText());
      }
    });
    assertThat(codes).containsExactlyInAnyOrder("REPLAY_MISMATCH", "MODEL_REJECTED");
    assertThat(audited.get("checks").get(0).fieldNames()).toIterable().containsExactly("section", "name", "status", "code", "detail");
  }

  @Test
  void auditModel_artifactNeverUploaded_failsBlobNotFound() throws Exception {
    Hash missing = Hash.sha256("a model file nobody uploaded".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    register("humidity-missing", missing);

    Veriflow.Captured a = Veriflow.capture("audit", "model", "--node=" + url, "humidity-missing");
    assertThat(a.exitCode()).as(a.out() + a.err()).isEqualTo(1);
    assertThat(a.out())
        .contains("FAILED  artifact in the blob store, hashing to the recorded artifact hash: BLOB_NOT_FOUND: blob not found: the blob store has no blob "
            + missing.hex())
        .contains("SKIPPED artifact reads as a model file of the record's engine: no artifact to read")
        .contains("FAILED  stage is VERIFIED or APPROVED: NOT_VERIFIED: not yet verified: 0 of 0 validator replay(s)");
    AuditReport report = Audit.model(client, "humidity-missing", tmp.resolve("missing-work"), ProgressListener.NONE);
    assertThat(report.failures()).extracting(Check::code).containsExactlyInAnyOrder(AuditCode.BLOB_NOT_FOUND, AuditCode.NOT_VERIFIED);
  }

  @Test
  void auditModel_unknownModel_failsNotFound_andAMissingIdIsAUsageError() {
    Veriflow.Captured a = Veriflow.capture("audit", "model", "--node=" + url, "no-such-model");
    assertThat(a.exitCode()).isEqualTo(1);
    assertThat(a.out()).contains("FAILED  model record exists: NOT_FOUND: UNKNOWN_MODEL");
    assertThat(Veriflow.capture("audit", "model", "--node=" + url).exitCode()).isEqualTo(2);
    assertThat(Veriflow.capture("audit", "model", "--node=" + url, "humidity-v1", "--threads", "0").exitCode()).isEqualTo(2);
  }

  @Test
  void signedReadingsPage_carriesEachReadingsSignedBytesAndSignature_andRefusesABadFlag() throws Exception {
    Responses.SignedReadingPage page = client.streams().signedReadings("room", Long.MIN_VALUE, Long.MAX_VALUE, 50, null);
    assertThat(page.readings()).hasSize(50);
    assertThat(page.next()).isPresent();
    for (Responses.SignedReading r : page.readings()) {
      assertThat(Hash.sha256(r.reading()).hex()).isEqualTo(r.stored().digest());
      assertThat(r.signature()).hasSize(64);
      // The same bytes the single-reading proof endpoint serves.
      assertThat(Base64.getEncoder().encodeToString(r.reading())).isNotEmpty();
    }
    Responses.StoredReading first = client.streams().verifyReading(page.readings().get(0).stored().digest());
    assertThat(first).isEqualTo(page.readings().get(0).stored());
    assertThat(client.streams().readings("room", null, Long.MIN_VALUE, Long.MAX_VALUE, 50, null).readings())
        .isEqualTo(page.readings().stream().map(Responses.SignedReading::stored).toList());

    var http = java.net.http.HttpClient.newHttpClient();
    var response = http.send(java.net.http.HttpRequest.newBuilder(URI.create(url + "/v1/streams/room/readings?signed=yes")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo("INVALID_PARAMETER");
    assertThatThrownBy(() -> client.streams().signedReadings("no-such-stream", 0, 1, 10, null))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_STREAM"));
  }

  /**
   * The audit's cost on a large snapshot (run with {@code -Dveriflow.audit.readings=100000}): ingest,
   * snapshot, train, replay, then time {@code audit model}.
   */
  @Test
  @EnabledIfSystemProperty(named = "veriflow.audit.readings", matches = "[0-9]+")
  void auditModel_largeSnapshot_timed() throws Exception {
    int target = Integer.parseInt(System.getProperty("veriflow.audit.readings"));
    Path dir = tmp.resolve("big-node");
    NodeSetup.Result big = NodeSetup.init(dir, "veriflow-audit-big", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    try (Node n = Node.start(AuditFixture.withoutVerifier(dir), Clock.systemUTC(), e -> { })) {
      String bigUrl = "http://127.0.0.1:" + n.httpPort();
      VeriflowClient c = new VeriflowClient(URI.create(bigUrl));
      String chain = c.chain().chainId();
      SigningKey lab = SigningKey.generate(SignatureAlgorithm.ED25519);
      assertThat(c.submit(new TransactionBuilder(chain, big.admin(), 0, 10_000)
          .registerIdentity(lab.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();
      int deviceCount = 50;
      int steps = Math.max(1, target / deviceCount);
      RoomModel room = new RoomModel(deviceCount, Duration.ofSeconds(1), Duration.ofSeconds(steps - 1L), 29L);
      List<SensorDevice> ds = SensorDevice.generate("sensor", deviceCount, SignatureAlgorithm.ED25519, new SecureRandom());
      List<SensorSimulator.SimulatedReading> all = SensorSimulator.simulate(room, ds, "room", Instant.now());
      StreamAdmin admin = new StreamAdmin(c, lab);
      admin.create(SensorSimulator.stream("room", room, SensorSimulator.DEFAULT_WINDOW));
      admin.registerDevices("room", ds);
      long t0 = System.nanoTime();
      new Gateway(c, lab, Limits.READINGS_PER_BATCH).submit("room", SensorSimulator.signed(all), ProgressListener.NONE);
      System.out.printf("ingested %d readings in %.1f s%n", all.size(), (System.nanoTime() - t0) / 1e9);
      String snapId = c.submit(new TransactionBuilder(chain, lab, c.account(lab.id().value()).nonce(), 10_000)
          .snapshot("room", Long.MIN_VALUE, Long.MAX_VALUE, "all"), true).id();
      Responses.Snapshot s = c.streams().snapshot(snapId);
      Path recipe = tmp.resolve("big-recipe.json");
      Files.writeString(recipe, "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
          + "\"data\":{\"reference\":\"" + snapId + "\",\"sha256\":\"" + s.csvSha256() + "\"},"
          + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
          + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":2,\"hiddenLayers\":[8]},\"seed\":3}");
      Files.writeString(tmp.resolve("lab.key"), KeyPem.encodePrivate(lab));
      assertThat(Veriflow.capture("model", "train", "--node=" + bigUrl, "--key", tmp.resolve("lab.key").toString(), "--recipe", recipe.toString(),
          "--id", "big", "--out", tmp.resolve("big-models").toString()).exitCode()).isZero();
      assertThat(Veriflow.capture("model", "replay", "--node=" + bigUrl, "--key", dir.resolve("keys/node.key").toString(), "big",
          "--work", tmp.resolve("big-replay").toString()).exitCode()).isZero();

      long start = System.nanoTime();
      Veriflow.Captured a = Veriflow.capture("audit", "model", "--node=" + bigUrl, "big");
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(a.exitCode()).as(a.out() + a.err()).isZero();
      System.out.print(a.err());
      System.out.print(a.out());
      System.out.printf("audit of a model trained on %d readings: %.1f s on %d processors%n", s.rowCount(), seconds,
          Runtime.getRuntime().availableProcessors());
    }
  }
}
