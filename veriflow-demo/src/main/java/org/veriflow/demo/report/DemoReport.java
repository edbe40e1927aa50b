package org.veriflow.demo.report;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.veriflow.demo.report.DemoResult.Check;
import org.veriflow.demo.report.DemoResult.Ledger;
import org.veriflow.demo.report.DemoResult.ModelRow;
import org.veriflow.demo.report.DemoResult.Traceability;
import org.veriflow.demo.report.DemoResult.ValidityRow;
import org.veriflow.ml.metrics.History;
import org.veriflow.ml.metrics.HistoryChart;

/**
 * Renders what the seed-experiment demo found: a {@code report.json} for programs, PNG charts, an
 * {@code index.html} page that shows them with the paper's Table 1, and a short summary for the
 * terminal. Stateless; safe to call from any thread (charts are drawn on off-screen images, so no
 * display is needed).
 */
public final class DemoReport {
  static final String REPORT_JSON = "report.json";
  static final String INDEX_HTML = "index.html";
  static final String SENSORS_PNG = "sensors.png";
  static final String VALIDITY_PNG = "validity.png";
  static final String VALIDITY_LOSS_PNG = "validity-loss.png";
  static final String VALIDITY_LOSS_NAIVE_PNG = "validity-loss-naive.png";
  static final String TRACEABILITY_LOSS_PNG = "traceability-loss.png";
  static final String TRACEABILITY_ACCURACY_PNG = "traceability-accuracy.png";

  static final int LOSS_WIDTH = 880;
  static final int LOSS_HEIGHT = 330;
  private static final int LOSS_TITLE_HEIGHT = 34;
  static final int ACCURACY_WIDTH = 760;
  static final int ACCURACY_HEIGHT = 380;
  static final int SENSORS_WIDTH = 1040;
  static final int SENSORS_HEIGHT = 640;
  static final int VALIDITY_WIDTH = 760;
  static final int VALIDITY_HEIGHT = 420;

  /** Table 1's columns in the terminal: temperature, truth, the two predictions; then the errors and the ±2 %RH verdict. */
  private static final String TABLE_VALUES = "  %9s  %11s  %11s  %15s";
  private static final String TABLE_ERRORS = "  %9s  %13s  %6s";

  private DemoReport() {}

  /**
   * Writes {@code report.json}, {@code index.html} and the charts ({@code sensors.png}, {@code
   * validity.png}, {@code validity-loss.png}, {@code validity-loss-naive.png}, {@code
   * traceability-loss.png}, {@code traceability-accuracy.png}) into {@code reportDir}, creating it if
   * needed and replacing files of those names. A chart whose data is empty (no epochs, no rows) is
   * drawn as a canvas that says so.
   *
   * @throws IOException if a file cannot be written
   */
  public static void write(DemoResult r, Path reportDir) throws IOException {
    Files.createDirectories(reportDir);
    Files.writeString(reportDir.resolve(REPORT_JSON), ReportJson.toJson(r), StandardCharsets.UTF_8);
    Plot.writePng(SensorChart.render(r.sensors(), SENSORS_WIDTH, SENSORS_HEIGHT), reportDir.resolve(SENSORS_PNG));
    Plot.writePng(ValidityChart.render(r.validity().rows(), VALIDITY_WIDTH, VALIDITY_HEIGHT), reportDir.resolve(VALIDITY_PNG));
    Plot.writePng(loss(r.validity().chainHistory(), "chain-verified model"), reportDir.resolve(VALIDITY_LOSS_PNG));
    Plot.writePng(loss(r.validity().naiveHistory(), "model trained without a ledger"), reportDir.resolve(VALIDITY_LOSS_NAIVE_PNG));
    Plot.writePng(loss(r.traceability().history(), "traceability model"), reportDir.resolve(TRACEABILITY_LOSS_PNG));
    Plot.writePng(AccuracyChart.render(r.traceability().history(), Traceability.PAPER_VALIDATION_ACCURACY, ACCURACY_WIDTH,
        ACCURACY_HEIGHT), reportDir.resolve(TRACEABILITY_ACCURACY_PNG));
    Files.writeString(reportDir.resolve(INDEX_HTML), ReportPage.html(r), StandardCharsets.UTF_8);
  }

