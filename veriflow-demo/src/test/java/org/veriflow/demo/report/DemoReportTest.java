package org.veriflow.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.demo.report.DemoResult.Audit;
import org.veriflow.demo.report.DemoResult.Check;
import org.veriflow.demo.report.DemoResult.Ledger;
import org.veriflow.demo.report.DemoResult.ModelRow;
import org.veriflow.demo.report.DemoResult.Point;
import org.veriflow.demo.report.DemoResult.RejectedPoint;
import org.veriflow.demo.report.DemoResult.SensorSeries;
import org.veriflow.demo.report.DemoResult.Traceability;
import org.veriflow.demo.report.DemoResult.Validity;
import org.veriflow.demo.report.DemoResult.ValidityRow;
import org.veriflow.ml.metrics.EpochRecord;
import org.veriflow.ml.metrics.History;

/** The demo's report from hand-made results: test data, not figures from a run. */
class DemoReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVIL = "<script>alert('x')</script>";
  private static final double[] TEMPERATURES = {16, 18, 20, 22, 24};
  private static final String MODEL_HASH = "ab".repeat(32);
  private static final String RECIPE_HASH = "cd".repeat(32);

  @TempDir Path tmp;
  /** The simulated result's report, written once for the tests that only read it. */
  @TempDir static Path simulatedReport;

  @BeforeAll
  static void writeSimulatedReport() throws IOException {
    DemoReport.write(simulated(), simulatedReport);
  }

  // ---- test data ------------------------------------------------------------------------------

  private static History history(String metric, int epochs, boolean classifier) {
    List<EpochRecord> records = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      double loss = 2.0 / e + 0.1;
      double metricValue = classifier ? 0.6 + 0.35 * (1 - 1.0 / e) : 8.0 / e + 0.5;
      records.add(new EpochRecord(e, loss, metricValue, loss * 1.1, classifier ? metricValue - 0.02 : metricValue * 1.1, 0.01));
    }
    return new History(metric, records);
  }

  private static SensorSeries series(String device, int points, double offset, int rejected) {
    List<Point> legal = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      double hours = i * 10.0 / Math.max(1, points - 1);
      legal.add(new Point(hours, 21 + offset - 0.3 * hours, 55 + offset + 1.5 * hours));
    }
    List<RejectedPoint> refused = new ArrayList<>();
    for (int i = 0; i < rejected; i++) {
      // the first ones claim absurd values, to exercise the off-scale clamp
      refused.add(new RejectedPoint(0.2 + i * 0.5, i == 0 ? 85 : 25 + i % 3, i == 0 ? 2 : 40 + i % 5,
          i % 3 == 0 ? "BAD_SIGNATURE" : i % 3 == 1 ? "REPLAYED" : "TAMPERED"));
    }
    return new SensorSeries(device, legal, refused);
  }

  /** Two simulated sensors with a ground truth; a device name and a check detail carry a script tag. */
  private static DemoResult simulated() {
    List<ValidityRow> rows = new ArrayList<>();
    for (int i = 0; i < TEMPERATURES.length; i++) {
      double truth = 70 - 1.5 * TEMPERATURES[i];
      rows.add(new ValidityRow(TEMPERATURES[i], Optional.of(truth), truth - 0.5 + 0.25 * i, truth + 6.1 - 0.1 * i));
    }
    Validity validity = new Validity(rows, history("mae", 12, false), history("mae", 12, false), 1_800, 2_000,
        List.of("d1", "d2", "d3", "d4", "d5"));
    Traceability traceability = new Traceability(0.95, 0.931, history("accuracy", 15, true), List.of("sensor-a", "sensor-" + EVIL),
        new long[][] {{180, 12}, {14, 170}});
    Ledger ledger = new Ledger(2_000, 1_800, new TreeMap<>(Map.of("BAD_SIGNATURE", 80L, "REPLAYED", 70L, "TAMPERED", 50L)),
        new TreeMap<>(Map.of("alter", 50, "forge", 80, "replay", 70)), "snap-1", 1_800);
    List<ModelRow> models = List.of(new ModelRow("humidity-v1", "validity", MODEL_HASH, RECIPE_HASH, "VERIFIED", 2),
        new ModelRow("trace-v1", "traceability", "ef".repeat(32), "01".repeat(32), "REGISTERED", 0));
    Audit audit = new Audit("decision-42", false, List.of(new Check("decision signed", true, "by vf1agent"),
        new Check("model verified", true, "2 attestations"), new Check("readings signed", false, "device said " + EVIL)),
        "node/decision-42.prov.json");
    List<SensorSeries> sensors = List.of(series("sensor-a", 200, 0, 9), series("sensor-" + EVIL, 200, 1.2, 7));
    return new DemoResult("simulated night, 2 sensors", "/tmp/veriflow-demo/node", ledger, validity, traceability, models, audit,
        sensors, 12.5);
  }

  /** A real recording: 60 devices, no ground truth. */
  private static DemoResult realRecording() {
    DemoResult s = simulated();
    List<ValidityRow> rows = new ArrayList<>();
    for (double t : TEMPERATURES) {
      rows.add(new ValidityRow(t, Optional.empty(), 50 - t / 2, 53 - t / 2));
    }
    Validity validity = new Validity(rows, s.validity().chainHistory(), s.validity().naiveHistory(), 9_000, 9_500, List.of());
    List<SensorSeries> sensors = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sensors.add(series("room-" + i, 60, i * 0.05, i % 7 == 0 ? 2 : 0));
      classes.add("room-" + i);
    }
    long[][] confusion = new long[60][60];
    for (int i = 0; i < 60; i++) {
      confusion[i][i] = 20;
      confusion[i][(i + 1) % 60] = 3;
    }
    Traceability traceability = new Traceability(0.9, 0.85, s.traceability().history(), classes, confusion);
    return new DemoResult("real recording: data/room.csv", "/tmp/veriflow-demo/node", s.ledger(), validity, traceability, s.models(),
        new Audit("decision-7", true, List.of(new Check("decision signed", true, "ok")), "node/decision-7.prov.json"), sensors, 30);
  }

  // ---- report.json ----------------------------------------------------------------------------

  @Test
  void write_simulatedResult_jsonHasEveryKeyWithItsValue() throws IOException {
    JsonNode j = JSON.readTree(simulatedReport.resolve("report.json").toFile());

    assertThat(j.path("source").asText()).isEqualTo("simulated night, 2 sensors");
    assertThat(j.path("nodeDir").asText()).isEqualTo("/tmp/veriflow-demo/node");
    assertThat(j.path("seconds").asDouble()).isEqualTo(12.5);

    JsonNode rows = j.path("validity").path("rows");
    assertThat(rows).hasSize(5);
    JsonNode first = rows.get(0);
    assertThat(first.path("temperature").asDouble()).isEqualTo(16.0);
    assertThat(first.path("truth").asDouble()).isEqualTo(46.0);
    assertThat(first.path("chain").asDouble()).isEqualTo(45.5);
    assertThat(first.path("naive").asDouble()).isEqualTo(52.1);
    assertThat(first.path("chainError").asDouble()).isEqualTo(0.5);
    assertThat(first.path("naiveError").asDouble()).isCloseTo(-6.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(first.path("chainWithinTolerance").asBoolean()).isTrue();
    assertThat(j.path("validity").path("decisionIds")).extracting(JsonNode::asText).containsExactly("d1", "d2", "d3", "d4", "d5");
    assertThat(j.path("validity").path("chainHistory").path("epochs")).hasSize(12);

    JsonNode t = j.path("traceability");
    assertThat(t.path("trainAccuracy").asDouble()).isEqualTo(0.95);
    assertThat(t.path("validationAccuracy").asDouble()).isEqualTo(0.931);
    assertThat(t.path("paperValidationAccuracy").asDouble()).isEqualTo(0.9239);
    assertThat(t.path("classes")).extracting(JsonNode::asText).containsExactly("sensor-a", "sensor-" + EVIL);
    assertThat(t.path("confusion").toString()).isEqualTo("[[180,12],[14,170]]");

    JsonNode l = j.path("ledger");
    assertThat(l.path("received").asLong()).isEqualTo(2_000);
    assertThat(l.path("legal").asLong()).isEqualTo(1_800);
    assertThat(l.path("rejected").toString()).isEqualTo("{\"BAD_SIGNATURE\":80,\"REPLAYED\":70,\"TAMPERED\":50}");
    assertThat(l.path("attacks").toString()).isEqualTo("{\"alter\":50,\"forge\":80,\"replay\":70}");
    assertThat(l.path("snapshotId").asText()).isEqualTo("snap-1");
    assertThat(l.path("snapshotRows").asLong()).isEqualTo(1_800);

    JsonNode m = j.path("models").get(0);
    assertThat(m.path("id").asText()).isEqualTo("humidity-v1");
    assertThat(m.path("purpose").asText()).isEqualTo("validity");
    assertThat(m.path("hash").asText()).isEqualTo(MODEL_HASH);
    assertThat(m.path("recipeHash").asText()).isEqualTo(RECIPE_HASH);
    assertThat(m.path("status").asText()).isEqualTo("VERIFIED");
    assertThat(m.path("attestations").asInt()).isEqualTo(2);
    assertThat(j.path("models")).hasSize(2);

    JsonNode a = j.path("audit");
    assertThat(a.path("decisionId").asText()).isEqualTo("decision-42");
    assertThat(a.path("passed").isBoolean()).isTrue();
    assertThat(a.path("passed").asBoolean()).isFalse();
    assertThat(a.path("checks")).hasSize(3);
    assertThat(a.path("checks").get(2).path("name").asText()).isEqualTo("readings signed");
    assertThat(a.path("checks").get(2).path("passed").asBoolean()).isFalse();
    assertThat(a.path("checks").get(2).path("detail").asText()).isEqualTo("device said " + EVIL);
    assertThat(a.path("provFile").asText()).isEqualTo("node/decision-42.prov.json");
  }

  @Test
  void toJson_sameResult_sameBytesInTheDocumentedKeyOrder() {
    String a = ReportJson.toJson(simulated());
    assertThat(a).isEqualTo(ReportJson.toJson(simulated()));
    // the keys come in the documented order, not a hash order
    assertThat(a.indexOf("\"source\"")).isLessThan(a.indexOf("\"nodeDir\"")).isLessThan(a.indexOf("\"ledger\""))
        .isLessThan(a.indexOf("\"validity\"")).isLessThan(a.indexOf("\"traceability\"")).isLessThan(a.indexOf("\"audit\""));
  }

  @Test
  void toJson_realRecording_truthAndErrorsAreNull() throws IOException {
    JsonNode rows = JSON.readTree(ReportJson.toJson(realRecording())).path("validity").path("rows");
    assertThat(rows).hasSize(5);
    for (JsonNode row : rows) {
      assertThat(row.has("truth")).isTrue();
      assertThat(row.path("truth").isNull()).isTrue();
      assertThat(row.path("chainError").isNull()).isTrue();
      assertThat(row.path("naiveError").isNull()).isTrue();
      assertThat(row.path("chain").isNumber()).isTrue();
    }
  }

  @Test
  void html_realRecording_saysThereIsNoTruth_andListsEveryDevice() {
    String html = ReportPage.html(realRecording());
    assertThat(html).contains("<td class=\"num\">16.00</td><td class=\"num\">—</td><td class=\"num chain\">42.00</td>")
        .contains("no ground truth").contains("room-59");
  }

  // ---- index.html -----------------------------------------------------------------------------

  @Test
  void write_html_showsTable1AndEveryFigure_andEscapesText() throws IOException {
    String html = Files.readString(simulatedReport.resolve("index.html"), StandardCharsets.UTF_8);

    // Table 1, row for 16 °C: truth 46.00, chain 45.50, naive 52.10, errors +0.50 and -6.10
    assertThat(html).contains("<td class=\"num\">16.00</td><td class=\"num\">46.00</td><td class=\"num chain\">45.50</td>"
        + "<td class=\"num naive\">52.10</td><td class=\"num\">+0.50</td><td class=\"num\">-6.10</td><td><span class=\"ok\">✔ yes</span>");
    for (double t : TEMPERATURES) {
      assertThat(html).contains(String.format(java.util.Locale.ROOT, "<tr><td class=\"num\">%.2f</td>", t));
    }
    assertThat(html).contains("92.39 %").contains("93.10 %").contains("BAD_SIGNATURE").contains("forge")
        .contains("title=\"" + MODEL_HASH + "\"").contains("✘").contains("✔").contains("snap-1").contains("d5");
    for (String png : List.of("sensors.png", "validity.png", "validity-loss.png", "validity-loss-naive.png", "traceability-loss.png",
        "traceability-accuracy.png")) {
      assertThat(html).contains("src=\"" + png + "\"");
    }
    // the script tags in a device name and in a check detail are text, never markup
    assertThat(html).doesNotContain("<script").doesNotContain("alert('x')")
        .contains("sensor-&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        .contains("device said &lt;script&gt;");
    assertThat(html).doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void esc_escapesTheFiveSpecialCharacters() {
    assertThat(ReportPage.esc("a<b>&\"c'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&#39;");
    assertThat(ReportPage.esc(null)).isEmpty();
  }

  // ---- charts ---------------------------------------------------------------------------------

  @Test
  void write_everyPngDecodesAtItsSize() throws IOException {
    assertPng(simulatedReport, "sensors.png", DemoReport.SENSORS_WIDTH, DemoReport.SENSORS_HEIGHT);
    assertPng(simulatedReport, "validity.png", DemoReport.VALIDITY_WIDTH, DemoReport.VALIDITY_HEIGHT);
    assertPng(simulatedReport, "validity-loss.png", DemoReport.LOSS_WIDTH, DemoReport.LOSS_HEIGHT);
    assertPng(simulatedReport, "validity-loss-naive.png", DemoReport.LOSS_WIDTH, DemoReport.LOSS_HEIGHT);
    assertPng(simulatedReport, "traceability-loss.png", DemoReport.LOSS_WIDTH, DemoReport.LOSS_HEIGHT);
    assertPng(simulatedReport, "traceability-accuracy.png", DemoReport.ACCURACY_WIDTH, DemoReport.ACCURACY_HEIGHT);
  }

  @Test
  void loss_emptyHistory_drawsAPlaceholderInsteadOfFailing() {
    BufferedImage image = DemoReport.loss(new History("mae", List.of()), "test model");
    assertThat(image.getWidth()).isEqualTo(DemoReport.LOSS_WIDTH);
    assertThat(image.getHeight()).isEqualTo(DemoReport.LOSS_HEIGHT);
  }

  private static void assertPng(Path dir, String name, int width, int height) throws IOException {
    BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
    assertThat(image).as(name).isNotNull();
    assertThat(image.getWidth()).as(name + " width").isEqualTo(width);
    assertThat(image.getHeight()).as(name + " height").isEqualTo(height);
  }

  @Test
  void sensorChart_oneDeviceAndNothingRejected_drawsTheLineAndNoCross() {
    BufferedImage image = SensorChart.render(List.of(series("only", 50, 0, 0)), 800, 500);
    assertThat(image.getWidth()).isEqualTo(800);
    // the left half is all plot area: the device's line is there and no red cross is
    assertThat(count(image, 400, DemoReportTest::isRed)).isZero();
    assertThat(count(image, 400, DemoReportTest::isBlue)).isGreaterThan(50);
    assertThat(labels(SensorChart.legend(List.of(series("only", 50, 0, 0)))))
        .containsExactly("only", "rejected by the ledger: none");
  }

  @Test
  void sensorChart_rejectedReadings_areRedCrosses_andCountedByVerdict() {
    List<SensorSeries> sensors = List.of(series("a", 50, 0, 4), series("b", 50, 1, 0));
    BufferedImage image = SensorChart.render(sensors, 800, 500);
    assertThat(count(image, 400, DemoReportTest::isRed)).isGreaterThan(10);
    // reading 0 claims 85 °C and 2 %RH: it is drawn at the edges and said so; the others, a few
    // degrees off, are drawn where they claim to be
    assertThat(labels(SensorChart.legend(sensors)))
        .containsExactly("a", "b", "rejected by the ledger (4)", "BAD_SIGNATURE: 2", "REPLAYED: 1", "TAMPERED: 1",
            "1 off-scale, drawn at the edge");
  }

  @Test
  void sensorChart_sixtyDevices_capsTheLegend() {
    List<SensorSeries> sensors = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sensors.add(series("dev-" + i, 80, i * 0.1, i == 3 ? 1 : 0));
    }
    BufferedImage image = SensorChart.render(sensors, DemoReport.SENSORS_WIDTH, DemoReport.SENSORS_HEIGHT);
    assertThat(image.getHeight()).isEqualTo(DemoReport.SENSORS_HEIGHT);
    List<String> legend = labels(SensorChart.legend(sensors));
    // ten devices named, the rest counted, then the one refused reading (which claims 85 °C)
    assertThat(legend).hasSize(SensorChart.LEGEND_DEVICES + 4);
    assertThat(legend.subList(0, SensorChart.LEGEND_DEVICES)).containsExactly("dev-0", "dev-1", "dev-2", "dev-3", "dev-4", "dev-5",
        "dev-6", "dev-7", "dev-8", "dev-9");
    assertThat(legend.subList(SensorChart.LEGEND_DEVICES, legend.size())).containsExactly("and 50 more devices",
        "rejected by the ledger (1)", "BAD_SIGNATURE: 1", "1 off-scale, drawn at the edge");
  }

  @Test
  void sensorChart_noDevices_stillDraws() {
    BufferedImage image = SensorChart.render(List.of(), 640, 400);
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(labels(SensorChart.legend(List.of()))).containsExactly("no devices", "rejected by the ledger: none");
  }

  @Test
  void sensorChart_deviceWithOnlyRejectedOrSingleReadings_stillDraws() {
    SensorSeries forgedOnly = new SensorSeries("forged", List.of(), List.of(new RejectedPoint(1, 22, 50, "BAD_SIGNATURE")));
    SensorSeries single = new SensorSeries("single", List.of(new Point(2, 21, 55)), List.of());
    BufferedImage image = SensorChart.render(List.of(forgedOnly, single), 640, 400);
    assertThat(count(image, 320, DemoReportTest::isRed)).isPositive();
  }

  private static List<String> labels(List<Plot.Entry> entries) {
    return entries.stream().map(Plot.Entry::text).toList();
  }

  private interface RgbTest {
    boolean test(int r, int g, int b);
  }

  private static boolean isRed(int r, int g, int b) {
    return r > 180 && g < 90 && b < 90;
  }

  private static boolean isBlue(int r, int g, int b) {
    return b > 150 && r < 80 && g > 90 && g < 150;
  }

  private static int count(BufferedImage image, int maxX, RgbTest test) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < maxX; x++) {
        int rgb = image.getRGB(x, y);
        if (test.test((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff)) {
          n++;
        }
      }
    }
    return n;
  }

  // ---- terminal -------------------------------------------------------------------------------

  @Test
  void terminalSummary_showsTable1LedgerTraceabilityModelsAndAudit() {
    String s = DemoReport.terminalSummary(simulated());
    for (double t : TEMPERATURES) {
      assertThat(s).contains(String.format(java.util.Locale.ROOT, "%.2f", t));
    }
    assertThat(s).contains("46.00").contains("+0.50").contains("-6.10")
        .contains("2,000 readings received, 1,800 legal, 200 rejected")
        .contains("93.10 %").contains("92.39 %")
        .contains("humidity-v1 (validity) VERIFIED").contains("trace-v1 (traceability) REGISTERED")
        .contains("FAILED").contains("readings signed");
    assertThat(DemoReport.terminalSummary(realRecording())).contains("no ground truth").doesNotContain("±2 %RH");
  }
}
