package org.veriflow.client.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SNAP = "ab".repeat(32);
  private static final String REG_TX = "01".repeat(32);
  private static final String VERIFY_TX = "02".repeat(32);
  private static final String ARTIFACT = "cd".repeat(32);
  private static final String RECIPE = "ef".repeat(32);

  @TempDir Path tmp;

  static Lineage lineage(boolean withDecision) {
    Lineage.SnapshotNode snap = new Lineage.SnapshotNode(SNAP, "room", "vf1org", 7, 0, 1000, 100_000, "11".repeat(32), "22".repeat(32),
        new TreeMap<>(Map.of("vf1devb", 40_000L, "vf1deva", 60_000L)));
    Lineage.ModelNode model = new Lineage.ModelNode("humidity-v1", "vf1org", "VERIFIED", ARTIFACT, RECIPE, "veriflow-ml/0.1.0",
        "33".repeat(32), 9, REG_TX, new TreeMap<>(Map.of("train.mse", 0.25)), List.of(SNAP),
        List.of(new Lineage.StageChangeNode("MODEL_STAGE_UNSPECIFIED", "REGISTERED", "vf1org", 9, "registered", REG_TX),
            new Lineage.StageChangeNode("REGISTERED", "VERIFIED", "vf1val", 11, "1 validator replay(s) gave the recorded artifact", VERIFY_TX)),
        List.of(new Lineage.AttestationNode("vf1val", ARTIFACT, true, 11, Optional.empty()),
            new Lineage.AttestationNode("vf1val2", "", false, 12, Optional.of("the data does not hash to the recipe's"))));
    Optional<Lineage.DecisionNode> decision = withDecision
        ? Optional.of(new Lineage.DecisionNode("44".repeat(32), "humidity-v1", ARTIFACT, "55".repeat(32), "{\"humidity\":60.1}", "vf1agent",
            "vf1asker", "66".repeat(32), 20, "77".repeat(32)))
        : Optional.empty();
    return new Lineage("veriflow-test", Optional.of(model), List.of(snap), decision);
  }

  private static List<JsonNode> relations(JsonNode doc, String kind) {
    List<JsonNode> out = new ArrayList<>();
    doc.path(kind).fields().forEachRemaining(e -> out.add(e.getValue()));
    return out;
  }

  private static boolean has(JsonNode doc, String kind, String k1, String v1, String k2, String v2) {
    return relations(doc, kind).stream().anyMatch(r -> r.path(k1).asText().equals(v1) && r.path(k2).asText().equals(v2));
  }

  @Test
  void toJson_modelLineage_hasTheProvJsonTopLevelAndOurPrefix() throws Exception {
    JsonNode doc = JSON.readTree(ProvJson.toJson(lineage(false)));
    List<String> keys = new ArrayList<>();
    doc.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("prefix", "entity", "activity", "agent", "wasGeneratedBy", "used", "wasAssociatedWith",
        "wasAttributedTo", "wasDerivedFrom");
    assertThat(doc.path("prefix").path("vf").asText()).isEqualTo("urn:veriflow:veriflow-test:");
    for (String kind : List.of("wasGeneratedBy", "used", "wasAssociatedWith", "wasAttributedTo", "wasDerivedFrom")) {
      doc.path(kind).fieldNames().forEachRemaining(id -> assertThat(id).as(kind).matches("_:[a-z]+[0-9]+"));
    }
    assertThat(doc.path("entity").path("vf:model/humidity-v1").path("prov:type").path("$").asText()).isEqualTo("vf:Model");
    assertThat(doc.path("entity").path("vf:model/humidity-v1").path("prov:type").path("type").asText()).isEqualTo("prov:QUALIFIED_NAME");
  }

  @Test
  void toJson_snapshot_isOneEntityWithItsHashes_attributedToEachDevice_withoutReadingEntities() throws Exception {
    JsonNode doc = JSON.readTree(ProvJson.toJson(lineage(false)));
    JsonNode snap = doc.path("entity").path("vf:snapshot/" + SNAP);
    assertThat(snap.path("vf:rowCount").path("$").asText()).isEqualTo("100000");
    assertThat(snap.path("vf:rowCount").path("type").asText()).isEqualTo("xsd:long");
    assertThat(snap.path("vf:csvSha256").asText()).isEqualTo("11".repeat(32));
    assertThat(snap.path("vf:readingsRoot").asText()).isEqualTo("22".repeat(32));
    // Entities: model, recipe, snapshot, stream; never the readings.
    assertThat(doc.path("entity").size()).isEqualTo(4);
    List<JsonNode> attributed = relations(doc, "wasAttributedTo").stream()
        .filter(r -> r.path("prov:entity").asText().equals("vf:snapshot/" + SNAP)).toList();
    assertThat(attributed).extracting(r -> r.path("prov:agent").asText()).containsExactly("vf:identity/vf1deva", "vf:identity/vf1devb");
    assertThat(attributed).extracting(r -> r.path("vf:readings").path("$").asText()).containsExactly("60000", "40000");
    assertThat(doc.path("agent").path("vf:identity/vf1deva").path("prov:type").path("$").asText()).isEqualTo("prov:SoftwareAgent");
    assertThat(has(doc, "wasGeneratedBy", "prov:entity", "vf:snapshot/" + SNAP, "prov:activity", "vf:tx/" + SNAP)).isTrue();
    assertThat(has(doc, "wasAssociatedWith", "prov:activity", "vf:tx/" + SNAP, "prov:agent", "vf:identity/vf1org")).isTrue();
  }

  @Test
  void toJson_model_generatedByTraining_thatUsedTheSnapshot_underTheRecipe_byTheTrainer() throws Exception {
    JsonNode doc = JSON.readTree(ProvJson.toJson(lineage(false)));
    assertThat(has(doc, "wasGeneratedBy", "prov:entity", "vf:model/humidity-v1", "prov:activity", "vf:training/humidity-v1")).isTrue();
    assertThat(has(doc, "used", "prov:activity", "vf:training/humidity-v1", "prov:entity", "vf:snapshot/" + SNAP)).isTrue();
    assertThat(has(doc, "used", "prov:activity", "vf:training/humidity-v1", "prov:entity", "vf:recipe/" + RECIPE)).isTrue();
    assertThat(relations(doc, "wasAssociatedWith")).anyMatch(r -> r.path("prov:activity").asText().equals("vf:training/humidity-v1")
        && r.path("prov:agent").asText().equals("vf:identity/vf1org") && r.path("prov:plan").asText().equals("vf:recipe/" + RECIPE));
    assertThat(has(doc, "wasDerivedFrom", "prov:generatedEntity", "vf:model/humidity-v1", "prov:usedEntity", "vf:snapshot/" + SNAP)).isTrue();
    assertThat(doc.path("activity").path("vf:training/humidity-v1").path("vf:registeredIn").asText()).isEqualTo("vf:tx/" + REG_TX);
    assertThat(doc.path("entity").path("vf:model/humidity-v1").path("vf:metric.train.mse").asDouble()).isEqualTo(0.25);
    // The trainer also made the snapshot: one agent with both roles.
    assertThat(doc.path("agent").path("vf:identity/vf1org").path("vf:role")).extracting(r -> r.path("$").asText())
        .containsExactly("vf:SnapshotCreator", "vf:Trainer");
  }

  @Test
  void toJson_replaysAndStageChanges_areActivitiesOfTheirValidators() throws Exception {
    JsonNode doc = JSON.readTree(ProvJson.toJson(lineage(false)));
    JsonNode replay = doc.path("activity").path("vf:replay/humidity-v1/vf1val");
    assertThat(replay.path("vf:match").asBoolean()).isTrue();
    assertThat(replay.path("vf:artifactSha256").asText()).isEqualTo(ARTIFACT);
    JsonNode failed = doc.path("activity").path("vf:replay/humidity-v1/vf1val2");
    assertThat(failed.path("vf:match").asBoolean()).isFalse();
    assertThat(failed.path("vf:failure").asText()).contains("does not hash");
    assertThat(failed.has("vf:artifactSha256")).isFalse();
    assertThat(has(doc, "wasAssociatedWith", "prov:activity", "vf:replay/humidity-v1/vf1val", "prov:agent", "vf:identity/vf1val")).isTrue();
    assertThat(has(doc, "used", "prov:activity", "vf:replay/humidity-v1/vf1val", "prov:entity", "vf:model/humidity-v1")).isTrue();
    JsonNode change = doc.path("activity").path("vf:tx/" + VERIFY_TX);
    assertThat(change.path("vf:to").asText()).isEqualTo("VERIFIED");
    assertThat(doc.path("activity").has("vf:tx/" + REG_TX)).as("the registration is the training activity").isFalse();
  }

  @Test
  void toJson_decision_generatedByPredict_usingTheModel_associatedWithTheAgent() throws Exception {
    JsonNode doc = JSON.readTree(ProvJson.toJson(lineage(true)));
    String decision = "vf:decision/" + "44".repeat(32);
    String predict = "vf:predict/" + "44".repeat(32);
    assertThat(doc.path("entity").path(decision).path("vf:output").asText()).isEqualTo("{\"humidity\":60.1}");
    assertThat(has(doc, "wasGeneratedBy", "prov:entity", decision, "prov:activity", predict)).isTrue();
    assertThat(has(doc, "used", "prov:activity", predict, "prov:entity", "vf:model/humidity-v1")).isTrue();
    assertThat(has(doc, "wasAssociatedWith", "prov:activity", predict, "prov:agent", "vf:identity/vf1agent")).isTrue();
    assertThat(has(doc, "wasDerivedFrom", "prov:generatedEntity", decision, "prov:usedEntity", "vf:model/humidity-v1")).isTrue();
  }

  @Test
  void write_isDeterministic_andTheReportOverloadWritesItsLineage() throws Exception {
    Path a = tmp.resolve("a.json");
    Path b = tmp.resolve("b.json");
    ProvJson.write(lineage(true), a);
    ProvJson.write(new AuditReport("model humidity-v1", "http://node", List.of(Check.ok("s", "n", "d")), lineage(true), Duration.ZERO), b);
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).isEqualTo(ProvJson.toJson(lineage(true)));
  }
}
