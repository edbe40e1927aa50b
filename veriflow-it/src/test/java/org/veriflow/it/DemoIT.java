package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main demo, shortened (the same night sampled every 2 minutes instead of every 30 s), run as a
 * user runs it; its report.json must hold every figure the report shows, within the paper's bounds.
 */
class DemoIT {
  @TempDir Path tmp;

  @Test
  void shortenedDemo_reproducesValidityAndTraceability_withVerifiedModelsAndAPassingAudit() throws Exception {
    Path out = tmp.resolve("demo");
    Veriflow.Captured run = Veriflow.capture("demo", "--out", out.toString(), "--interval-s", "120");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("Report: ").contains("31.2").contains("24.8");
    assertThat(run.out()).as("progress goes to standard error, never as carriage-return frames on standard output").doesNotContain("\r");

    JsonNode report = new ObjectMapper().readTree(out.resolve("report/report.json").toFile());
    List<Double> temperatures = new ArrayList<>();
    for (JsonNode row : report.path("validity").path("rows")) {
      temperatures.add(row.path("temperature").asDouble());
      double truth = row.path("truth").asDouble();
      assertThat(row.path("chain").asDouble()).as("chain-verified prediction at %s", row.path("temperature")).isCloseTo(truth,
          org.assertj.core.data.Offset.offset(2.0));
      assertThat(row.path("naive").isNumber()).isTrue();
    }
    assertThat(temperatures).containsExactly(31.2, 28.3, 27.7, 26.5, 24.8);
    assertThat(report.path("traceability").path("validationAccuracy").asDouble()).isGreaterThan(0.85);
    assertThat(report.path("traceability").path("trainAccuracy").asDouble()).isGreaterThan(0.85);

    JsonNode ledger = report.path("ledger");
    // Two sensors, one reading every 120 s from 00:00 to 07:00, both ends included.
    assertThat(ledger.path("legal").asLong()).isEqualTo(2L * (7 * 3600 / 120 + 1));
    long rejected = 0;
    for (JsonNode n : ledger.path("rejected")) {
      rejected += n.asLong();
    }
    assertThat(rejected).isPositive();
    assertThat(ledger.path("received").asLong()).isEqualTo(ledger.path("legal").asLong() + rejected);

    assertThat(report.path("models")).hasSize(2);
    for (JsonNode m : report.path("models")) {
      assertThat(m.path("status").asText()).as(m.toString()).isIn("VERIFIED", "APPROVED");
      assertThat(m.path("hash").asText()).matches("[0-9a-f]{64}");
    }
    assertThat(report.path("audit").path("passed").asBoolean()).as(report.path("audit").toString()).isTrue();
    assertThat(out.resolve("report/index.html")).exists();
    assertThat(Files.size(out.resolve("report/sensors.png"))).isPositive();
    assertThat(out.resolve("report/lineage.prov.json")).exists();
    assertThat(out.resolve("node/node.properties")).exists();
  }

  @Test
  void realRecording_runsTheSameExperiments_withoutAGroundTruth() throws Exception {
    Path out = tmp.resolve("lwsndr");
    // The file lists one mote after another: its first lines cannot tell motes apart.
    Veriflow.Captured tooFew = Veriflow.capture("demo", "--out", out.toString(), "--data", "lwsndr", "--limit", "3000");
    assertThat(tooFew.exitCode()).isEqualTo(1);
    assertThat(tooFew.err()).contains("traceability needs readings of at least two motes").contains("raise --limit");

    Veriflow.Captured run = Veriflow.capture("demo", "--out", out.toString(), "--data", "lwsndr");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("no ground truth");

    JsonNode report = new ObjectMapper().readTree(out.resolve("report/report.json").toFile());
    assertThat(report.path("source").asText()).containsIgnoringCase("lwsndr");
    assertThat(report.path("validity").path("rows")).hasSize(5);
    for (JsonNode row : report.path("validity").path("rows")) {
      assertThat(row.path("truth").isNull()).isTrue();
      assertThat(row.path("chain").isNumber()).isTrue();
    }
    assertThat(report.path("traceability").path("classes").size()).isEqualTo(4);
    assertThat(report.path("traceability").path("validationAccuracy").asDouble()).isGreaterThan(0.8);
    for (JsonNode m : report.path("models")) {
      assertThat(m.path("status").asText()).isIn("VERIFIED", "APPROVED");
    }
    assertThat(report.path("audit").path("passed").asBoolean()).isTrue();
  }

  /**
   * The Intel Berkeley Lab format ({@code date time epoch moteid temperature humidity light voltage}),
   * with a small recording made up here: three motes with their own offsets, every 31 s.
   */
  @Test
  void intelLabRecording_runsThroughTheSameSignedPath() throws Exception {
    StringBuilder file = new StringBuilder();
    java.util.Random random = new java.util.Random(7);
    java.time.LocalDateTime start = java.time.LocalDateTime.of(2004, 2, 28, 0, 58);
    double[][] offsets = {{0, 0}, {0.8, -3}, {-0.6, 2.5}};
    for (int epoch = 0; epoch < 300; epoch++) {
      for (int mote = 0; mote < 3; mote++) {
        java.time.LocalDateTime t = start.plusSeconds(31L * epoch);
        file.append(String.format(java.util.Locale.ROOT, "%s %s.%06d %d %d %.4f %.4f 97.0 2.69%n", t.toLocalDate(),
            t.toLocalTime().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss", java.util.Locale.ROOT)),
            random.nextInt(1_000_000), epoch, mote + 1, 19 + 3.0 * epoch / 300 + offsets[mote][0] + random.nextGaussian() * 0.1,
            40 - 5.0 * epoch / 300 + offsets[mote][1] + random.nextGaussian() * 0.4));
      }
    }
    Path recording = tmp.resolve("data.txt");
    Files.writeString(recording, file);
    Path out = tmp.resolve("intel");
    Veriflow.Captured run = Veriflow.capture("demo", "--out", out.toString(), "--data", "intel-lab", recording.toString());
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(out.resolve("report/report.json").toFile());
    assertThat(report.path("ledger").path("legal").asLong()).isEqualTo(900);
    assertThat(report.path("traceability").path("classes")).hasSize(3);
    assertThat(report.path("audit").path("passed").asBoolean()).isTrue();

    Veriflow.Captured missing = Veriflow.capture("demo", "--out", tmp.resolve("none").toString(), "--data", "intel-lab");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("needs the recording's FILE");
  }
}
