package org.veriflow.demo.federated;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederatedReportTest {
  @TempDir Path tmp;

  private static FederatedResult result() {
    FederatedResult.RoundRow r1 = new FederatedResult.RoundRow(1, "MEDIAN", "VERIFIED", "ab".repeat(32), List.of("p1", "p2"),
        List.of(new FederatedResult.Rejection("p3", "NO_CHANGE", 0)), List.of(new FederatedResult.Attestation("v1", true, null)), 0.9, 0.3);
    FederatedResult.RoundRow r2 = new FederatedResult.RoundRow(2, "MEDIAN", "VERIFIED", "cd".repeat(32), List.of("p1", "p2"),
        List.of(), List.of(new FederatedResult.Attestation("v1", true, null)), 0.95, 0.2);
    FederatedResult.RuleRun median = new FederatedResult.RuleRun("MEDIAN", "occupancy-median", "COMPLETED", List.of(r1, r2), 0.95,
        "occupancy-median-model", new TreeMap<>(Map.of("p1", 600L, "p2", 400L, "p3", 0L)), new TreeMap<>(Map.of("p1", 3L, "p2", 2L)));
    return new FederatedResult("demo-chain", new FederatedResult.Settings(2, 15, 2, 1, "ef".repeat(32), 7),
        List.of(new FederatedResult.OfficeRow("office-1", "<basement>", "participant", "p1", "snap1", 100, 0.3)),
        List.of(median),
        List.of(new FederatedResult.ParticipantRow("p1", "basement", "honest", 3e-6, 600, 2, 0, 0.9),
            new FederatedResult.ParticipantRow("p3", "corner", "free-rider", 0, 0, 0, 2, 0.8)),
        new FederatedResult.Accuracy("MEDIAN", 0.95, 0.6, 0.96, 0.9, "p1", new TreeMap<>(Map.of("MEDIAN", 0.95)), new TreeMap<>(Map.of("p1", 0.9))),
        new FederatedResult.Cost(new TreeMap<>(Map.of("MEDIAN", 2.0)), 40.0), 12.5);
  }

  @Test
  void write_reportJson_holdsTheDocumentedStructure() throws Exception {
    FederatedReport.write(result(), tmp);
    JsonNode json = new ObjectMapper().readTree(tmp.resolve(FederatedReport.REPORT_JSON).toFile());
    assertThat(json.path("rounds")).hasSize(2);
    JsonNode first = json.path("rounds").get(0);
    assertThat(first.path("round").asInt()).isEqualTo(1);
    assertThat(first.path("rule").asText()).isEqualTo("MEDIAN");
    assertThat(first.path("globalModelHash").asText()).hasSize(64);
    assertThat(first.path("accepted")).hasSize(2);
    assertThat(first.path("rejected").get(0).path("participant").asText()).isEqualTo("p3");
    assertThat(first.path("rejected").get(0).path("reason").asText()).isEqualTo("NO_CHANGE");
    assertThat(first.path("attestations").get(0).path("match").asBoolean()).isTrue();
    assertThat(json.path("participants").get(0).path("reward").asLong()).isEqualTo(600);
    assertThat(json.path("participants").get(0).path("contribution").asDouble()).isEqualTo(3e-6);
    JsonNode accuracy = json.path("accuracy");
    assertThat(accuracy.path("federatedRobust").asDouble()).isEqualTo(0.95);
    assertThat(accuracy.path("federatedMean").asDouble()).isEqualTo(0.6);
    assertThat(accuracy.path("centralised").asDouble()).isEqualTo(0.96);
    assertThat(accuracy.path("localOnly").asDouble()).isEqualTo(0.9);
    assertThat(json.path("cost").path("ratio").path("MEDIAN").asDouble()).isEqualTo(0.05);
  }

  @Test
  void html_escapesTextAndDrawsOneLinePerRule() throws Exception {
    String html = FederatedReport.html(result());
    assertThat(html).contains("&lt;basement&gt;").doesNotContain("<basement>");
    assertThat(html).contains("<svg").contains("<polyline").contains("Candanedo");
    assertThat(html).doesNotContain("<script");
    assertThat(FederatedReport.terminalSummary(result())).contains("95.00 %").contains("robust / centralised = 0.9896");
  }
}