  /**
   * {@link HistoryChart}'s loss and metric panels under a title that names the model, or a canvas
   * that says there were no epochs.
   */
  static BufferedImage loss(History history, String what) {
    String title = "Training of the " + what;
    if (history.epochs().isEmpty()) {
      return Plot.placeholder(LOSS_WIDTH, LOSS_HEIGHT, title, "no epochs recorded");
    }
    BufferedImage image = Plot.canvas(LOSS_WIDTH, LOSS_HEIGHT);
    Graphics2D g = Plot.graphics(image);
    try {
      Plot.title(g, title, 16, 24);
      g.drawImage(HistoryChart.render(history, LOSS_WIDTH, LOSS_HEIGHT - LOSS_TITLE_HEIGHT), 0, LOSS_TITLE_HEIGHT, null);
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * A plain-text summary for the terminal: the paper's Table 1 in fixed-width columns, then one line
   * each for the ledger, the traceability experiment, the models and the audit. Lines end with
   * {@code \n}; the report's path is for the caller to print.
   */
  public static String terminalSummary(DemoResult r) {
    StringBuilder sb = new StringBuilder();
    boolean truth = r.validity().rows().stream().anyMatch(row -> row.truth().isPresent());
    sb.append("Table 1: relative humidity predicted at each temperature")
        .append(truth ? "" : " (real recording: no ground truth)").append('\n');
    sb.append(String.format(Locale.ROOT, TABLE_VALUES, "temp (°C)", "truth (%RH)", "chain (%RH)", "no ledger (%RH)"));
    if (truth) {
      sb.append(String.format(Locale.ROOT, TABLE_ERRORS, "chain err", "no-ledger err", "±2 %RH"));
    }
    sb.append('\n');
    for (ValidityRow row : r.validity().rows()) {
      sb.append(String.format(Locale.ROOT, TABLE_VALUES, fixed(row.temperature()),
          row.truth().map(DemoReport::fixed).orElse("-"), fixed(row.chain()), fixed(row.naive())));
      if (truth) {
        sb.append(String.format(Locale.ROOT, TABLE_ERRORS, row.truth().map(t -> signed(t - row.chain())).orElse("-"),
            row.truth().map(t -> signed(t - row.naive())).orElse("-"),
            row.truth().isEmpty() ? "-" : withinTolerance(row) ? "yes" : "NO"));
      }
      sb.append('\n');
    }
    Ledger l = r.ledger();
    sb.append(String.format(Locale.ROOT, "Ledger: %,d readings received, %,d legal, %,d rejected", l.received(), l.legal(),
        rejectedTotal(l)));
    if (!l.rejected().isEmpty()) {
      sb.append(" (").append(counts(l.rejected())).append(')');
    }
    if (!l.attacks().isEmpty()) {
      sb.append("; attacks: ").append(counts(l.attacks()));
    }
    sb.append(String.format(Locale.ROOT, "; snapshot %s, %,d rows\n", shortId(l.snapshotId()), l.snapshotRows()));
    Traceability t = r.traceability();
    sb.append(String.format(Locale.ROOT, "Traceability: validation accuracy %s (paper: %s), training %s, %d devices\n",
        percent(t.validationAccuracy()), percent(Traceability.PAPER_VALIDATION_ACCURACY), percent(t.trainAccuracy()),
        t.classes().size()));
    List<String> models = new ArrayList<>();
    for (ModelRow m : r.models()) {
      models.add(String.format(Locale.ROOT, "%s (%s) %s, %d attestation%s", m.id(), m.purpose(), m.status(), m.attestations(),
          m.attestations() == 1 ? "" : "s"));
    }
    sb.append("Models: ").append(models.isEmpty() ? "none" : String.join("; ", models)).append('\n');
    sb.append(auditLine(r)).append('\n');
    return sb.toString();
  }

  private static String auditLine(DemoResult r) {
    long failed = r.audit().checks().stream().filter(c -> !c.passed()).count();
    StringBuilder sb = new StringBuilder("Audit of decision ").append(shortId(r.audit().decisionId())).append(": ")
        .append(r.audit().passed() ? "PASSED" : "FAILED").append(", ").append(r.audit().checks().size())
        .append(r.audit().checks().size() == 1 ? " link checked" : " links checked");
    if (failed > 0) {
      sb.append(", ").append(failed).append(" failed:");
      for (Check c : r.audit().checks()) {
        if (!c.passed()) {
          sb.append(' ').append(c.name()).append(';');
        }
      }
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }

  /** True if the chain-verified prediction is within ±2 %RH of the truth; false without a truth. */
  static boolean withinTolerance(ValidityRow row) {
    return row.truth().isPresent() && Math.abs(row.truth().get() - row.chain()) <= ValidityChart.TOLERANCE + 1e-9;
  }

  static long rejectedTotal(Ledger l) {
    return l.rejected().values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code "A 3, B 5"} in the map's order. */
  static String counts(Map<String, ? extends Number> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(k + " " + String.format(Locale.ROOT, "%,d", v.longValue())));
    return String.join(", ", parts);
  }

  /** Two decimals, or {@code "n/a"} for a value that is not finite. */
  static String fixed(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
  }

  /** Two decimals with an explicit sign: {@code +0.12}, {@code -3.40}. */
  static String signed(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    double rounded = Math.round(v * 100) / 100.0;
    return String.format(Locale.ROOT, "%+.2f", rounded == 0 ? 0.0 : rounded);
  }

  /** A fraction as a percentage with two decimals: {@code 0.9239} → {@code 92.39 %}. */
  static String percent(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f %%", fraction * 100) : "n/a";
  }

  /** The first 16 characters of a long id or hash, with an ellipsis; short ones as they are. */
  static String shortId(String id) {
    if (id == null) {
      return "-";
    }
    return id.length() > 20 ? id.substring(0, 16) + "…" : id;
  }
}
