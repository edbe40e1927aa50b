package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import org.veriflow.client.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.audit.Audit;
import org.veriflow.client.audit.AuditCode;
import org.veriflow.client.audit.AuditReport;
import org.veriflow.client.audit.Check;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.protocol.proto.decisions.Decision;
import org.veriflow.protocol.proto.decisions.LogDecisions;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * {@code veriflow audit decision}: a decision's proof chain, its model file, the model's stage when it
 * was logged, a replay on its input, then the whole model audit; and the lies it must name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditDecisionEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private AuditFixture f;
  private VeriflowClient client;
  private String url;

  @BeforeAll
  void trainAndReplay() throws Exception {
    f = new AuditFixture(tmp, "veriflow-audit-decisions");
    client = f.client;
    url = f.url;
  }

  @AfterAll
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private String predict(String model, String input, boolean keep) {
    return client.models().predict(model, List.of(input), keep, f.org).decisions().get(0).decisionId();
  }

  @Test
  void auditDecision_keptInput_passesEveryLink_andProvHasTheDecision() throws Exception {
    String id = predict("humidity-v1", "{\"temperature\": 27.7}", true);
    Path prov = tmp.resolve("decision.prov.json");
    Veriflow.Captured a = Veriflow.capture("audit", "decision", "--node=" + url, id, "--prov", prov.toString());
    assertThat(a.exitCode()).as(a.out() + a.err()).isZero();
    assertThat(a.out()).contains("audit of decision " + id)
        .contains("OK      decision proof chain: id is the leaf hash of its bytes; leaf 0 of 1")
        .contains("OK      the decision's model file is the model's artifact: " + client.models().model("humidity-v1").artifactSha256())
        .contains("OK      model VERIFIED or APPROVED when the decision was logged")
        .contains("OK      replay of the decision gives the logged output: on the kept input:")
        .contains("OK      device signatures verify with the registered keys: " + f.readings + " of " + f.readings)
        .contains("PASSED: ").doesNotContain("FAILED ");

    JsonNode doc = JSON.readTree(Files.readString(prov));
    String agent = "vf:identity/" + f.setup.node().id().value();
    assertThat(doc.path("entity").has("vf:decision/" + id)).isTrue();
    assertThat(doc.path("entity").has("vf:model/humidity-v1")).isTrue();
    assertThat(doc.path("entity").has("vf:snapshot/" + f.snapshotId)).isTrue();
    assertThat(doc.path("activity").has("vf:predict/" + id)).isTrue();
    assertThat(relations(doc, "wasGeneratedBy")).anyMatch(r -> r.path("prov:entity").asText().equals("vf:decision/" + id)
        && r.path("prov:activity").asText().equals("vf:predict/" + id));
    assertThat(relations(doc, "used")).anyMatch(r -> r.path("prov:activity").asText().equals("vf:predict/" + id)
        && r.path("prov:entity").asText().equals("vf:model/humidity-v1"));
    assertThat(relations(doc, "wasAssociatedWith")).anyMatch(r -> r.path("prov:activity").asText().equals("vf:predict/" + id)
        && r.path("prov:agent").asText().equals(agent));
  }

  private static List<JsonNode> relations(JsonNode doc, String kind) {
    List<JsonNode> out = new ArrayList<>();
    doc.path(kind).fields().forEachRemaining(e -> out.add(e.getValue()));
    return out;
  }

  @Test
  void auditDecision_inputNotKept_skipsTheReplay_unlessTheSameInputIsGiven() {
    String id = predict("humidity-v1", "{\"temperature\": 26.5}", false);
    Veriflow.Captured without = Veriflow.capture("audit", "decision", "--node=" + url, id);
    assertThat(without.exitCode()).as(without.out()).isZero();
    assertThat(without.out()).contains("SKIPPED replay of the decision gives the logged output: input not kept; pass --input JSON to replay");

    Veriflow.Captured same = Veriflow.capture("audit", "decision", "--node=" + url, id, "--input", "{\"temperature\":26.50}");
    assertThat(same.exitCode()).as(same.out()).isZero();
    assertThat(same.out()).contains("OK      replay of the decision gives the logged output: on the supplied input:");

    Veriflow.Captured other = Veriflow.capture("audit", "decision", "--node=" + url, id, "--input", "{\"temperature\": 26.6}");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.out()).contains("FAILED  replay of the decision gives the logged output: REPLAY_FAILED:")
        .contains("the decision logged digest");
  }

  @Test
  void auditDecision_loggedOutputTheModelDoesNotGive_failsOutputMismatch() throws Exception {
    String honest = predict("humidity-v1", "{\"temperature\": 24.8}", true);
    Decision real = Decision.parseFrom(client.models().decision(honest).decisionBytes());
    Decision lie = real.toBuilder().setOutput(ByteString.copyFromUtf8("{\"humidity\":45}")).setRequestId("audit-lie").build();
    Responses.TxInfo logged = client.submit(f.orgTx().call("decisions", "log", LogDecisions.newBuilder().addDecisions(lie.toByteString()).build()), true);
    assertThat(logged.committed()).as(logged.toString()).isTrue();
    String id = MerkleHashes.leafHash(lie.toByteArray()).hex();

    Veriflow.Captured a = Veriflow.capture("audit", "decision", "--node=" + url, id);
    assertThat(a.exitCode()).isEqualTo(1);
    assertThat(a.out()).contains("OK      decision proof chain")
        .contains("FAILED  replay of the decision gives the logged output: OUTPUT_MISMATCH: the model answers {\"humidity\":")
        .contains("the decision logged {\"humidity\":45}");
  }

  @Test
  void auditDecision_modelRejectedAfterTheDecision_wasVerifiedWhenLogged_butTheModelAuditFails() throws Exception {
    // A second record of the same training: the replay verifies it, it answers, then an approver rejects it.
    Responses.ModelDetail v1 = client.models().modelDetail("humidity-v1");
    byte[] recipe = client.models().modelRecipe("humidity-v1");
    assertThat(client.submit(f.orgTx().registerModel(RegisterModel.newBuilder().setModelId("humidity-copy")
        .setRecipe(ByteString.copyFrom(recipe)).setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(f.snapshotId).setCsvSha256(ByteString.copyFrom(Hex.decode(f.snap.csvSha256())))
            .setReadingsRoot(ByteString.copyFrom(Hex.decode(f.snap.readingsRoot()))))
        .setArtifactSha256(ByteString.copyFrom(Hex.decode(v1.model().artifactSha256())))
        .setLossCurveSha256(ByteString.copyFrom(Hex.decode(v1.lossCurveSha256()))).setEngineVersion(v1.engineVersion()).build()), true)
        .committed()).isTrue();
    f.replay("humidity-copy");
    String id = predict("humidity-copy", "{\"temperature\": 28.3}", true);
    TransactionBuilder admin = new TransactionBuilder(f.chainId, f.setup.admin(), client.account(f.setup.admin().id().value()).nonce(), 10_000);
    assertThat(client.submit(admin.changeModelStage("humidity-copy", ModelStage.REJECTED, "withdrawn by review"), true).committed()).isTrue();

    AuditReport report = Audit.decision(client, id, tmp.resolve("copy-work"), ProgressListener.NONE, Audit.Options.defaults());
    assertThat(report.checks()).anyMatch(c -> c.passed() && c.name().startsWith("model VERIFIED or APPROVED when the decision was logged")
        && c.detail().equals("model humidity-copy was VERIFIED"));
    assertThat(report.failures()).extracting(Check::code).containsExactly(AuditCode.MODEL_REJECTED);
    assertThat(report.failures().get(0).detail()).contains("withdrawn by review");
  }

  @Test
  void auditDecision_unknownDecision_failsNotFound() {
    Veriflow.Captured a = Veriflow.capture("audit", "decision", "--node=" + url, "00".repeat(32));
    assertThat(a.exitCode()).isEqualTo(1);
    assertThat(a.out()).contains("FAILED  decision record exists: NOT_FOUND: UNKNOWN_DECISION");
  }
}
